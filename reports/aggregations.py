"""Pure reads that turn the registry into statistics; the grouping happens in the database.

Every function here is side-effect free: filters in, plain dicts and rows out. Each yearly
metric is ONE statement (common table expressions, window functions, GROUP BY) that runs on
PostgreSQL and SQLite alike; where their SQL differs (dates, GREATEST), it branches on
`connection.vendor`. Its cost grows with the number of missions, mandates and mandate areas,
not with missions x years (see "SQL building blocks"). A refresh computes many series inside
computed_once(), where series of one population share one statement (see there).

The counting rules are DOMAIN.md's and missions/querysets.py's: dates are stored widened by
their precision, so "active on D" is `start <= D and (end is null or end >= D)` and never a
mission known to have ended on an unknown date. `reference=any` counts a year when the
period overlaps any day of it. tests/reports/test_vocabulary.py checks that both agree.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import date
from itertools import accumulate

from django.db import connection
from django.db.models import Count, Min

from mandates.choices import MandateCompleteness
from mandates.models import Mandate, MandateArea
from missions.models import Appointment, Cluster, Mission, Person, Region

__all__ = [
    "SPLITS",
    "Population",
    "YearWindow",
    "active_missions",
    "closed",
    "computed_once",
    "data_fingerprint",
    "established",
    "expect",
    "first_year",
    "landscape",
    "mandate_area_share",
    "mandate_area_slugs",
    "mean_duration_years",
    "mean_mandate_areas",
    "slugs",
    "women_heads_share",
    "year_windows",
]

SPM = "special_political_mission"
# Part of every fingerprint: bump it when a change here alters results, so that stored
# snapshots count as out of date.
VERSION = 3
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
    if _shared.get() is not None:
        # The years of the starts are counted for established() anyway.
        rows = _dated_by_cluster(population)["start_date"]
        clusters = population.clusters
        years = (row["year"] for row in rows if not clusters or row["group"] in clusters)
        return min(years, default=None)
    return _first_year(population)


def _first_year(population: Population) -> int | None:
    start = population.queryset().aggregate(first=Min("start_date"))["first"]
    return start.year if start else None


def mandate_area_slugs() -> list[str]:
    """Return every mandate area's slug, sorted."""
    return slugs(MandateArea)


def slugs(vocabulary) -> list[str]:
    """Return the slugs of a vocabulary model (Cluster, Region, MandateArea), sorted."""
    return list(
        _once(
            ("slugs", vocabulary._meta.label),
            lambda: sorted(vocabulary.objects.values_list("slug", flat=True)),
        )
    )


# -- one computation for many series (a refresh) ---------------------------------------------
#
# A refresh computes a dozen series over the same data: the same metric for all SPMs and for
# one cluster, per cluster, per area or for one area. Inside computed_once() the additive
# metrics (counts and sums of missions, never of distinct people) are computed once per
# population split by cluster, and each series is read off those rows: a cluster's rows are
# its own, the whole population's are their sums (every mission has exactly one cluster).
# The range metrics of one population (active missions, ages, mandate areas, areas held by
# any of a few) are moreover parts of ONE statement: its missions and mandates are read and
# their ranges computed once. A refresh says beforehand which parts it will ask for
# (expect()); a part not expected is computed when asked for, in a statement of its own.
# Outside computed_once() (a series asked for through the API) each series is its own
# statement; both give the same rows (tests/reports/test_reference_loop.py checks both
# against the loop).

_shared: ContextVar[dict | None] = ContextVar("reports_shared_computations", default=None)

# Parts of a population's statement (_population_parts): the missions' ranges (active
# missions and their ages), the mandate areas (recorded missions and, per area, those holding
# it), or a tuple of area slugs (recorded missions and those holding any of the areas).
_RANGES = "ranges"
_AREAS = "areas"


