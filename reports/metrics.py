"""The catalogue of yearly metrics: their parameters, and how aggregation rows become results.

A result row is `{"year", "value", "n", ...}`: `n` is how many missions (or, for
women_heads_share, people) the value was taken over; shares are fractions between 0 and 1; a
mean or share over nobody is None (unknown is not zero, DOMAIN.md). A split adds the group's
key (`"cluster": "envoy"`); mandate_area_share adds `"mandate_area"`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from django.utils import timezone

from mandates.models import MandateArea
from missions.choices import MandatingBody, MissionCategory
from missions.models import Cluster, Region

from . import aggregations as agg

__all__ = [
    "FIRST_YEAR",
    "METRICS",
    "Metric",
    "ParameterError",
    "Params",
    "compute",
    "expect",
    "parse_categories",
    "parse_params",
]

# A stored series runs from here (the earliest `start` accepted) to this year.
FIRST_YEAR = 1900
PARAMETERS = (
    "start",
    "end",
    "reference",
    "category",
    "cluster",
    "region",
    "mandating_body",
    "split",
    "mandate_area",
)


class ParameterError(ValueError):
    """A statistics parameter is not acceptable; `param` names it (the API answers 400)."""

    def __init__(self, param: str, message: str):
        super().__init__(f"{param}: {message}")
        self.param = param
        self.message = message


@dataclass(frozen=True)
class Params:
    """The parameters of a series. `start`/`end` slice a snapshot; the rest identify it."""

    reference: tuple[int, int] | None = (7, 1)  # None: active at any time in the year
    categories: tuple[str, ...] | None = (agg.SPM,)  # None: every presence
    clusters: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    mandating_bodies: tuple[str, ...] = ()
    split: str | None = None
    mandate_areas: tuple[str, ...] | None = None  # mandate_area_share only; None: every area
    start: int | None = None
    end: int | None = None

    @property
    def population(self) -> agg.Population:
        return agg.Population(
            categories=self.categories,
            clusters=self.clusters,
            regions=self.regions,
            mandating_bodies=self.mandating_bodies,
        )

    def identity(self) -> dict:
        """Return the JSON-ready parameters that identify a snapshot (not the year range)."""
        reference = "any" if self.reference is None else "{:02d}-{:02d}".format(*self.reference)
        return {
            "reference": reference,
            "category": ",".join(self.categories) if self.categories else "all",
            "cluster": ",".join(self.clusters) or None,
            "region": ",".join(self.regions) or None,
            "mandating_body": ",".join(self.mandating_bodies) or None,
            "split": self.split,
            "mandate_area": ",".join(self.mandate_areas) if self.mandate_areas else None,
        }


@dataclass(frozen=True)
class Metric:
    """One yearly metric: its name, what it means, and how its results are computed."""

    name: str
    title: str
    description: str
    # (windows, params, source) -> results; `source` is reports.aggregations or a stand-in
    # with the same functions (bench/stats.py's per-mission Python loop).
    compute: Callable[..., list[dict]] = field(repr=False)
    uses_reference: bool = True

    def as_dict(self) -> dict:
        params = [p for p in PARAMETERS if p != "mandate_area" or self.name == "mandate_area_share"]
        if not self.uses_reference:
            params.remove("reference")
        return {
            "metric": self.name,
            "title": self.title,
            "description": self.description,
            "parameters": params,
        }


def _ratio(numerator: int, denominator: int, scale: float = 1.0) -> float | None:
    # Unknown is not zero: a mean or share over nobody has no value.
    if not denominator:
        return None
    return round(numerator / denominator / scale, 6)


def _fill(windows, rows: list[dict], split: str | None, zero: dict, make) -> list[dict]:
    """Return one result per year (and group seen in any year), in year order.

    `make` turns an aggregation row (or `zero` for a year without one) into the result's
    value, `n` and extra fields.
    """
    by_key = {(row["year"], row["group"]): row for row in rows}
    groups = sorted({row["group"] for row in rows}, key=lambda g: (g is None, g or ""))
    if not split:
        groups = [None]
    results = []
    for window in windows:
        for group in groups:
            result = {"year": window.year}
            if split:
                result[split] = group
            result.update(make(by_key.get((window.year, group), zero)))
            results.append(result)
    return results


def _series(aggregate: str, zero: dict, make):
    """Return a metric's compute function: `aggregate` of the source, rows through `make`."""

    def compute(windows, params: Params, source=agg) -> list[dict]:
        rows = getattr(source, aggregate)(windows, params.population, params.split)
        return _fill(windows, rows, params.split, zero, make)

    return compute


