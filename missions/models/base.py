"""Abstract building blocks: a dated period, a sourced fact, timestamps."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..choices import Confidence, DatePrecision
from ..dates import format_partial_date, widen

__all__ = ["Period", "Sourced", "TimeStamped"]


class TimeStamped(models.Model):
    """Add creation and modification times (clients sync with `updated_since`)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Sourced(models.Model):
    """Add the provenance of a fact: its sources, how sure they are, and notes."""

    source = models.TextField(
        _("source"), blank=True, help_text=_("Documents or addresses, separated by ' | '.")
    )
    confidence = models.CharField(
        _("confidence"), max_length=6, choices=Confidence.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        abstract = True

    @property
    def source_list(self) -> list[str]:
        return [part.strip() for part in self.source.split("|") if part.strip()]


class Period(models.Model):
    """Add a start and an optional end, each with its precision (day, month or year).

    Dates are stored widened (a start at the first day of its range, an end at the last), so
    that "active on D" is `start_date <= D <= end_date` everywhere; see missions/dates.py.
    """

    start_date = models.DateField(_("start"), null=True, blank=True, db_index=True)
    start_precision = models.CharField(
        _("start precision"), max_length=5, choices=DatePrecision.choices, default="day"
    )
    end_date = models.DateField(
        _("end"), null=True, blank=True, db_index=True, help_text=_("Empty: still in force.")
    )
    end_precision = models.CharField(
        _("end precision"), max_length=5, choices=DatePrecision.choices, default="day"
    )
    end_unknown = models.BooleanField(
        _("ended, date unknown"),
        default=False,
        help_text=_("Known to have ended, but no source dates the end. Never counted as active."),
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="%(app_label)s_%(class)s_end_after_start",
                violation_error_message=_("The end is before the start."),
            ),
        ]

    @property
    def start(self) -> str:
        return format_partial_date(self.start_date, self.start_precision)

    @property
    def end(self) -> str:
        return format_partial_date(self.end_date, self.end_precision)

    def widen_dates(self) -> None:
        """Snap both bounds to the edges of the ranges their precision stands for."""
        if self.start_date:
            self.start_date = widen(self.start_date, self.start_precision, "start")
        if self.end_date:
            self.end_date = widen(self.end_date, self.end_precision, "end")

    def clean(self) -> None:
        super().clean()
        self.widen_dates()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end is before the start.")})
        if self.end_unknown and self.end_date:
            raise ValidationError(
                {"end_unknown": _("Either give the end date or mark the end as unknown, not both.")}
            )

    @property
    def latest_start(self):
        """Return the last day the start could be, given its precision."""
        return widen(self.start_date, self.start_precision, "end") if self.start_date else None

    @property
    def earliest_end(self):
        """Return the first day the end could be, given its precision."""
        if self.end_unknown:
            # Ended at an unknown time: it may have ended as soon as it started.
            return self.latest_start
        return widen(self.end_date, self.end_precision, "start") if self.end_date else None

    def certainly_overlaps(self, other: "Period") -> bool:
        """Tell whether two periods share more than a boundary day however their dates are read.

        A tenure ending "2004-02" and the next starting "2004-02" do not clash; nor do two that
        meet on one day (a handover). Only an overlap that no reading of the dates avoids does.
        """
        if not self.start_date or not other.start_date:
            return False
        last_start = max(self.latest_start, other.latest_start)
        ends = [end for end in (self.earliest_end, other.earliest_end) if end is not None]
        return not ends or last_start < min(ends)

    def is_active_on(self, day) -> bool:
        """Tell whether this period is in force on `day`."""
        return bool(self.start_date and self.start_date <= day and not self.end_unknown) and (
            self.end_date is None or self.end_date >= day
        )

    def status_on(self, day) -> str:
        """Return "active" (in force on `day`), "closed" (known to have ended by then),
        "not_started" (starts later) or "unknown" (no start date, and no end a source gives).

        A presence no source dates (a UN country team, say) is not active on any day under the
        registry's rule, but calling it closed would state what no source says.
        """
        if self.is_active_on(day):
            return "active"
        if self.end_unknown or (self.end_date is not None and self.end_date < day):
            return "closed"
        if self.start_date is not None and self.start_date > day:
            return "not_started"
        return "unknown"
