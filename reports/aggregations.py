"""Pure reads that turn the registry into statistics; the grouping happens in the database.

Every function here is side-effect free: filters in, plain dicts and rows out. Yearly series
are computed in ONE statement per metric by joining the missions against a derived table of
the requested years (`WITH years(...) AS (VALUES ...)`), which PostgreSQL and SQLite both run.

The counting rules are DOMAIN.md's and missions/querysets.py's: dates are stored widened by
their precision, so "active on D" is `start <= D and (end is null or end >= D)` and never a
mission known to have ended on an unknown date. `reference=any` replaces the day D by the
year's range [1 January, 31 December]; both are the same SQL with `ref_start`/`ref_end`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Count, Min

from mandates.models import Mandate, MandateArea
from missions.models import Appointment, Cluster, Mission, Person, Region

__all__ = [
    "SPLITS",
    "Population",
    "YearWindow",
    "active_missions",
    "closed",
    "data_fingerprint",
    "established",
    "first_year",
    "landscape",
    "mandate_area_share",
    "mandate_area_slugs",
    "mean_duration_years",
    "mean_mandate_areas",
    "women_heads_share",
    "year_windows",
]

SPM = "special_political_mission"
DAYS_PER_YEAR = 365.25


# -- the landscape on a date (live) ---------------------------------------------------------


def _group_counts(queryset, field: str) -> dict[str, int]:
    rows = queryset.order_by().values(field).annotate(count=Count("pk")).order_by(field)
    return {(row[field] or "unknown"): row["count"] for row in rows}


def landscape(as_of: date, *, category: str | Sequence[str] | None = SPM) -> dict:
    """Return the registry as at `as_of`, like the A/68/223 annex (one dict, JSON-ready).

    `category`: a `MissionCategory` value, a list of them, or None for every presence; the
    default counts special political missions only (DOMAIN.md).

    Answer: {"as_of": "YYYY-MM-DD", "category": [...] or None, "total": int,
    "by_cluster": {slug: int}, "by_mandating_body": {value: int}, "by_region": {slug: int},
    "by_base": {base: int}, "missions": [{"cluster", "name", "numeral", "count",
    "missions": [{"acronym", "name", "kind", "region", "mandating_body", "base", "start",
    "end", "start_date", "end_date"}]}]} with groups in cluster order and missions by acronym.
    Missing values are counted under "unknown".
    """
    categories = [category] if isinstance(category, str) else category
    active = Mission.objects.active_on(as_of)
    if categories:
        active = active.filter(category__in=list(categories))
    by_cluster = _group_counts(active, "cluster__slug")
    rows = active.select_related("cluster", "region").order_by("cluster__position", "acronym")
    groups: dict[str, dict] = {}
    for mission in rows:
        group = groups.setdefault(
            mission.cluster.slug,
            {
                "cluster": mission.cluster.slug,
                "name": mission.cluster.name,
                "numeral": mission.cluster.numeral,
                "count": by_cluster.get(mission.cluster.slug, 0),
                "missions": [],
            },
        )
        group["missions"].append(
            {
                "acronym": mission.acronym,
                "name": mission.name,
                "kind": mission.kind,
                "region": mission.region.slug if mission.region else None,
                "mandating_body": mission.mandating_body or None,
                "base": mission.base or None,
                "start": mission.start,
                "end": mission.end or None,
                "start_date": mission.start_date.isoformat() if mission.start_date else None,
                "end_date": mission.end_date.isoformat() if mission.end_date else None,
            }
        )
    return {
        "as_of": as_of.isoformat(),
        "category": list(categories) if categories else None,
        "total": sum(by_cluster.values()),
        "by_cluster": by_cluster,
        "by_mandating_body": _group_counts(active, "mandating_body"),
        "by_region": _group_counts(active, "region__slug"),
        "by_base": _group_counts(active, "base"),
        "missions": list(groups.values()),
    }


# -- the population and the years ---------------------------------------------------------


SPLITS = {
    # split name -> SQL expression over the joined tables (see _JOINS)
    "cluster": "c.slug",
    "region": "r.slug",
    "mandating_body": "m.mandating_body",
}


@dataclass(frozen=True)
class Population:
    """Which missions a statistic is taken over: SPMs by default, narrowed by slugs."""

    categories: tuple[str, ...] | None = (SPM,)
    clusters: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    mandating_bodies: tuple[str, ...] = ()

    def queryset(self):
        """Return the missions counted, with the registry's own QuerySet vocabulary."""
        missions = Mission.objects.all()
        if self.categories:
            missions = missions.filter(category__in=self.categories)
        if self.clusters:
            missions = missions.in_cluster(*self.clusters)
        if self.regions:
            missions = missions.in_region(*self.regions)
        if self.mandating_bodies:
            missions = missions.filter(mandating_body__in=self.mandating_bodies)
        return missions