def _counts(name: str):
    return _series(name, {"count": 0}, lambda r: {"value": r["count"], "n": r["count"]})


_mean_mandate_areas = _series(
    "mean_mandate_areas",
    {"active": 0, "recorded": 0, "areas": 0},
    lambda r: {
        "value": _ratio(r["areas"], r["recorded"]),
        "n": r["recorded"],
        "active": r["active"],
    },
)
_mean_duration = _series(
    "mean_duration_years",
    {"count": 0, "days": 0},
    lambda r: {"value": _ratio(r["days"], r["count"], agg.DAYS_PER_YEAR), "n": r["count"]},
)
_women_heads = _series(
    "women_heads_share",
    {"heads": 0, "stated": 0, "women": 0},
    lambda r: {
        "value": _ratio(r["women"], r["stated"]),
        "n": r["stated"],
        "women": r["women"],
        "heads": r["heads"],
    },
)


def _areas_asked(params: Params, source=agg) -> tuple[list[str], bool]:
    """Return the areas of a mandate_area_share series, and whether it counts any of them."""
    # Several slugs in one parameter are one series: missions holding ANY of them (the
    # report's "security sector reform or rule of law").
    any_of = bool(params.mandate_areas and len(params.mandate_areas) > 1)
    areas = list(params.mandate_areas) if params.mandate_areas else source.mandate_area_slugs()
    return areas, any_of


def _mandate_area_share(windows, params: Params, source=agg) -> list[dict]:
    areas, any_of = _areas_asked(params, source)
    rows = source.mandate_area_share(
        windows, params.population, params.split, areas=areas, any_of=any_of
    )
    recorded = {(r["year"], r["group"]): r["recorded"] for r in rows if r["area"] is None}
    holding = {(r["year"], r["group"], r["area"]): r["holding"] for r in rows if r["area"]}
    series = [",".join(areas)] if any_of else areas
    keys = ["*"] if any_of else areas
    groups = sorted({g for _, g in recorded}, key=lambda g: (g is None, g or ""))
    if not params.split:
        groups = [None]
    labelled = list(zip(series, keys, strict=True))
    split = params.split
    results = []
    append = results.append
    # The largest results of a refresh (a row per year and area): _ratio() written inline.
    for window in windows:
        year = window.year
        for group in groups:
            n = recorded.get((year, group), 0)
            head = {"year": year, split: group} if split else {"year": year}
            for label, key in labelled:
                count = holding.get((year, group, key), 0)
                row = head.copy()
                row["mandate_area"] = label
                row["value"] = round(count / n, 6) if n else None
                row["n"] = n
                row["missions"] = count
                append(row)
    return results


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric(
            "active_missions",
            "Active missions",
            "Missions active on the reference date of each year (or at any time in it).",
            _counts("active_missions"),
        ),
        Metric(
            "established",
            "Missions established",
            "Missions whose start falls in the year, whatever its precision.",
            _counts("established"),
            uses_reference=False,
        ),
        Metric(
            "closed",
            "Missions closed",
            "Missions whose end falls in the year; undated closures are not counted.",
            _counts("closed"),
            uses_reference=False,
        ),
        Metric(
            "mean_mandate_areas",
            "Mean number of mandate areas",
            "Mean number of mandate areas of the active missions whose mandate in force is a "
            "complete record (n); `active` counts all active missions.",
            _mean_mandate_areas,
        ),
        Metric(
            "mandate_area_share",
            "Share of missions holding a mandate area",
            "Per mandate area, the fraction of the active missions with a complete mandate "
            "record in force (n) whose mandate holds it. mandate_area=a,b: holding a or b.",
            _mandate_area_share,
        ),
        Metric(
            "mean_duration_years",
            "Mean age of active missions",
            "Mean age of the missions active on the reference date, in years of 365.25 days "
            "from their start (reference=any: on the last day of the year they were active).",
            _mean_duration,
        ),
        Metric(
            "women_heads_share",
            "Share of women among heads of mission",
            "Fraction of women among the heads of counted missions serving on the reference "
            "date whose gender a source states (n); `heads` counts all of them.",
            _women_heads,
        ),
    )
}


# -- parameters ----------------------------------------------------------------------------


