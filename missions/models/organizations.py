from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import PartnershipKind
from ..querysets import PeriodQuerySet
from .base import Period, Sourced, TimeStamped
from .missions import Mission

__all__ = ["Organization", "Partnership"]


class Organization(TimeStamped):
    """A regional or subregional partner organization (AU, ECOWAS, League of Arab States, ...)."""

    acronym = models.CharField(_("acronym"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.acronym


class Partnership(Period, Sourced, TimeStamped):
    """A mission's work with a partner organization over a period."""

    mission = models.ForeignKey(
        Mission, models.CASCADE, related_name="partnerships", verbose_name=_("mission")
    )
    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="partnerships", verbose_name=_("organization")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=PartnershipKind.choices)

    objects = PeriodQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta(Period.Meta):
        ordering = ["mission__acronym", "organization__acronym", "pk"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")

    def __str__(self) -> str:
        return f"{self.mission} – {self.organization} ({self.get_kind_display()})"