@contextmanager
def computed_once() -> Iterator[None]:
    """Within the block, compute what several series share once (see above)."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def expect(
    name: str,
    windows: Sequence[YearWindow],
    population: Population,
    split: str | None = None,
    *,
    areas: Iterable[str] | None = None,
    any_of: bool = False,
) -> None:
    """Say that aggregation `name` will be asked for with these arguments in computed_once().

    Its population's expected parts are then computed by one statement; outside
    computed_once() this does nothing.
    """
    cache = _shared.get()
    if cache is None or not windows or split not in (None, "cluster"):
        return
    parts = {
        "active_missions": {_RANGES},
        "mean_duration_years": {_RANGES},
        "mean_mandate_areas": {_RANGES, _AREAS},
        "mandate_area_share": {_any_of_part(areas) if any_of else _AREAS},
        "women_heads_share": {_heads_part(population, split)} - {None},
    }.get(name, set())
    key = ("expected", _years(windows), replace(population, clusters=()))
    cache.setdefault(key, set()).update(parts)


def _any_of_part(areas: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(sorted(set(areas or ())))


def _once(key: tuple, compute: Callable):
    cache = _shared.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _years(windows: Sequence[YearWindow]) -> tuple:
    return (windows[0].ref_start, windows[0].ref_end, windows[-1].year, len(windows))


def _shared_part(
    part, windows: Sequence[YearWindow], population: Population, split: str | None
) -> list[dict]:
    """Return one part's rows of `population`'s statement, computed with the parts expected."""
    cache = _shared.get()
    broad = replace(population, clusters=())
    years = _years(windows)
    computed = cache.setdefault(("parts", years, broad), {})
    if part not in computed:
        # Parts of one statement: the heads' (over tenures), or the others' (missions, mandates).
        heads = part in (_HEADS, _HEADS_BY_CLUSTER)
        expected = {
            other
            for other in cache.get(("expected", years, broad), ())
            if (other in (_HEADS, _HEADS_BY_CLUSTER)) == heads and other not in computed
        }
        compute = _heads_parts if heads else _population_parts
        computed.update(compute(windows, broad, {part} | expected))
    rows = computed[part]
    key = ("part", part, years, broad, population.clusters, split)
    if isinstance(rows, _AreaCounts):
        return _once(key, lambda: rows.narrowed(population.clusters, split))
    return _once(key, lambda: _narrowed(rows, population, split))


def _shared_split(split: str | None) -> bool:
    return _shared.get() is not None and split in (None, "cluster")


_NOT_SUMMED = frozenset(("year", "area", "group"))


@dataclass(frozen=True)
class _AreaCounts:
    """A part of mandate areas split by cluster: {(group, area): (field, [count per window])}.

    Its rows are made for the clusters asked for, summed over them by window: made for every
    cluster and then summed (_narrowed), 15,000 rows on the bench, they cost a refresh 5 ms more.
    Area None counts the missions `recorded`; the others, those `holding` the area.
    """

    years: tuple[int, ...]
    counts: dict[tuple[str | None, str | None], tuple[str, list[int]]]

    def narrowed(self, clusters: tuple[str, ...], split: str | None) -> list[dict]:
        chosen = [item for item in self.counts.items() if not clusters or item[0][0] in clusters]
        if split != "cluster":
            summed: dict[str | None, tuple[str, list[int]]] = {}
            for (_, area), (field, counts) in chosen:
                if area in summed:
                    counts = [a + b for a, b in zip(summed[area][1], counts, strict=True)]
                summed[area] = (field, counts)
            chosen = [((None, area), value) for area, value in summed.items()]
        # Counts are never negative: a sum is 0 exactly where every cluster's count is.
        return [
            {"year": year, "group": group, "area": area, field: count}
            for (group, area), (field, counts) in chosen
            for year, count in zip(self.years, counts, strict=True)
            if count
        ]


def _narrowed(rows: list[dict], population: Population, split: str | None) -> list[dict]:
    """Return the rows of `population`'s clusters from rows split by cluster, summed if no split."""
    if population.clusters:
        rows = [row for row in rows if row["group"] in population.clusters]
    if split == "cluster":
        return rows
    if len(population.clusters) == 1:
        # One cluster's rows are one per (year, area) already: nothing to sum.
        return [{**row, "group": None} for row in rows]
    summed: dict[tuple, dict] = {}
    for row in rows:
        key = (row["year"], row.get("area", False))
        total = summed.get(key)
        if total is None:
            summed[key] = {**row, "group": None}  # a copy: `rows` are shared
            continue
        for name, value in row.items():
            if name not in _NOT_SUMMED:
                total[name] = total.get(name, 0) + value
    return list(summed.values())


# -- SQL building blocks ----------------------------------------------------------------------
#
# A series is never computed by expanding every mission into its years (that grows with
# missions x years x areas). Each mission, mandate or tenure becomes ONE range of years
# [first, last]: the years whose reference day it covers. The database sums +1 at `first` and
# -1 at `last + 1` by year; a running sum over a few hundred years (in Python) turns those
# deltas into the yearly figures. Ranges that overlap for one mission (two mandates both in
# force on a handover day) are merged first (gaps and islands, with window functions), so a
# mission or an area counts once a year, exactly as the row-by-row definition does.

OPEN = 9999  # the last year of a range with no end


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _year_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_part('year', {column}) AS INTEGER)"
    return f"CAST(strftime('%%Y', {column}) AS INTEGER)"


def _month_day_sql(column: str) -> str:
    # The day of the year as month * 100 + day (1 July is 701), comparable as a number.
    if connection.vendor == "postgresql":
        return f"CAST(date_part('month', {column}) * 100 + date_part('day', {column}) AS INTEGER)"
    return f"CAST(strftime('%%m%%d', {column}) AS INTEGER)"


def _day_number_sql(column: str) -> str:
    # Days since 1900-01-01 (julianday('1900-01-01') is 2415020.5).
    if connection.vendor == "postgresql":
        return f"({column} - DATE '1900-01-01')"
    return f"CAST(julianday({column}) - 2415020.5 AS INTEGER)"


def _day_number(day: date) -> int:
    return (day - date(1900, 1, 1)).days


def _greatest(a: str, b: str) -> str:
    return f"GREATEST({a}, {b})" if connection.vendor == "postgresql" else f"MAX({a}, {b})"


def _least(a: str, b: str) -> str:
    return f"LEAST({a}, {b})" if connection.vendor == "postgresql" else f"MIN({a}, {b})"


def _reference(windows: Sequence[YearWindow]) -> tuple[int, int]:
    """Return the month-days (month * 100 + day) that decide a range's first and last year.

    A period covers the reference day D of year Y when start <= D <= end: its first year is the
    start's, plus one if the start falls after D in its year; its last year is the end's, minus
    one if the end falls before D. With reference=any (the whole year) no start falls after
    '12-31' and no end before '01-01', so the years are simply the start's and the end's.
    """
    first = windows[0]
    if first.ref_start == first.ref_end:
        day = first.ref_start.month * 100 + first.ref_start.day
        return day, day
    return 1231, 101


