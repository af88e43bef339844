"""The shipped seed reproduces the report's annex and the reference table of field missions.

The table is ../shared/reference/README.md ("What these periods give"), computed there from the
same files: field missions active on 1 July, mandate-area figures over the coded missions.
Its "SSR or rule of law" column counts missions holding security-sector-reform or rule-of-law.
"""

from datetime import date

import pytest

from reports.aggregations import landscape
from reports.services import statistics_get

pytestmark = pytest.mark.slow

# year: (active, mean areas, human rights %, SSR or rule of law %)
REFERENCE_TABLE = {
    1995: (6, 2.00, 33, 17),
    2000: (12, 2.58, 42, 33),
    2005: (11, 4.45, 55, 55),
    2010: (14, 4.79, 29, 36),
    2013: (15, 6.40, 60, 47),
    2016: (13, 4.08, 38, 15),
    2020: (16, 5.31, 44, 31),
    2025: (14, 4.50, 43, 29),
}
FIELD = {"cluster": "field_mission", "start": "1995", "end": "2025"}


def by_year(metric, **params):
    return {row["year"]: row for row in statistics_get(metric=metric, params=params).results}


def test_landscape_on_1_july_2013_is_the_annex(seeded):
    answer = landscape(date(2013, 7, 1))
    assert answer["total"] == 37
    assert answer["by_cluster"] == {"envoy": 11, "sanctions_panel": 11, "field_mission": 15}
    assert answer["by_mandating_body"] == {"security_council": 33, "general_assembly": 4}
    assert [group["cluster"] for group in answer["missions"]] == [
        "envoy", "sanctions_panel", "field_mission",
    ]
    assert sum(len(group["missions"]) for group in answer["missions"]) == 37


def test_field_missions_by_region_in_2013_follow_paragraph_32(seeded):
    answer = landscape(date(2013, 7, 1))
    field = next(g for g in answer["missions"] if g["cluster"] == "field_mission")
    regions = [m["region"] for m in field["missions"]]
    assert (regions.count("africa"), regions.count("middle-east"), regions.count("asia")) == (
        10, 4, 1,
    )


def test_field_mission_mandate_areas_reproduce_the_reference_table(seeded):
    active = by_year("active_missions", **FIELD)
    mean = by_year("mean_mandate_areas", **FIELD)
    rights = by_year("mandate_area_share", mandate_area="human-rights", **FIELD)
    ssr_rol = by_year(
        "mandate_area_share", mandate_area="security-sector-reform,rule-of-law", **FIELD
    )
    computed = {
        year: (
            active[year]["value"],
            round(mean[year]["value"], 2),
            round(100 * rights[year]["value"]),
            round(100 * ssr_rol[year]["value"]),
        )
        for year in REFERENCE_TABLE
    }
    assert computed == REFERENCE_TABLE
    # Every field mission active on those dates has its mandate recorded.
    assert all(mean[year]["n"] == active[year]["value"] for year in REFERENCE_TABLE)


def test_mean_age_of_field_missions_in_july_2013(seeded):
    # The README: 6.39 years with UNSCO dated June 1994 (the report: "slightly less than six").
    age = by_year("mean_duration_years", cluster="field_mission", start="2013", end="2013")
    assert (round(age[2013]["value"], 2), age[2013]["n"]) == (6.39, 15)


def test_field_missions_in_2000_by_counting_rule(seeded):
    # README: 12 on 1 July 2000, 13 on 31 December, 14 at any time in 2000.
    counts = [
        by_year("active_missions", cluster="field_mission", start="2000", end="2000",
                reference=reference)[2000]["value"]
        for reference in ("07-01", "12-31", "any")
    ]
    assert counts == [12, 13, 14]