def _list(raw: Mapping, name: str) -> tuple[str, ...]:
    value = raw.get(name)
    if value in (None, ""):
        return ()
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    return tuple(sorted({str(item).strip() for item in items if str(item).strip()}))


def _year(raw: Mapping, name: str) -> int | None:
    value = raw.get(name)
    if value in (None, ""):
        return None
    try:
        year = int(str(value))
    except ValueError:
        raise ParameterError(name, "must be a year, like 2013.") from None
    last = timezone.localdate().year
    if not FIRST_YEAR <= year <= last:
        raise ParameterError(name, f"must be a year between {FIRST_YEAR} and {last}.")
    return year


def _known(name: str, values: tuple[str, ...], allowed) -> None:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ParameterError(
            name, f"unknown value {unknown[0]!r}; one of: {', '.join(sorted(allowed))}."
        )


def parse_categories(raw: Mapping) -> tuple[str, ...] | None:
    """Return the mission categories of `raw["category"]`: SPMs by default, None for "all"."""
    categories = _list(raw, "category")
    if categories == ("all",):
        return None
    _known("category", categories, [*MissionCategory.values, "all"])
    return categories or (agg.SPM,)


def parse_params(metric: str, raw: Mapping) -> Params:
    """Return the validated parameters of `metric`, or raise ParameterError naming the bad one."""
    if metric not in METRICS:
        raise ParameterError("metric", f"unknown metric {metric!r}; one of: {', '.join(METRICS)}.")
    for name in raw:
        if name not in PARAMETERS and name != "format":
            raise ParameterError(name, f"unknown parameter; accepted: {', '.join(PARAMETERS)}.")
    reference: tuple[int, int] | None = (7, 1)
    text = str(raw.get("reference") or "07-01").strip()
    if text == "any":
        reference = None
    else:
        try:
            month, day = (int(part) for part in text.split("-"))
            date(2001, month, day)  # a day every year has (so never 29 February)
            reference = (month, day)
        except ValueError:
            raise ParameterError("reference", "must be MM-DD (like 07-01) or 'any'.") from None
    category_filter = parse_categories(raw)
    clusters = _list(raw, "cluster")
    if clusters:
        _known("cluster", clusters, agg.slugs(Cluster))
    regions = _list(raw, "region")
    if regions:
        _known("region", regions, agg.slugs(Region))
    bodies = _list(raw, "mandating_body")
    _known("mandating_body", bodies, MandatingBody.values)
    split = str(raw.get("split") or "").strip() or None
    if split is not None and split not in agg.SPLITS:
        raise ParameterError("split", f"must be one of: {', '.join(agg.SPLITS)}.")
    areas = _list(raw, "mandate_area")
    if areas and metric != "mandate_area_share":
        raise ParameterError("mandate_area", "applies to mandate_area_share only.")
    if areas:
        _known("mandate_area", areas, agg.slugs(MandateArea))
    start, end = _year(raw, "start"), _year(raw, "end")
    if start is not None and end is not None and start > end:
        raise ParameterError("start", "must not be after end.")
    return Params(
        reference=reference if METRICS[metric].uses_reference else (7, 1),
        categories=category_filter,
        clusters=clusters,
        regions=regions,
        mandating_bodies=bodies,
        split=split,
        mandate_areas=areas or None,
        start=start,
        end=end,
    )


def _windows(params: Params) -> tuple[agg.YearWindow, ...]:
    return _year_windows(timezone.localdate().year, params.reference)


@lru_cache(maxsize=32)
def _year_windows(last: int, reference: tuple[int, int] | None) -> tuple[agg.YearWindow, ...]:
    # A refresh asks for the same few sets of windows (a hundred years each) again and again.
    return tuple(agg.year_windows(FIRST_YEAR, last, reference))


def compute(metric: str, params: Params, *, source=agg) -> tuple[list[dict], int]:
    """Return (results for every year from FIRST_YEAR to this year, the first year in the data)."""
    first_data_year = source.first_year(params.population)
    windows = _windows(params)
    results = METRICS[metric].compute(windows, replace(params, start=None, end=None), source)
    return results, (first_data_year or windows[-1].year)


def expect(metric: str, params: Params) -> None:
    """Say that `metric` will be computed for `params` within reports.aggregations.computed_once().

    What the series expected of one population share is then computed by one statement.
    """
    options = {}
    if metric == "mandate_area_share":
        options["areas"], options["any_of"] = _areas_asked(params)
    agg.expect(metric, _windows(params), params.population, params.split, **options)