def _range_sql(alias: str, windows: Sequence[YearWindow]) -> tuple[str, str]:
    """Return SQL for the first and the last year whose reference day `alias` covers."""
    after, before = _reference(windows)  # integers: safe to inline
    start, end = f"{alias}.start_date", f"{alias}.end_date"
    if connection.vendor == "postgresql":
        return _range_sql_postgresql(start, end, windows, after, before)
    first = (
        f"({_year_sql(start)} + CASE WHEN {_month_day_sql(start)} > {after:d} THEN 1 ELSE 0 END)"
    )
    last = (
        f"(CASE WHEN {end} IS NULL THEN {OPEN} ELSE {_year_sql(end)}"
        f" - CASE WHEN {_month_day_sql(end)} < {before:d} THEN 1 ELSE 0 END END)"
    )
    return first, last


def _range_sql_postgresql(
    start: str, end: str, windows: Sequence[YearWindow], after: int, before: int
) -> tuple[str, str]:
    # date_part() casts every date to a timestamp and returns a double: over 200,000 rows the
    # year arithmetic was most of a statement's time. Counting instead, by binary search
    # (width_bucket), the reference days of the years before a date gives the same years for
    # the windows, and years outside them only ever clamped to one year beyond (harmless:
    # a running sum is read for the windows' years only). The array is an InitPlan: built once.
    low = min(w.year for w in windows) - 1  # integers: safe to inline
    high = max(w.year for w in windows) + 1

    def days(month_day: int) -> str:
        month, day = divmod(month_day, 100)
        return (
            f"(SELECT array_agg(make_date(y, {month:d}, {day:d}) ORDER BY y)"  # noqa: S608 (integers)
            f" FROM generate_series({low:d}, {high:d}) y)"
        )

    first = f"({low:d} + width_bucket({start} - 1, {days(after)}))"
    last = (
        f"(CASE WHEN {end} IS NULL THEN {OPEN}"
        f" ELSE {low - 1:d} + width_bucket({end}, {days(before)}) END)"
    )
    return first, last


def _dated_sql(alias: str) -> str:
    # The rule of missions/querysets.py: no start, or an end no source dates, is never active.
    return f"{alias}.start_date IS NOT NULL AND {alias}.end_unknown = %s"


def _population_sql(population: Population) -> tuple[str, list]:
    """Return a condition on missions `m` that Population.queryset() also expresses."""
    # Written on `m` itself: `m.id IN (<the queryset>)` made PostgreSQL read the missions
    # twice in every statement (about a third of a small statement's time).
    clauses, params = [], []

    def marks(values) -> str:
        params.extend(values)
        return ", ".join(["%s"] * len(values))

    if population.categories:
        clauses.append(f"m.category IN ({marks(population.categories)})")
    if population.clusters:
        clauses.append(
            f"m.cluster_id IN (SELECT id FROM {_table(Cluster)}"  # noqa: S608 (values are parameters)
            f" WHERE slug IN ({marks(population.clusters)}))"
        )
    if population.regions:
        clauses.append(
            f"m.region_id IN (SELECT id FROM {_table(Region)}"  # noqa: S608 (values are parameters)
            f" WHERE slug IN ({marks(population.regions)}))"
        )
    if population.mandating_bodies:
        clauses.append(f"m.mandating_body IN ({marks(population.mandating_bodies)})")
    return " AND ".join(clauses) or "1 = 1", params


def _joins(split: str | None) -> str:
    if split == "cluster":
        return f" JOIN {_table(Cluster)} c ON c.id = m.cluster_id"
    if split == "region":
        return f" LEFT JOIN {_table(Region)} r ON r.id = m.region_id"
    return ""


def _group_sql(split: str | None) -> str:
    return SPLITS[split] if split else "''"


# Range statements group by ids (PostgreSQL groups hundreds of thousands of event rows by
# integers about three times as fast as by text) and name the groups at the end (_Statement).
_GROUP_IDS = {"cluster": "m.cluster_id", "region": "m.region_id"}
_GROUP_NAMES = {"cluster": Cluster, "region": Region}


def _group_id_sql(split: str | None) -> str:
    if split is None:
        return "CAST(NULL AS INTEGER)"
    return _GROUP_IDS.get(split, SPLITS[split])


def _fetch(sql: str, params: Sequence) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def _key(value) -> str | None:
    return value if value not in ("", None) else None


class _Statement:
    """One SQL statement built from named common table expressions (WITH ...)."""

    def __init__(self):
        self.ctes: list[str] = []
        self.params: list = []

    def cte(self, name: str, sql: str, params: Sequence = (), *, materialized=False) -> str:
        # PostgreSQL inlines a CTE read once: `materialized` computes it first, once (the
        # missions and their years, before the join to their mandates, not after it).
        fence = " MATERIALIZED" if materialized and connection.vendor == "postgresql" else ""
        self.ctes.append(f"{name} AS{fence} ({sql})")
        self.params += list(params)
        return name

    def fetch(self, select: str, split: str | None = None, params: Sequence = ()) -> list[tuple]:
        """Return the rows of `select` (its second column `grp`), groups named by `split`."""
        head = f"WITH {', '.join(self.ctes)} " if self.ctes else ""
        params = [*self.params, *params]
        if split not in _GROUP_NAMES:
            return _fetch(f"{head}{select}", params)
        names = _table(_GROUP_NAMES[split])
        rows = _fetch(
            f"{head}SELECT q.*, n.slug FROM ({select}) q"  # noqa: S608
            f" LEFT JOIN {names} n ON n.id = q.grp",
            params,
        )
        return [(row[0], row[-1], *row[2:-1]) for row in rows]


