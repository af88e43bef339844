"""The analyst UI for derived statistics: trends over the years and the landscape on a date."""

from __future__ import annotations

import csv
import re
from datetime import date
from functools import lru_cache

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from mandates.models import MandateArea
from missions.choices import MandatingBody, MissionCategory
from missions.models import Cluster, Region
from missions.views import render_fragment_or_page

from .aggregations import landscape as landscape_data
from .metrics import METRICS, ParameterError
from .services import statistics_get

SPM = MissionCategory.SPECIAL_POLITICAL_MISSION


def landscape_today() -> dict | None:
    """Return today's landscape with the clusters' names (the home page's figures)."""
    data = landscape_data(timezone.localdate())
    names = {c.slug: c for c in Cluster.objects.all()}
    data["by_cluster_rows"] = [
        {"slug": slug, "name": names[slug].name if slug in names else slug, "count": count}
        for slug, count in sorted(
            data["by_cluster"].items(),
            key=lambda item: names[item[0]].position if item[0] in names else 99,
        )
    ]
    return data


# -- the landscape on a date ------------------------------------------------------------------


def _labelled(counts: dict[str, int], labels: dict[str, str]) -> list[dict]:
    rows = [
        {
            "key": key,
            "label": labels.get(key, _("unknown") if key == "unknown" else key),
            "count": count,
        }
        for key, count in counts.items()
    ]
    return sorted(rows, key=lambda row: (-row["count"], str(row["label"])))


@require_safe
def landscape(request):
    """Show the registry as at a date, grouped by cluster as the A/68/223 annex is."""
    today = timezone.localdate()
    raw = (request.GET.get("as_of") or "").strip()
    notes = []
    as_of = today
    if raw:
        try:
            as_of = date.fromisoformat(raw)
        except ValueError:
            notes.append(
                _("“%(value)s” is not a date (YYYY-MM-DD); showing today instead.") % {"value": raw}
            )
    include_all = request.GET.get("all") == "1"
    data = landscape_data(as_of, category=None if include_all else SPM)
    clusters = {c.slug: c for c in Cluster.objects.all()}
    regions = {r.slug: r.name for r in Region.objects.all()}
    bodies = {value: str(label) for value, label in MandatingBody.choices}
    for group in data["missions"]:
        for mission in group["missions"]:
            mission["region_name"] = regions.get(mission["region"], "")
            mission["body_name"] = bodies.get(mission["mandating_body"], "")
    context = {
        "as_of": as_of,
        "include_all": include_all,
        "notes": notes,
        "data": data,
        "by_cluster": [
            {
                "key": slug,
                "label": str(clusters[slug]) if slug in clusters else slug,
                "count": count,
            }
            for slug, count in sorted(
                data["by_cluster"].items(),
                key=lambda item: clusters[item[0]].position if item[0] in clusters else 99,
            )
        ],
        "by_mandating_body": _labelled(data["by_mandating_body"], bodies),
        "by_region": _labelled(data["by_region"], regions),
        "by_base": _labelled(data["by_base"], {}),
        "is_annex_date": as_of == date(2013, 7, 1),
    }
    return render(request, "reports/landscape.html", context)


# -- trends ---------------------------------------------------------------------------------

TREND_METRICS = [
    "active_missions",
    "established",
    "closed",
    "mean_mandate_areas",
    "mandate_area_share",
    "mean_duration_years",
    "women_heads_share",
]
METRIC_TITLES = {
    "active_missions": gettext_lazy("Missions active in each year"),
    "established": gettext_lazy("Missions established in each year"),
    "closed": gettext_lazy("Missions closed in each year"),
    "mean_mandate_areas": gettext_lazy("Mean number of mandate areas per mission"),
    "mandate_area_share": gettext_lazy("Share of missions holding a mandate area"),
    "mean_duration_years": gettext_lazy("Mean age of the active missions (years)"),
    "women_heads_share": gettext_lazy("Share of women among heads of mission"),
}
SHARE_METRICS = {"mandate_area_share", "women_heads_share"}
REFERENCES = [
    ("07-01", gettext_lazy("on 1 July of each year")),
    ("12-31", gettext_lazy("on 31 December of each year")),
    ("any", gettext_lazy("at any time in the year")),
]
SPLITS = [
    ("", gettext_lazy("no split")),
    ("cluster", gettext_lazy("by cluster")),
    ("region", gettext_lazy("by region")),
    ("mandating_body", gettext_lazy("by mandating body")),
]
DEFAULTS = {
    "metric": "active_missions",
    "cluster": "field_mission",
    "region": "",
    "start": "1990",
    "end": "",
    "reference": "07-01",
    "mandate_area": "",
    "split": "",
}
# The A/68/223 figures a series can be set beside: (metric, mandate areas) -> figure ids of
# seed/report_figures.csv. They are about field-based missions of every region, unsplit.
REPORT_SERIES = {
    ("active_missions", ""): ["F018", "F019", "F020"],
    ("mean_mandate_areas", ""): ["F023", "F024", "F025"],
    ("mandate_area_share", "rule-of-law,security-sector-reform"): ["F026", "F027", "F028"],
    ("mandate_area_share", "human-rights"): ["F029", "F030", "F031"],
}
_NUMBER = re.compile(r"^(?:(roughly|about)\s+)?(\d+(?:\.\d+)?)(%?)$")


