from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import DatePrecision, TransitionKind
from ..dates import format_partial_date, widen
from .base import Sourced, TimeStamped
from .documents import Document
from .missions import Mission
from .places import Country

__all__ = ["Transition"]


class Transition(Sourced, TimeStamped):
    """A change of UN configuration: `predecessor` handed over to `successor` on `date`."""

    predecessor = models.ForeignKey(
        Mission, models.CASCADE, related_name="transitions_out", verbose_name=_("from")
    )
    successor = models.ForeignKey(
        Mission, models.CASCADE, related_name="transitions_in", verbose_name=_("to")
    )
    date = models.DateField(_("date"), help_text=_("The day the successor took over."))
    date_precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision.choices, default="day"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=TransitionKind.choices)
    country = models.ForeignKey(
        Country,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="transitions",
        verbose_name=_("country"),
        help_text=_("Empty for regional offices."),
    )
    document = models.ForeignKey(
        Document,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="transitions",
        verbose_name=_("document"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")),
                name="transition_not_to_itself",
                violation_error_message=_("A mission does not succeed itself."),
            ),
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="unique_transition_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.when})"

    @property
    def when(self) -> str:
        return format_partial_date(self.date, self.date_precision)

    def clean(self) -> None:
        super().clean()
        if self.date:
            # A takeover "in 2009" is read as its first possible day.
            self.date = widen(self.date, self.date_precision, "start")
        errors = {}
        for field in ("predecessor", "successor"):
            mission = getattr(self, field, None) if getattr(self, f"{field}_id") else None
            if mission is None or self.date is None:
                continue
            if (
                mission.start_date
                and widen(self.date, self.date_precision, "end") < mission.start_date
            ):
                errors[field] = _("%(m)s did not exist yet on %(d)s.") % {
                    "m": mission,
                    "d": self.when,
                }
        if self.predecessor_id and self.predecessor_id == self.successor_id:
            errors["successor"] = _("A mission does not succeed itself.")
        if errors:
            raise ValidationError(errors)
