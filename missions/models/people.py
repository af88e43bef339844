from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import Gender
from ..querysets import PeriodQuerySet
from .base import Period, Sourced, TimeStamped
from .missions import Mission

__all__ = ["Appointment", "Person"]


class Person(TimeStamped):
    """A person who led a mission or served as an envoy."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    gender = models.CharField(
        _("gender"),
        max_length=6,
        choices=Gender.choices,
        blank=True,
        help_text=_("Only where a source states it."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name


class Appointment(Period, Sourced, TimeStamped):
    """A person's tenure at the head of a mission (or as the envoy), with the title held."""

    mission = models.ForeignKey(
        Mission, models.CASCADE, related_name="appointments", verbose_name=_("mission")
    )
    person = models.ForeignKey(
        Person, models.PROTECT, related_name="appointments", verbose_name=_("person")
    )
    title = models.CharField(_("title"), max_length=300, blank=True)

    objects = PeriodQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta(Period.Meta):
        ordering = ["mission__acronym", "start_date", "pk"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            *Period.Meta.constraints,
            models.UniqueConstraint(
                fields=["mission", "person", "start_date"], name="unique_appointment_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.mission}, {self.start or '?'}–{self.end})"

    def clean(self) -> None:
        super().clean()
        if not self.mission_id or not self.start_date:
            return
        # One post, one head at a time (acting heads are recorded in notes, not as rows).
        others = Appointment.objects.filter(mission_id=self.mission_id).exclude(pk=self.pk)
        candidates = others.overlapping(self.start_date, self.end_date).select_related("person")
        clash = next((other for other in candidates if self.certainly_overlaps(other)), None)
        if clash:
            raise ValidationError(
                {"start_date": _("This tenure overlaps %(other)s.") % {"other": clash}}
            )