@lru_cache(maxsize=1)
def report_figures() -> dict[str, dict]:
    """Return the figures of A/68/223 listed in seed/report_figures.csv, by figure id."""
    path = settings.BASE_DIR / "seed" / "report_figures.csv"
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError:
        return {}
    figures = {}
    for row in rows:
        match = _NUMBER.match(row["value"].strip().lower())
        number = None
        if match:
            number = float(match.group(2)) / (100 if match.group(3) else 1)
        figures[row["figure_id"]] = {
            "id": row["figure_id"],
            "year": int(row["as_of"][:4]),
            "text": row["value"],
            "value": number,  # None when the report gives no plottable number ("less than 2")
            "paragraph": row["paragraph"],
            "statement": row["statement"],
        }
    return figures


def _trend_params(query) -> tuple[dict, list[str]]:
    """Return the form's values (defaults filled in) and notes about values that were dropped."""
    values = {name: (query.get(name) or "").strip() for name in DEFAULTS}
    touched = any(name in query for name in DEFAULTS)
    for name, default in DEFAULTS.items():
        if not values[name] and not touched:
            values[name] = default
    if not values["metric"]:
        values["metric"] = DEFAULTS["metric"]
    if not values["reference"]:
        values["reference"] = DEFAULTS["reference"]
    notes = []
    if values["metric"] not in METRICS:
        notes.append(
            _("The metric “%(value)s” is not known; showing %(default)s.")
            % {"value": values["metric"], "default": METRIC_TITLES[DEFAULTS["metric"]]}
        )
        values["metric"] = DEFAULTS["metric"]
    if values["metric"] != "mandate_area_share":
        values["mandate_area"] = ""
    return values, notes


def _statistic(values: dict, notes: list[str]):
    """Return the statistic for the form's values, dropping any parameter it refuses."""
    params = {
        name: values[name]
        for name in ("cluster", "region", "start", "end", "reference", "mandate_area", "split")
        if values[name]
    }
    for _attempt in range(len(params) + 1):
        try:
            return statistics_get(metric=values["metric"], params=params)
        except ParameterError as error:
            if error.param not in params:
                raise
            notes.append(
                _("The value “%(value)s” of %(param)s was ignored: %(message)s")
                % {"value": params.pop(error.param), "param": error.param, "message": error.message}
            )
            values[error.param] = ""
    raise RuntimeError("unreachable")  # pragma: no cover


def _series(statistic, values: dict) -> tuple[list[int], list[dict]]:
    """Group a statistic's rows into one series per split group and mandate area."""
    split = statistic.parameters.get("split")
    years = sorted({row["year"] for row in statistic.results})
    series: dict[tuple, dict] = {}
    for row in statistic.results:
        key = (row.get(split) if split else None, row.get("mandate_area"))
        item = series.setdefault(key, {"group": key[0], "area": key[1], "points": {}})
        item["points"][row["year"]] = row
    return years, list(series.values())


def _series_label(item, names: dict) -> str:
    parts = [names.get(part, part) for part in (item["group"], item["area"]) if part]
    return " · ".join(str(part) for part in parts) or str(_("Registry"))