def _missions_cte(statement, windows, population, split, *, days=False) -> str:
    """Add `missions` (mission_id, grp, first_year, last_year): each counted mission's years.

    With `days`, also start_day and end_day: the start and end as day numbers.
    """
    where, params = _population_sql(population)
    first, last = _range_sql("m", windows)
    day_numbers = (
        f", {_day_number_sql('m.start_date')} AS start_day,"
        f" {_day_number_sql('m.end_date')} AS end_day"
        if days
        else ""
    )
    return statement.cte(
        "missions",
        f"SELECT m.id AS mission_id, {_group_id_sql(split)} AS grp,"  # noqa: S608 (names are ours; values are parameters)
        f" {first} AS first_year, {last} AS last_year{day_numbers}"
        f" FROM {_table(Mission)} m WHERE {_dated_sql('m')} AND {where}",
        [False, *params],
        materialized=True,
    )


def _mandate_ctes(statement, windows) -> None:
    """Add the mandate ranges (`mandate_years`) and the recorded ranges `recorded_*` per mission.

    Only complete mandate records count: a partial one leaves its mission's areas unknown
    (DOMAIN.md), so the mission is left out of the mean and the shares while it is in force.

    Mandates of one mission rarely share a reference day; only missions where two do
    (`overlapping`) need their ranges merged, the others' are counted as they are.
    """
    first, last = _range_sql("d", windows)
    # OFFSET 0 keeps PostgreSQL from copying the year expressions into the outer WHERE (each
    # would then be computed twice a row); SQLite has no such rewrite, nor OFFSET without LIMIT.
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
    statement.cte(
        "mandate_years",
        f"SELECT * FROM (SELECT d.id AS mandate_id, x.mission_id AS mission_id, x.grp AS grp,"  # noqa: S608 (names are ours; values are parameters)
        f" {_greatest('x.first_year', first)} AS first_year,"
        f" {_least('x.last_year', last)} AS last_year"
        f" FROM missions x JOIN {_table(Mandate)} d ON d.mission_id = x.mission_id"
        f" WHERE d.end_unknown = %s AND d.completeness = %s{fence}) y"
        " WHERE first_year <= last_year",
        [False, MandateCompleteness.COMPLETE.value],
    )
    statement.cte(
        "overlapping",
        "SELECT DISTINCT mission_id FROM (SELECT mission_id, first_year, MAX(last_year) OVER"
        " (PARTITION BY mission_id ORDER BY first_year, last_year, mandate_id"
        " ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_last FROM mandate_years) o"
        " WHERE first_year <= prev_last",
    )
    statement.cte(
        "recorded_plain",
        "SELECT mission_id, grp, first_year, last_year FROM mandate_years"
        " WHERE mission_id NOT IN (SELECT mission_id FROM overlapping)",
    )
    statement.cte(
        "recorded_ranges",
        "SELECT mission_id, grp, first_year, last_year FROM mandate_years"
        " WHERE mission_id IN (SELECT mission_id FROM overlapping)",
    )
    _merged_cte(statement, "recorded_overlap", "recorded_ranges", "mission_id, grp")


def _held_ctes(
    statement,
    name: str = "held",
    *,
    areas: Iterable[str] | None = None,
    any_of: bool = False,
    any_area: int = 0,
) -> str:
    """Add `{name}_plain` and `{name}_overlap`: the ranges per (mission, area id) held.

    `areas`: only these (default: every area). With `any_of`, a mandate holding any of them
    gives one range, of area `any_area`. Needs _mandate_ctes().
    """
    area_filter, area_params = _area_filter(areas)
    through = _table(Mandate.mandate_areas.through)
    if any_of:
        rows = (
            f"SELECT my.mission_id AS mission_id, my.grp AS grp, {any_area:d} AS area,"  # noqa: S608
            " my.first_year AS first_year, my.last_year AS last_year FROM mandate_years my"
            f" WHERE EXISTS (SELECT 1 FROM {through} ma WHERE ma.mandate_id = my.mandate_id"
            f"{area_filter}) AND my.mission_id"
        )
    else:
        rows = (
            "SELECT my.mission_id AS mission_id, my.grp AS grp, ma.mandatearea_id AS area,"  # noqa: S608
            " my.first_year AS first_year, my.last_year AS last_year FROM mandate_years my"
            f" JOIN {through} ma ON ma.mandate_id = my.mandate_id WHERE 1 = 1{area_filter}"
            " AND my.mission_id"
        )
    plain = f"{rows} NOT IN (SELECT mission_id FROM overlapping)"  # noqa: S608
    overlapping = f"{rows} IN (SELECT mission_id FROM overlapping)"  # noqa: S608
    statement.cte(f"{name}_plain", plain, area_params)
    statement.cte(f"{name}_ranges", overlapping, area_params)
    _merged_cte(statement, f"{name}_overlap", f"{name}_ranges", "mission_id, grp, area")
    return name


def _area_filter(areas: Iterable[str] | None) -> tuple[str, list]:
    if areas is None:
        return "", []
    slugs = list(areas)
    marks = ", ".join(["%s"] * len(slugs)) or "NULL"
    table = _table(MandateArea)
    sql = f" AND ma.mandatearea_id IN (SELECT id FROM {table} WHERE slug IN ({marks}))"  # noqa: S608
    return sql, slugs


def _merged_cte(statement, name: str, ranges: str, keys: str) -> str:
    """Add `name`: the ranges of `ranges` sharing `keys`, cut so that no two overlap.

    In order of first year, each range keeps only its years after the last year of every
    range before it: the pieces cover each year the ranges cover exactly once.
    """
    # One window pass, no grouping into islands: the pieces give the same events as the
    # merged ranges would (the people of a women_heads_share statement: 2 passes -> 1).
    order = f"PARTITION BY {keys} ORDER BY first_year, last_year"
    cut = _greatest("first_year", "COALESCE(prev_last + 1, first_year)")
    return statement.cte(
        name,
        f"SELECT {keys}, first_year, last_year FROM ("  # noqa: S608
        f" SELECT {keys}, {cut} AS first_year, last_year FROM ("
        f"  SELECT {keys}, first_year, last_year, MAX(last_year) OVER ({order}"
        f"  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_last"
        f"  FROM {ranges} WHERE first_year <= last_year) ordered) pieces"
        " WHERE first_year <= last_year",
    )


