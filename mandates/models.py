from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from missions.models import Document, Mission, Period, Sourced, TimeStamped
from missions.querysets import PeriodQuerySet

from .choices import MandateCompleteness

__all__ = [
    "AreaAttestation",
    "AreaHolding",
    "AreaPeriod",
    "Benchmark",
    "Mandate",
    "MandateArea",
    "MandatedTask",
]


class MandateArea(models.Model):
    """A broad category of mandated work (human rights, security sector reform, ...)."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    source = models.TextField(_("source"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("mandate area")
        verbose_name_plural = _("mandate areas")

    def __str__(self) -> str:
        return self.name


class MandatedTask(models.Model):
    """A specific task inside a mandate area (human rights monitoring, legal support, ...)."""

    area = models.ForeignKey(
        MandateArea, models.CASCADE, related_name="tasks", verbose_name=_("mandate area")
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["area__name", "name"]
        verbose_name = _("mandated task")
        verbose_name_plural = _("mandated tasks")
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="unique_task_in_area"),
        ]

    def __str__(self) -> str:
        return self.name


class Mandate(Period, Sourced, TimeStamped):
    """One period of a mission's mandate, with every area and task in force during it."""

    mission = models.ForeignKey(
        Mission, models.CASCADE, related_name="mandates", verbose_name=_("mission")
    )
    document = models.ForeignKey(
        Document,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="mandates",
        verbose_name=_("adopting document"),
    )
    mandate_areas = models.ManyToManyField(
        MandateArea, blank=True, related_name="mandates", verbose_name=_("mandate areas")
    )
    tasks = models.ManyToManyField(
        MandatedTask, blank=True, related_name="mandates", verbose_name=_("mandated tasks")
    )
    completeness = models.CharField(
        _("completeness"),
        max_length=8,
        choices=MandateCompleteness.choices,
        default=MandateCompleteness.COMPLETE,
    )

    objects = PeriodQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[mandate_areas])

    class Meta(Period.Meta):
        ordering = ["mission__acronym", "start_date"]
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        constraints = [
            *Period.Meta.constraints,
            models.CheckConstraint(
                condition=Q(start_date__isnull=False),
                name="mandate_has_start",
                violation_error_message=_("A mandate period needs a start."),
            ),
            models.UniqueConstraint(
                fields=["mission", "start_date"], name="unique_mandate_start"
            ),
        ]
        # Covering on PostgreSQL (SQLite ignores `include`): "in force on D" (the API's
        # mandate_area with active_on) reads the index alone, across missions or for one.
        indexes = [
            models.Index(
                fields=["start_date"],
                include=["end_date", "end_unknown", "mission", "id"],
                name="mandate_active_on_idx",
            ),
            models.Index(
                fields=["mission", "start_date"],
                include=["end_date", "end_unknown", "id"],
                name="mandate_mission_period_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mission} {self.start}–{self.end or '…'}"

    def get_absolute_url(self) -> str:
        return reverse("missions:mission_detail", kwargs={"acronym": self.mission.acronym})

    def clean(self) -> None:
        super().clean()
        if not self.start_date:
            raise ValidationError({"start_date": _("A mandate period needs a start.")})
        # A mission being added with its mandates (an admin inline) has no id yet.
        if not self.mission_id and not Mandate.mission.is_cached(self):
            return
        mission = self.mission
        errors = {}
        # A mandate lies within its mission's life; imprecise dates get the benefit of the doubt.
        if mission.start_date and self.latest_start < mission.start_date:
            errors["start_date"] = _("The mandate starts before the mission (%(start)s).") % {
                "start": mission.start
            }
        if mission.end_date and (self.end_date is None or self.earliest_end > mission.end_date):
            errors["end_date"] = _("The mandate runs past the mission's end (%(end)s).") % {
                "end": mission.end
            }
        candidates = (
            Mandate.objects.filter(mission_id=self.mission_id)
            .exclude(pk=self.pk)
            .overlapping(self.start_date, self.end_date)
            .select_related("mission")
        )
        clash = next((other for other in candidates if self.certainly_overlaps(other)), None)
        if clash:
            errors.setdefault(
                "start_date", _("This period overlaps the mandate %(other)s.") % {"other": clash}
            )
        if errors:
            raise ValidationError(errors)


class AreaAttestation(Sourced):
    """A source attests that a mission held a mandate area in some years (partial evidence).

    Not a mandate record: statistics over mandates never count these (unknown is not zero).
    """

    mission = models.ForeignKey(
        Mission, models.CASCADE, related_name="area_attestations", verbose_name=_("mission")
    )
    mandate_area = models.ForeignKey(
        MandateArea, models.CASCADE, related_name="attestations", verbose_name=_("mandate area")
    )
    from_year = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    to_year = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["mission__acronym", "mandate_area__slug", "from_year"]
        verbose_name = _("mandate area attestation (partial)")
        verbose_name_plural = _("mandate area attestations (partial)")
        constraints = [
            models.CheckConstraint(
                condition=Q(to_year__isnull=True)
                | Q(from_year__isnull=True)
                | Q(to_year__gte=F("from_year")),
                name="attestation_years_ordered",
                violation_error_message=_("The last year is before the first."),
            ),
            models.UniqueConstraint(
                fields=["mission", "mandate_area", "from_year", "to_year"],
                name="unique_attestation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mission}: {self.mandate_area.slug}"


class AreaHolding(models.Model):
    """That some mandate of a mission held an area at some time: derived, never edited.

    One row per mission and area, recomputed from the mandates whenever they change
    (missions.signals; `manage.py search_index_rebuild` after bulk writes that send no
    signal). The search page counts the missions holding each area from these rows: a
    distinct count over every mandate's areas read them all for every search.
    """

    mission = models.ForeignKey(Mission, models.CASCADE, related_name="area_holdings")
    mandate_area = models.ForeignKey(MandateArea, models.CASCADE, related_name="holdings")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mission", "mandate_area"], name="unique_area_holding")
        ]

    def __str__(self) -> str:
        return f"{self.mission_id}: {self.mandate_area_id}"


class AreaPeriod(models.Model):
    """That a mandate held an area over its period: derived, never edited.

    One row per mandate and area, with the mandate's mission and period copied; kept like
    AreaHolding (missions.signals, `manage.py search_index_rebuild`). "Missions holding an
    area on D" (the API's and the search page's mandate_area with active_on) reads one index
    of these rows: over the mandates and their area links it intersected every mandate in
    force on D with every link of the area (bench/api.py's filtered list: 7.8 -> 1.4 ms).
    """

    # Indexed by unique_area_period and area_period_active_on_idx, which lead with them.
    mandate = models.ForeignKey(
        Mandate, models.CASCADE, related_name="area_periods", db_index=False
    )
    mission = models.ForeignKey(Mission, models.CASCADE, related_name="area_periods")
    mandate_area = models.ForeignKey(
        MandateArea, models.CASCADE, related_name="periods", db_index=False
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True)
    end_unknown = models.BooleanField(default=False)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mandate", "mandate_area"], name="unique_area_period")
        ]
        # Covering on PostgreSQL (SQLite ignores `include`): the filter reads the index alone.
        indexes = [
            models.Index(
                fields=["mandate_area", "start_date"],
                include=["end_date", "end_unknown", "mission"],
                name="area_period_active_on_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mission_id}: {self.mandate_area_id} from {self.start_date}"


class Benchmark(Sourced, TimeStamped):
    """A Security Council-adopted benchmark measuring a mission's progress towards exit."""

    mission = models.ForeignKey(
        Mission, models.CASCADE, related_name="benchmarks", verbose_name=_("mission")
    )
    document = models.ForeignKey(
        Document,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="benchmarks",
        verbose_name=_("document"),
    )
    text = models.TextField(_("benchmark"))
    adopted_date = models.DateField(_("adopted on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["mission__acronym", "adopted_date", "pk"]
        verbose_name = _("benchmark")
        verbose_name_plural = _("benchmarks")

    def __str__(self) -> str:
        return f"{self.mission}: {self.text[:60]}"