def _trends_context(request) -> dict:
    values, notes = _trend_params(request.GET)
    statistic = _statistic(values, notes)
    metric = values["metric"]
    years, series = _series(statistic, values)
    names = {
        **{c.slug: c.name for c in Cluster.objects.all()},
        **{r.slug: r.name for r in Region.objects.all()},
        **{a.slug: a.name for a in MandateArea.objects.all()},
        **{value: str(label) for value, label in MandatingBody.choices},
    }
    # The report's figures, where the series is the one the report speaks of.
    figures = []
    area_key = ",".join(sorted(filter(None, values["mandate_area"].split(","))))
    if (
        values["cluster"] == "field_mission"
        and not values["region"]
        and not values["split"]
        and (metric, area_key) in REPORT_SERIES
    ):
        catalogue = report_figures()
        figures = [catalogue[i] for i in REPORT_SERIES[(metric, area_key)] if i in catalogue]
    by_year = {}
    for figure in figures:
        by_year[figure["year"]] = figure
    scale = 100 if metric in SHARE_METRICS else 1
    rows = []
    for year in years:
        cells = []
        for item in series:
            point = item["points"].get(year) or {}
            value = point.get("value")
            cells.append(
                {"value": None if value is None else round(value * scale, 2), "n": point.get("n")}
            )
        rows.append({"year": year, "cells": cells, "report": by_year.get(year)})
    chart = {
        "labels": years,
        "percent": scale == 100,
        "datasets": [
            {
                "label": _series_label(item, names),
                "data": [
                    None
                    if (item["points"].get(y) or {}).get("value") is None
                    else round(item["points"][y]["value"] * scale, 2)
                    for y in years
                ],
            }
            for item in series
        ],
        "report": {
            "label": _("A/68/223 (2013 report)"),
            "data": [
                None
                if y not in by_year or by_year[y]["value"] is None
                else round(by_year[y]["value"] * scale, 2)
                for y in years
            ],
        }
        if figures
        else None,
        "yLabel": str(METRIC_TITLES[metric]),
    }
    heat = None
    if metric == "mandate_area_share" and len(series) > 1:
        heat = [
            {
                "label": _series_label(item, names),
                "cells": [
                    {
                        "year": y,
                        "value": rows[i]["cells"][j]["value"],
                        "level": _heat_level(rows[i]["cells"][j]["value"]),
                    }
                    for i, y in enumerate(years)
                ],
            }
            for j, item in enumerate(series)
        ]
    return {
        "values": values,
        "notes": notes,
        "statistic": statistic,
        "metric_title": METRIC_TITLES[metric],
        "metric_description": METRICS[metric].description,
        "series_labels": [_series_label(item, names) for item in series],
        "rows": rows,
        "chart": chart,
        "figures": figures,
        "heat": heat,
        "percent": scale == 100,
        "metrics": [(name, METRIC_TITLES[name]) for name in TREND_METRICS if name in METRICS],
        "clusters": Cluster.objects.all(),
        "regions": Region.objects.all(),
        "areas": MandateArea.objects.all(),
        "references": REFERENCES,
        "splits": SPLITS,
        "report_areas": [
            ("human-rights", _("Human rights")),
            ("rule-of-law,security-sector-reform", _("Security sector reform or rule of law")),
        ],
    }


def _heat_level(value) -> int | None:
    return None if value is None else min(5, int(value // 20))


@require_safe
def trends(request):
    """Show a yearly metric as a chart and a table, beside the 2013 report's figures."""
    return render_fragment_or_page(
        request,
        "reports/_partials/trends_body.html",
        "reports/trends.html",
        _trends_context(request),
    )


@require_safe
def trends_csv(request):
    """Download the numbers of the trends chart, with the same parameters."""
    context = _trends_context(request)
    statistic = context["statistic"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="spm-{context["values"]["metric"]}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["# metric", context["values"]["metric"]])
    writer.writerow(["# parameters", *(f"{k}={v}" for k, v in statistic.parameters.items())])
    writer.writerow(
        ["# computed_at", statistic.computed_at.isoformat() if statistic.computed_at else ""]
    )
    writer.writerow(["# unit", "percent" if context["percent"] else "number"])
    writer.writerow(["year", "series", "value", "n", "report_figure"])
    for row in context["rows"]:
        report = row["report"]["text"] if row["report"] else ""
        for label, cell in zip(context["series_labels"], row["cells"], strict=True):
            writer.writerow(
                [
                    row["year"],
                    label,
                    "" if cell["value"] is None else cell["value"],
                    "" if cell["n"] is None else cell["n"],
                    report,
                ]
            )
    return response