# Event tags travel as small integers (cheaper to group by than text); _running names them.
_TAGS = (
    *("count", "active", "recorded", "areas", "holding", "start", "end", "ended"),
    *("heads", "heads_all"),
)


def _events_sql(
    source: str, keys: str, tag: str, weight: str = "1", *, also: Sequence[tuple[str, str]] = ()
) -> str:
    """Return a SELECT of (year, keys, tag, delta): +weight where ranges begin, -weight after.

    `also`: more (tag, weight) of the same ranges, in the same scan where the SQL allows it.
    """
    weights = [(tag, weight), *also]
    # One scan of `source` joined to two rows (+1, -1), not a UNION ALL of two scans: a source
    # read once is inlined by the planner instead of stored (and spilled to disk) first.
    if source.isidentifier() and connection.vendor == "postgresql":
        return _events_counted_sql(source, keys, weights)
    return " UNION ALL ".join(
        f"SELECT CASE WHEN side.sign = 1 THEN first_year ELSE last_year + 1 END AS year,"  # noqa: S608
        f" {keys}, {_TAGS.index(tag):d} AS tag, side.sign * ({weight}) AS delta"
        f" FROM {source} CROSS JOIN (SELECT 1 AS sign UNION ALL SELECT -1) side"
        f" WHERE first_year <= last_year AND (side.sign = 1 OR last_year < {OPEN})"
        for tag, weight in weights
    )


def _events_counted_sql(source: str, keys: str, weights: Sequence[tuple[str, str]]) -> str:
    """Return _events_sql's rows, summed per year in one pass (PostgreSQL)."""
    # GROUPING SETS counts the ranges by first year and by last year in one scan of `source`:
    # a tenth as many rows reach the final GROUP BY. On the mandate-area statement of a
    # bench/stats.py refresh (130,000 area ranges) 180 -> 137 ms. SQLite has no GROUPING SETS.
    # `source` names a common table expression: a subquery whose first_year and last_year are
    # one expression (mean_duration_years' ended ranges) would be flattened into one set.
    grouped = ", ".join(key.rsplit(" AS ", 1)[0] for key in keys.split(", "))
    first = "GROUPING(first_year) = 0"
    deltas = []
    for tag, weight in weights:
        # Sums of day numbers outgrow an INTEGER; counts do not (and sum faster as one).
        total, kind = ("COUNT(*)", "INTEGER") if weight == "1" else (f"SUM({weight})", "BIGINT")
        delta = f"CAST(CASE WHEN {first} THEN {total} ELSE -{total} END AS {kind})"
        deltas.append((_TAGS.index(tag), delta))
    if len(deltas) == 1:
        columns = "{:d} AS tag, {} AS delta".format(*deltas[0])
    else:
        columns = ", ".join(f"{delta} AS delta{index}" for index, (_, delta) in enumerate(deltas))
    counted = (
        f"SELECT CASE WHEN {first} THEN first_year ELSE last_year + 1 END AS year,"  # noqa: S608
        f" {keys}, {columns} FROM {source} WHERE first_year <= last_year"
        f" GROUP BY GROUPING SETS ((first_year, {grouped}), (last_year, {grouped}))"
        f" HAVING {first} OR last_year < {OPEN}"
    )
    if len(deltas) == 1:
        return counted
    # Several sums of one pass, a row each (the missions' counts and start days: a scan less).
    names = ", ".join(f"c.{key.rsplit(' AS ', 1)[-1]}" for key in keys.split(", "))
    rows = ", ".join(f"({tag:d}, c.delta{index})" for index, (tag, _) in enumerate(deltas))
    return (
        f"SELECT c.year, {names}, t.tag, t.delta FROM ({counted}) c"  # noqa: S608
        f" CROSS JOIN LATERAL (VALUES {rows}) t (tag, delta)"
    )


def _summed(keys: str, *events: str) -> str:
    return (
        f"SELECT year, {keys}, tag, CAST(SUM(delta) AS BIGINT) AS total FROM ("  # noqa: S608
        + " UNION ALL ".join(events)
        + f") events GROUP BY year, {keys}, tag"
    )


def _running(rows: Iterable[tuple], windows: Sequence[YearWindow]) -> dict[tuple, int]:
    """Return {(year, *key, tag): total} from rows (year, *key, tag number, delta), per window."""
    years = [window.year for window in windows]
    return {
        (year, *key): total
        for key, totals in _running_series(rows, windows).items()
        for year, total in zip(years, totals, strict=True)
        if total
    }


def _running_series(rows: Iterable[tuple], windows: Sequence[YearWindow]) -> dict[tuple, list]:
    """Return {(*key, tag): [total per window]} from rows (year, *key, tag number, delta)."""
    # Windows run in year order: an event counts from the first window of its year or after.
    years = [window.year for window in windows]
    size = len(years)
    first = years[0]
    # Windows of consecutive years (as year_windows() makes them): the window is an offset.
    consecutive = years[-1] - first == size - 1
    deltas: dict[tuple, list[int]] = {}
    for row in rows:
        year = row[0]
        if consecutive:
            index = year - first if year > first else 0
        else:
            index = bisect_left(years, year)
        if index >= size:
            continue
        key = row[1:-1]
        per_window = deltas.get(key)
        if per_window is None:
            per_window = deltas[key] = [0] * size
        per_window[index] += int(row[-1])
    return {(*key[:-1], _TAGS[key[-1]]): list(accumulate(d)) for key, d in deltas.items()}


