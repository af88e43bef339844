"""Reading vocabulary of the registry: one implementation of "active on a date"."""

from datetime import date

from django.db import connections, models
from django.db.models import Q
from django.db.models.expressions import RawSQL

from mandates.choices import MandateCompleteness

from .compiled import CompiledQuery

__all__ = ["MissionQuerySet", "PeriodQuerySet", "active_on_q"]


def active_on_q(day: date, prefix: str = "") -> Q:
    """Return the condition "in force on `day`" on the period fields under `prefix`."""
    # Bounds are stored widened by their precision (missions/dates.py), so this is the rule
    # of DOMAIN.md: start <= D and (end is empty or end >= D). An unknown start is never active,
    # nor is a period known to have ended on a date no source gives.
    return (
        Q(**{f"{prefix}start_date__lte": day})
        & Q(**{f"{prefix}end_unknown": False})
        & (Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day}))
    )


def _overlaps_q(first: date | None, last: date | None, prefix: str = "") -> Q:
    condition = Q(**{f"{prefix}start_date__isnull": False}) & Q(**{f"{prefix}end_unknown": False})
    if last is not None:
        condition &= Q(**{f"{prefix}start_date__lte": last})
    if first is not None:
        condition &= Q(**{f"{prefix}end_date__isnull": True}) | Q(
            **{f"{prefix}end_date__gte": first}
        )
    return condition


class PeriodQuerySet(models.QuerySet):
    """Rows with a start and an optional end (missions, mandates, appointments, partnerships)."""

    def active_on(self, day: date):
        """Return rows in force on `day`, imprecise bounds read at their widest."""
        return self.filter(active_on_q(day))

    def active_during(self, year: int):
        """Return rows in force at any time in `year`."""
        return self.overlapping(date(year, 1, 1), date(year, 12, 31))

    def overlapping(self, first: date | None, last: date | None):
        """Return rows in force at some day between `first` and `last` (either may be open)."""
        return self.filter(_overlaps_q(first, last))

    def current(self):
        """Return rows in force today."""
        return self.active_on(date.today())


class MissionQuerySet(PeriodQuerySet):
    """Missions and other UN presences."""

    def spm(self):
        """Return special political missions only (not PKOs, country teams, support offices)."""
        return self.filter(category="special_political_mission")

    def in_cluster(self, *slugs: str):
        """Return missions of the clusters named by slug (`envoy`, `field_mission`, ...)."""
        return self.filter(cluster__slug__in=slugs)

    def in_region(self, *slugs: str):
        """Return missions in the regions named by slug."""
        return self.filter(region__slug__in=slugs)

    def in_country(self, iso3: str):
        """Return missions hosted by the country with ISO 3166-1 alpha-3 code `iso3`."""
        return self.filter(host_countries__iso3=iso3.upper())

    def with_mandate_area(self, area, on: date | None = None):
        """Return missions whose mandate holds `area` (slug or MandateArea) on day `on`, or ever."""
        # The mandates name their missions: no join back to the missions table in the subquery,
        # and an area already read is matched by its key, with no join to the areas either.
        if on is not None:
            # One index of the derived rows (mandates.models.AreaPeriod) answers "on D".
            if not isinstance(area, str):
                values = {"area": area.pk, "day": on}
                sql, params = _HELD_ON.bind(connections[self.db], values)
                return self.filter(pk__in=RawSQL(sql, params))  # noqa: S611 (the ORM's SQL)
            periods = self.model.area_periods.rel.related_model
            held = periods.objects.filter(mandate_area__slug=area).active_on(on)
            return self.filter(pk__in=held.values("mission_id"))
        lookup = "mandate_areas__slug" if isinstance(area, str) else "mandate_areas"
        mandates = self.model.mandates.rel.related_model.objects.filter(**{lookup: area})
        return self.filter(pk__in=mandates.values("mission_id"))

    def with_mandate_recorded(self, on: date):
        """Return missions with a complete mandate record in force on `on`."""
        # A partial record lists only attested areas: its mission's areas are unknown, not few.
        condition = active_on_q(on, prefix="mandates__") & Q(
            mandates__completeness=MandateCompleteness.COMPLETE
        )
        ids = self.model.objects.filter(condition).values("pk")
        return self.filter(pk__in=ids)


def _held_on(given: dict):
    from django.apps import apps

    periods = apps.get_model("mandates", "AreaPeriod").objects.filter(mandate_area=given["area"])
    return periods.active_on(given["day"]).values("mission_id")


# The missions whose mandate holds an area on a day. Built by the ORM on every request, this
# subquery cost the API's filtered list 11% of its Python instructions (building, relabelling,
# compiling); the rule is still PeriodQuerySet.active_on's. No key reaches the area stand-in,
# and no period starts on the day's.
_HELD_ON = CompiledQuery(_held_on, {"area": 2**63 - 2**60, "day": date(1, 1, 2)})