@dataclass(frozen=True)
class YearWindow:
    """One year of a series: the period on which a mission must be active to count in it."""

    year: int
    ref_start: date  # the reference day, or 1 January with reference=any
    ref_end: date  # the reference day, or 31 December with reference=any

    @property
    def first_day(self) -> date:
        return date(self.year, 1, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 12, 31)


def year_windows(first: int, last: int, reference: tuple[int, int] | None) -> list[YearWindow]:
    """Return one window per year: the day (month, day) of each year, or the whole year."""
    windows = []
    for year in range(first, last + 1):
        if reference is None:
            windows.append(YearWindow(year, date(year, 1, 1), date(year, 12, 31)))
        else:
            day = date(year, *reference)
            windows.append(YearWindow(year, day, day))
    return windows


def first_year(population: Population) -> int | None:
    """Return the year the first counted mission started, or None for an empty registry."""
    start = population.queryset().aggregate(first=Min("start_date"))["first"]
    return start.year if start else None


def mandate_area_slugs() -> list[str]:
    """Return every mandate area's slug, sorted."""
    return sorted(MandateArea.objects.values_list("slug", flat=True))


# -- SQL building blocks ----------------------------------------------------------------------


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _date_sql() -> str:
    # psycopg may send a bare parameter as text/unknown inside VALUES; SQLite stores dates as
    # ISO text and must NOT cast (CAST('2013-07-01' AS DATE) is the number 2013 there).
    return "CAST(%s AS DATE)" if connection.vendor == "postgresql" else "%s"