# -- metrics: each returns rows {year, group, ...integers}; services turn them into values ----


def active_missions(
    windows: Sequence[YearWindow], population: Population, split: str | None = None
) -> list[dict]:
    """Return per year (and group) how many missions were active: {year, group, count}."""
    if not windows:
        return []
    if _shared_split(split):
        # The missions counted for their ages (mean_duration_years) are the active ones.
        rows = _shared_part(_RANGES, windows, population, split)
        return [{"year": r["year"], "group": r["group"], "count": r["count"]} for r in rows]
    statement = _Statement()
    missions = _missions_cte(statement, windows, population, split)
    rows = statement.fetch(_summed("grp", _events_sql(missions, "grp", "count")), split)
    return [
        {"year": y, "group": _key(g), "count": c}
        for (y, g, _), c in _running(rows, windows).items()
    ]


def _dated_in_year(
    column: str, windows: Sequence[YearWindow], population: Population, split: str | None
) -> list[dict]:
    if not windows:
        return []
    wanted = {w.year for w in windows}
    if _shared_split(split):
        rows = [r for r in _dated_by_cluster(population)[column] if r["year"] in wanted]
        return _narrowed(rows, population, split)
    return [r for r in _dated_years((column,), population, split)[column] if r["year"] in wanted]


def _dated_years(
    columns: Sequence[str], population: Population, split: str | None
) -> dict[str, list[dict]]:
    """Return {column: rows {year, group, count}}: the missions whose `column` falls in a year."""
    where, params = _population_sql(population)
    years = [_year_sql(f"m.{column}") for column in columns]
    group = _group_id_sql(split)
    if connection.vendor == "postgresql" and len(columns) == 2:
        # One scan counts the years of both columns (GROUPING SETS; SQLite has none).
        count = (
            "SELECT COALESCE(y0, y1) AS year, grp, GROUPING(y0) AS col, COUNT(*) FROM"  # noqa: S608 (names are ours; values are parameters)
            f" (SELECT {group} AS grp, {years[0]} AS y0, {years[1]} AS y1"
            f" FROM {_table(Mission)} m WHERE {where}) d"
            " GROUP BY GROUPING SETS ((y0, grp), (y1, grp))"
        )
    else:
        count = " UNION ALL ".join(
            f"SELECT {year} AS year, {group} AS grp, {index:d} AS col, COUNT(*)"  # noqa: S608 (names are ours; values are parameters)
            f" FROM {_table(Mission)} m WHERE m.{column} IS NOT NULL AND {where}"
            f" GROUP BY {year}, {group}"
            for index, (column, year) in enumerate(zip(columns, years, strict=True))
        )
        params = params * len(columns)
    out: dict[str, list[dict]] = {column: [] for column in columns}
    for y, g, index, c in _Statement().fetch(count, split, params):
        if y is not None:
            out[columns[index]].append({"year": y, "group": _key(g), "count": c})
    return out


def _dated_by_cluster(population: Population) -> dict[str, list[dict]]:
    """Return _dated_years() of the starts and ends, split by cluster (one statement, shared)."""
    broad = replace(population, clusters=())
    return _once(("dated", broad), lambda: _dated_years(_DATED, broad, "cluster"))


_DATED = ("start_date", "end_date")


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

    `active`: missions active; `recorded`: those with a complete mandate record in force (the
    `n` of the mean); `areas`: the sum over them of the distinct areas those mandates hold.
    """
    if not windows:
        return []
    if _shared_split(split):
        # The areas held, summed over the missions, are the per-area counts of
        # mandate_area_share summed over the areas: read both metrics off the same rows.
        out = {
            (row["year"], row["group"]): {"active": row["count"], "recorded": 0, "areas": 0}
            for row in active_missions(windows, population, split)
        }
        for row in mandate_area_share(windows, population, split):
            totals = out.get((row["year"], row["group"]))
            if totals is not None:
                name = "recorded" if row["area"] is None else "areas"
                totals[name] += row["recorded" if row["area"] is None else "holding"]
        return [{"year": y, "group": g, **row} for (y, g), row in out.items()]
    statement = _Statement()
    missions = _missions_cte(statement, windows, population, split)
    _mandate_ctes(statement, windows)
    held = _held_ctes(statement)
    # Per (mission, area) ranges: summed over the areas, the distinct areas held.
    rows = statement.fetch(
        _summed(
            "grp",
            _events_sql(missions, "grp", "active"),
            _events_sql("recorded_plain", "grp", "recorded"),
            _events_sql("recorded_overlap", "grp", "recorded"),
            _events_sql(f"{held}_plain", "grp", "areas"),
            _events_sql(f"{held}_overlap", "grp", "areas"),
        ),
        split,
    )
    out: dict[tuple, dict] = {}
    for (year, group, tag), total in _running(rows, windows).items():
        out.setdefault((year, group), {"active": 0, "recorded": 0, "areas": 0})[tag] = total
    return [{"year": y, "group": _key(g), **row} for (y, g), row in out.items() if row["active"]]


def mandate_area_share(
    windows: Sequence[YearWindow],
    population: Population,
    split: str | None = None,
    *,
    areas: Iterable[str] | None = None,
    any_of: bool = False,
) -> list[dict]:
    """Return per year (and group, and area) {year, group, area, recorded, holding}.

    Rows with `area` None carry `recorded`, the missions with a complete mandate record in force
    (the `n` of every share). The others carry `holding`, those among them whose mandate in force
    holds the area. With `any_of`, the `areas` count as one (area "*": holding any of them).
    """
    if not windows:
        return []
    if _shared_split(split):
        if any_of:
            return _shared_part(_any_of_part(areas), windows, population, split)
        # Every area's rows, filtered here (`recorded` is the same whichever are asked).
        rows = _shared_part(_AREAS, windows, population, split)
        wanted = None if areas is None else set(areas)
        return [r for r in rows if wanted is None or r["area"] is None or r["area"] in wanted]
    statement = _Statement()
    _missions_cte(statement, windows, population, split)
    _mandate_ctes(statement, windows)
    held = _held_ctes(statement, areas=areas, any_of=any_of)
    keys = "grp, CAST(NULL AS BIGINT) AS area"
    summed = _summed(
        "grp, area",
        _events_sql("recorded_plain", keys, "recorded"),
        _events_sql("recorded_overlap", keys, "recorded"),
        _events_sql(f"{held}_plain", "grp, area", "holding"),
        _events_sql(f"{held}_overlap", "grp, area", "holding"),
    )
    rows = statement.fetch(
        f"SELECT s.year, s.grp, a.slug, s.tag, s.total FROM ({summed}) s"  # noqa: S608
        f" LEFT JOIN {_table(MandateArea)} a ON a.id = s.area",
        split,
    )
    out = []
    for (year, group, slug, tag), total in _running(rows, windows).items():
        row = {"year": year, "group": _key(group), "area": None}
        if tag == "holding":
            row["area"] = "*" if any_of else slug
        row[tag] = total
        out.append(row)
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
    if _shared_split(split):
        return _shared_part(_RANGES, windows, population, split)
    statement = _Statement()
    ranged = _missions_cte(statement, windows, population, split, days=True)
    rows = statement.fetch(_summed("grp", *_age_events(ranged, windows, "grp")), split)
    return _ages(_running(rows, windows), windows)


def _age_events(ranged: str, windows: Sequence[YearWindow], keys: str) -> list[str]:
    """Return the events of the missions' ranges that _ages() turns into active counts and ages."""
    # Each range also carries its mission's start day and end day: summed over the missions
    # active in a year they give the ages without visiting any mission year by year.
    events = [_events_sql(ranged, keys, "count", also=[("start", "start_day")])]
    if _whole_year(windows):
        # Deltas that hold in the last year of a range only: the ends of the missions that ended.
        ended = (
            f"(SELECT grp, last_year AS first_year, last_year, end_day FROM {ranged}"  # noqa: S608
            f" WHERE first_year <= last_year AND last_year < {OPEN}) e"
        )
        events += [
            _events_sql(ended, keys, "end", "end_day"),
            _events_sql(ended, keys, "ended"),
        ]
    return events


def _ages(totals: dict[tuple, int], windows: Sequence[YearWindow]) -> list[dict]:
    """Return {year, group, count, days} from _age_events' running sums {(year, group, tag)}."""
    whole_year = _whole_year(windows)
    out = []
    for (year, group, tag), count in totals.items():
        if tag != "count":
            continue
        point = _day_number(date(year, 12, 31) if whole_year else date(year, *_md(windows)))
        days = count * point - totals.get((year, group, "start"), 0)
        if whole_year:
            # Missions ending in this year are aged at their end, not on 31 December.
            ended_days = totals.get((year, group, "end"), 0)
            days += ended_days - totals.get((year, group, "ended"), 0) * point
        out.append({"year": year, "group": _key(group), "count": count, "days": days})
    return out


def _whole_year(windows: Sequence[YearWindow]) -> bool:
    return windows[0].ref_start != windows[0].ref_end


def _population_parts(
    windows: Sequence[YearWindow], population: Population, parts: set
) -> dict[object, list[dict] | _AreaCounts]:
    """Return {part: rows split by cluster} for `parts` of `population`, from one statement.

    The parts of mandate areas are _AreaCounts: made into rows for the clusters asked for.
    """
    statement = _Statement()
    ranged = _missions_cte(statement, windows, population, "cluster", days=_RANGES in parts)
    no_area = "grp, CAST(NULL AS BIGINT) AS area"
    events = _age_events(ranged, windows, no_area) if _RANGES in parts else []
    areas_of = sorted((part for part in parts if part != _RANGES), key=str)
    if areas_of:
        _mandate_ctes(statement, windows)
        events += [
            _events_sql("recorded_plain", no_area, "recorded"),
            _events_sql("recorded_overlap", no_area, "recorded"),
        ]
    for index, part in enumerate(areas_of):
        # Area ids are positive: "any of" ranges are told apart by a negative one.
        if part == _AREAS:
            held = _held_ctes(statement)
        else:
            held = _held_ctes(statement, f"any{index}", areas=part, any_of=True, any_area=~index)
        events += [
            _events_sql(f"{held}_plain", "grp, area", "holding"),
            _events_sql(f"{held}_overlap", "grp, area", "holding"),
        ]
    rows = statement.fetch(
        f"SELECT s.year, s.grp, s.area, a.slug, s.tag, s.total"  # noqa: S608
        f" FROM ({_summed('grp, area', *events)}) s"
        f" LEFT JOIN {_table(MandateArea)} a ON a.id = s.area",
        "cluster",
    )
    ranges, recorded, holding = {}, {}, {}
    for (group, area, slug, tag), counts in _running_series(rows, windows).items():
        group = _key(group)
        if area is not None:
            holding.setdefault(area if area < 0 else 0, {})[group, slug or "*"] = (tag, counts)
        elif tag == "recorded":
            recorded[group, None] = (tag, counts)
        else:
            for window, count in zip(windows, counts, strict=True):
                if count:
                    ranges[window.year, group, tag] = count
    out: dict[object, list[dict] | _AreaCounts] = {}
    if _RANGES in parts:
        out[_RANGES] = _ages(ranges, windows)
    years = tuple(window.year for window in windows)
    for index, part in enumerate(areas_of):
        held = holding.get(0 if part == _AREAS else ~index, {})
        out[part] = _AreaCounts(years, {**recorded, **held})
    return out