def _days_between_sql(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(ROUND(julianday({later}) - julianday({earlier})) AS INTEGER)"


def _years_cte(windows: Sequence[YearWindow]) -> tuple[str, list]:
    d = _date_sql()
    rows = ", ".join([f"(CAST(%s AS INTEGER), {d}, {d}, {d}, {d})"] * len(windows))
    params: list = []
    for w in windows:
        params += [w.year, w.ref_start, w.ref_end, w.first_day, w.last_day]
    return f"years (year, ref_start, ref_end, first_day, last_day) AS (VALUES {rows})", params


def _active_sql(alias: str) -> str:
    # The rule of missions/querysets.py::_active_on_q, over a window instead of one day.
    return (
        f"{alias}.start_date <= y.ref_end AND {alias}.end_unknown = %s "
        f"AND ({alias}.end_date IS NULL OR {alias}.end_date >= y.ref_start)"
    )


def _population_sql(population: Population) -> tuple[str, list]:
    sql, params = population.queryset().order_by().values("pk").query.sql_with_params()
    return f"m.id IN ({sql})", list(params)


def _joins(split: str | None) -> str:
    if split == "cluster":
        return f" JOIN {_table(Cluster)} c ON c.id = m.cluster_id"
    if split == "region":
        return f" LEFT JOIN {_table(Region)} r ON r.id = m.region_id"
    return ""


def _group_sql(split: str | None) -> tuple[str, str]:
    # PostgreSQL refuses a constant in GROUP BY, so the unsplit case groups by the year only.
    if not split:
        return "''", ""
    return SPLITS[split], f", {SPLITS[split]}"


def _fetch(sql: str, params: Sequence) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def _key(value) -> str | None:
    return value if value not in ("", None) else None


# -- metrics: each returns rows {year, group, ...integers}; services turn them into values ----


def active_missions(
    windows: Sequence[YearWindow], population: Population, split: str | None = None
) -> list[dict]:
    """Return per year (and group) how many missions were active: {year, group, count}."""
    if not windows:
        return []
    years, params = _years_cte(windows)
    where, where_params = _population_sql(population)
    group, group_by = _group_sql(split)
    sql = (
        f"WITH {years} SELECT y.year, {group} AS grp, COUNT(m.id) "  # noqa: S608 (names are ours; values are parameters)
        f"FROM years y JOIN {_table(Mission)} m ON {_active_sql('m')}{_joins(split)} "
        f"WHERE {where} GROUP BY y.year{group_by}"
    )
    rows = _fetch(sql, [*params, False, *where_params])
    return [{"year": y, "group": _key(g), "count": c} for y, g, c in rows]


def _dated_in_year(
    column: str, windows: Sequence[YearWindow], population: Population, split: str | None
) -> list[dict]:
    if not windows:
        return []
    years, params = _years_cte(windows)
    where, where_params = _population_sql(population)
    group, group_by = _group_sql(split)
    sql = (
        f"WITH {years} SELECT y.year, {group} AS grp, COUNT(m.id) "  # noqa: S608 (names are ours; values are parameters)
        f"FROM years y JOIN {_table(Mission)} m "
        f"ON m.{column} >= y.first_day AND m.{column} <= y.last_day{_joins(split)} "
        f"WHERE {where} GROUP BY y.year{group_by}"
    )
    rows = _fetch(sql, [*params, *where_params])
    return [{"year": y, "group": _key(g), "count": c} for y, g, c in rows]


def established(
    windows: Sequence[YearWindow], population: Population, split: str | None = None
) -> list[dict]:
    """Return per year (and group) how many missions started in it: {year, group, count}."""
    return _dated_in_year("start_date", windows, population, split)


def closed(
    windows: Sequence[YearWindow], population: Population, split: str | None = None
) -> list[dict]:
    """Return per year (and group) how many missions ended in it: {year, group, count}."""
    return _dated_in_year("end_date", windows, population, split)


def mean_mandate_areas(
    windows: Sequence[YearWindow], population: Population, split: str | None = None
) -> list[dict]:
    """Return per year (and group) {year, group, active, recorded, areas}.

    `active`: missions active; `recorded`: those with a mandate in force recorded (the `n` of
    the mean); `areas`: the sum over them of the distinct areas their mandates in force hold.
    """
    if not windows:
        return []
    years, params = _years_cte(windows)
    where, where_params = _population_sql(population)
    group, group_by = _group_sql(split)
    through = Mandate.mandate_areas.through
    sql = (
        f"WITH {years}, per_mission AS ("  # noqa: S608 (names are ours; values are parameters)
        f" SELECT y.year AS year, m.id AS mission_id, {group} AS grp,"
        f" COUNT(d.id) AS mandates, COUNT(DISTINCT ma.mandatearea_id) AS areas"
        f" FROM years y JOIN {_table(Mission)} m ON {_active_sql('m')}{_joins(split)}"
        f" LEFT JOIN {_table(Mandate)} d ON d.mission_id = m.id AND {_active_sql('d')}"
        f" LEFT JOIN {_table(through)} ma ON ma.mandate_id = d.id"
        f" WHERE {where} GROUP BY y.year, m.id{group_by})"
        f" SELECT year, grp, COUNT(*),"
        f" SUM(CASE WHEN mandates > 0 THEN 1 ELSE 0 END), SUM(areas)"
        f" FROM per_mission GROUP BY year, grp"
    )
    rows = _fetch(sql, [*params, False, False, *where_params])
    return [
        {"year": y, "group": _key(g), "active": a, "recorded": int(r or 0), "areas": int(s or 0)}
        for y, g, a, r, s in rows
    ]


def mandate_area_share(
    windows: Sequence[YearWindow],
    population: Population,
    split: str | None = None,
    *,
    areas: Iterable[str] | None = None,
    any_of: bool = False,
) -> list[dict]:
    """Return per year (and group, and area) {year, group, area, recorded, holding}.

    Rows with `area` None carry `recorded`, the missions with a mandate in force recorded (the
    `n` of every share). The others carry `holding`, those among them whose mandate in force
    holds the area. With `any_of`, the `areas` count as one (area "*": holding any of them).
    """
    if not windows:
        return []
    years, params = _years_cte(windows)
    where, where_params = _population_sql(population)
    group, group_by = _group_sql(split)
    through = Mandate.mandate_areas.through
    area_filter, area_params = "", []
    if areas is not None:
        slugs = list(areas)
        marks = ", ".join(["%s"] * len(slugs)) or "NULL"
        area_filter = f" AND a.slug IN ({marks})"
        area_params = slugs
    area_key = "'*'" if any_of else "a.slug"
    sql = (
        f"WITH {years}, recorded AS ("  # noqa: S608 (names are ours; values are parameters)
        f" SELECT DISTINCT y.year AS year, m.id AS mission_id, {group} AS grp"
        f" FROM years y JOIN {_table(Mission)} m ON {_active_sql('m')}{_joins(split)}"
        f" JOIN {_table(Mandate)} d ON d.mission_id = m.id AND {_active_sql('d')}"
        f" WHERE {where}),"
        f" holding AS ("
        f" SELECT DISTINCT y.year AS year, d.mission_id AS mission_id, {area_key} AS area"
        f" FROM years y JOIN {_table(Mandate)} d ON {_active_sql('d')}"
        f" JOIN {_table(through)} ma ON ma.mandate_id = d.id"
        f" JOIN {_table(MandateArea)} a ON a.id = ma.mandatearea_id{area_filter})"
        f" SELECT year, grp, NULL, COUNT(*) FROM recorded GROUP BY year, grp"
        f" UNION ALL"
        f" SELECT h.year, r.grp, h.area, COUNT(*) FROM holding h"
        f" JOIN recorded r ON r.year = h.year AND r.mission_id = h.mission_id"
        f" GROUP BY h.year, r.grp, h.area"
    )
    rows = _fetch(sql, [*params, False, False, *where_params, False, *area_params])
    out = []
    for y, g, area, count in rows:
        if area is None:
            out.append({"year": y, "group": _key(g), "area": None, "recorded": count})
        else:
            out.append({"year": y, "group": _key(g), "area": area, "holding": count})
    return out


def mean_duration_years(
    windows: Sequence[YearWindow], population: Population, split: str | None = None
) -> list[dict]:
    """Return per year (and group) {year, group, count, days}: active missions, summed ages.

    A mission's age is the days from its start to the reference day (with reference=any, to
    the last day of the year it was active: 31 December or its end).
    """
    if not windows:
        return []
    years, params = _years_cte(windows)
    where, where_params = _population_sql(population)
    group, group_by = _group_sql(split)
    point = (
        "CASE WHEN m.end_date IS NOT NULL AND m.end_date < y.ref_end THEN m.end_date"
        " ELSE y.ref_end END"
    )
    sql = (
        f"WITH {years} SELECT y.year, {group} AS grp, COUNT(m.id),"  # noqa: S608 (names are ours; values are parameters)
        f" SUM({_days_between_sql(point, 'm.start_date')})"
        f" FROM years y JOIN {_table(Mission)} m ON {_active_sql('m')}{_joins(split)}"
        f" WHERE {where} GROUP BY y.year{group_by}"
    )
    rows = _fetch(sql, [*params, False, *where_params])
    return [{"year": y, "group": _key(g), "count": c, "days": int(d or 0)} for y, g, c, d in rows]


def women_heads_share(
    windows: Sequence[YearWindow], population: Population, split: str | None = None
) -> list[dict]:
    """Return per year (and group) {year, group, heads, stated, women} over distinct people.

    `heads`: people heading a counted mission on the reference day; `stated`: those whose
    gender a source states (the `n` of the share); `women`: the women among them.
    """
    if not windows:
        return []
    years, params = _years_cte(windows)
    where, where_params = _population_sql(population)
    group, group_by = _group_sql(split)
    sql = (
        f"WITH {years} SELECT y.year, {group} AS grp, COUNT(DISTINCT p.id),"  # noqa: S608 (names are ours; values are parameters)
        f" COUNT(DISTINCT CASE WHEN p.gender IN (%s, %s) THEN p.id END),"
        f" COUNT(DISTINCT CASE WHEN p.gender = %s THEN p.id END)"
        f" FROM years y JOIN {_table(Appointment)} ap ON {_active_sql('ap')}"
        f" JOIN {_table(Mission)} m ON m.id = ap.mission_id{_joins(split)}"
        f" JOIN {_table(Person)} p ON p.id = ap.person_id"
        f" WHERE {where} GROUP BY y.year{group_by}"
    )
    rows = _fetch(sql, [*params, "female", "male", "female", False, *where_params])
    return [
        {"year": y, "group": _key(g), "heads": h, "stated": s, "women": w}
        for y, g, h, s, w in rows
    ]


# -- fingerprint of the data -----------------------------------------------------------------


def data_fingerprint() -> str:
    """Return a digest of every input of the statistics (counts, id sums, last changes)."""
    parts = []
    for model in (Mission, Mandate, Appointment, Person):
        parts.append(
            f"SELECT COUNT(*), COALESCE(SUM(id), 0), CAST(MAX(updated_at) AS VARCHAR(40)) "  # noqa: S608 (names are ours; values are parameters)
            f"FROM {_table(model)}"
        )
    through = Mandate.mandate_areas.through
    parts.append(
        f"SELECT COUNT(*), COALESCE(SUM(mandate_id * 7919 + mandatearea_id), 0), "  # noqa: S608 (names are ours; values are parameters)
        f"CAST(COALESCE(SUM(mandatearea_id), 0) AS VARCHAR(40)) FROM {_table(through)}"
    )
    # Vocabularies are small and rarely change; their slugs are split keys.
    for model in (Cluster, Region, MandateArea):
        parts.append(
            f"SELECT COUNT(*), COALESCE(SUM(id), 0), CAST(MAX(slug) AS VARCHAR(80)) "  # noqa: S608 (names are ours; values are parameters)
            f"FROM {_table(model)}"
        )
    sql = " UNION ALL ".join(f"SELECT {i}, t.* FROM ({part}) t" for i, part in enumerate(parts))  # noqa: S608 (names are ours; values are parameters)
    rows = sorted(_fetch(sql, []))
    return hashlib.sha256(repr(rows).encode()).hexdigest()