def _md(windows: Sequence[YearWindow]) -> tuple[int, int]:
    return windows[0].ref_start.month, windows[0].ref_start.day


def women_heads_share(
    windows: Sequence[YearWindow], population: Population, split: str | None = None
) -> list[dict]:
    """Return per year (and group) {year, group, heads, stated, women} over distinct people.

    `heads`: people heading a counted mission on the reference day; `stated`: those whose
    gender a source states (the `n` of the share); `women`: the women among them.
    """
    if not windows:
        return []
    part = _heads_part(population, split)
    if _shared.get() is not None and part is not None:
        return _shared_part(part, windows, population, split)
    return _heads(windows, population, split, whole=False, by_group=True)[1]


# Parts of the heads' statement (_heads_parts): people heading a mission of the population
# (one person heading two of its missions counts once), and people per cluster.
_HEADS = "heads"
_HEADS_BY_CLUSTER = "heads_by_cluster"


def _heads_part(population: Population, split: str | None) -> str | None:
    """Return the shared part women_heads_share() reads, or None if no part has its people."""
    # People are not additive: the heads of two clusters are not the sum of each one's.
    if split is None and not population.clusters:
        return _HEADS
    if split == "cluster" or (split is None and len(population.clusters) == 1):
        return _HEADS_BY_CLUSTER
    return None


def _heads_parts(
    windows: Sequence[YearWindow], population: Population, parts: set
) -> dict[str, list[dict]]:
    """Return {part: rows} for `parts` of the heads of `population`, from one statement."""
    whole, by_cluster = _heads(
        windows,
        population,
        "cluster",
        whole=_HEADS in parts,
        by_group=_HEADS_BY_CLUSTER in parts,
    )
    return {
        part: rows
        for part, rows in ((_HEADS, whole), (_HEADS_BY_CLUSTER, by_cluster))
        if part in parts
    }


def _heads(
    windows: Sequence[YearWindow],
    population: Population,
    split: str | None,
    *,
    whole: bool,
    by_group: bool,
) -> tuple[list[dict], list[dict]]:
    """Return women_heads_share()'s rows over the whole population, and per group of `split`."""
    where, params = _population_sql(population)
    first, last = _range_sql("ap", windows)
    statement = _Statement()
    statement.cte(
        "tenures",
        f"SELECT ap.person_id AS person_id, {_group_id_sql(split)} AS grp,"  # noqa: S608
        f" p.gender AS gender, {first} AS first_year, {last} AS last_year"
        f" FROM {_table(Appointment)} ap JOIN {_table(Mission)} m ON m.id = ap.mission_id"
        f" JOIN {_table(Person)} p ON p.id = ap.person_id"
        f" WHERE {_dated_sql('ap')} AND {where}",
        [False, *params],
    )
    events = []
    if whole:
        people = _merged_cte(statement, "people", "tenures", "person_id, gender")
        keys = "CAST(NULL AS INTEGER) AS grp, gender"
        events.append(_events_sql(people, keys, "heads_all"))
    if by_group:
        people = _merged_cte(statement, "group_people", "tenures", "person_id, grp, gender")
        events.append(_events_sql(people, "grp, gender", "heads"))
    rows = statement.fetch(_summed("grp, gender", *events), split)
    out: dict[tuple, dict] = {}
    for (year, group, gender, tag), total in _running(rows, windows).items():
        row = out.setdefault((tag, year, group), {"heads": 0, "stated": 0, "women": 0})
        row["heads"] += total
        if gender in ("female", "male"):
            row["stated"] += total
        if gender == "female":
            row["women"] += total
    return tuple(
        [{"year": y, "group": _key(g), **row} for (t, y, g), row in out.items() if t == tag]
        for tag in ("heads_all", "heads")
    )


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
    # Which mandate holds which area: the sum of products changes when two mandates swap
    # areas (writes that send no signal and leave updated_at alone), where plain sums do not.
    parts.append(
        f"SELECT COUNT(*), COALESCE(SUM(mandate_id * 7919 + mandatearea_id), 0), "  # noqa: S608 (names are ours; values are parameters)
        f"CAST(COALESCE(SUM(mandate_id * mandatearea_id), 0) AS VARCHAR(40)) FROM {_table(through)}"
    )
    # Vocabularies are small and rarely change; their slugs are split keys.
    for model in (Cluster, Region, MandateArea):
        parts.append(
            f"SELECT COUNT(*), COALESCE(SUM(id), 0), CAST(MAX(slug) AS VARCHAR(80)) "  # noqa: S608 (names are ours; values are parameters)
            f"FROM {_table(model)}"
        )
    sql = " UNION ALL ".join(f"SELECT {i}, t.* FROM ({part}) t" for i, part in enumerate(parts))  # noqa: S608 (names are ours; values are parameters)
    rows = sorted(_fetch(sql, []))
    return hashlib.sha256(repr([VERSION, *rows]).encode()).hexdigest()
