"""Each metric on a small hand-built world, with answers worked out by hand.

The world (field missions, SPMs, unless said otherwise; reference 1 July):

    A  2000-07-01 .. 2002-07-01   starts and ends ON the reference date
    B  "2001" (year) .. open      stored from 2001-01-01
    C  2000-07-02 .. 2000-12-31   active in 2000, never on a 1 July
    D  2000-01-01 .. open         a peacekeeping operation: counted only with category=all
    E  1999-01-01, ended on a date no source gives: never active, yet established in 1999
    F  2002-06-30 .. "2003" (year) an envoy, stored to 2003-12-31, region global

Mandates: A 2000-07-01..2001-06-30 {hr, ssr}, A 2001-07-01..2002-07-01 {hr},
B 2002-01-01.. {hr, ssr, rol} (nothing recorded for B in 2001: unknown, not zero),
F 2002-06-30.. {} (recorded, no area). An attestation of hr for B in 2001 is not a mandate.
Heads: A P1 (woman) 2000-07-01..2001-12-31, A P2 (man) 2002-01-01..2002-07-01,
B P3 (gender not stated) 2001-01-01.., F P1 2002-06-30..
"""

from datetime import date

import pytest
from django.utils import timezone

from mandates.choices import MandateCompleteness
from mandates.models import AreaAttestation
from reports.services import statistics_get
from tests.factories import (
    AppointmentFactory,
    MandateAreaFactory,
    MandateFactory,
    MissionFactory,
    PersonFactory,
    cluster,
    region,
)

pytestmark = pytest.mark.django_db

YEARS = {"start": "2000", "end": "2003"}


def mission(acronym, start, end=None, *, start_precision="day", end_precision="day", **extra):
    built = MissionFactory.build(
        acronym=acronym,
        start_date=start,
        end_date=end,
        start_precision=start_precision,
        end_precision=end_precision,
        **extra,
    )
    built.widen_dates()
    built.save()
    return built


@pytest.fixture
def world(db):
    hr = MandateAreaFactory(slug="human-rights")
    ssr = MandateAreaFactory(slug="security-sector-reform")
    rol = MandateAreaFactory(slug="rule-of-law")
    a = mission("A", date(2000, 7, 1), date(2002, 7, 1))
    b = mission("B", date(2001, 5, 5), start_precision="year")
    c = mission("C", date(2000, 7, 2), date(2000, 12, 31))
    mission("D", date(2000, 1, 1), cluster=cluster("other_presence"), kind="peacekeeping",
            category="peacekeeping_operation")
    mission("E", date(1999, 1, 1), end_unknown=True)
    f = mission("F", date(2002, 6, 30), date(2003, 3, 3), end_precision="year",
                cluster=cluster("envoy"), kind="special_envoy", region=region("global"))
    MandateFactory(mission=a, start_date=date(2000, 7, 1), end_date=date(2001, 6, 30),
                   mandate_areas=[hr, ssr])
    MandateFactory(mission=a, start_date=date(2001, 7, 1), end_date=date(2002, 7, 1),
                   mandate_areas=[hr])
    MandateFactory(mission=b, start_date=date(2002, 1, 1), mandate_areas=[hr, ssr, rol])
    MandateFactory(mission=f, start_date=date(2002, 6, 30))
    AreaAttestation.objects.create(mission=b, mandate_area=hr, from_year=2001, to_year=2001)
    p1 = PersonFactory(name="P1", gender="female")
    AppointmentFactory(mission=a, person=p1, start_date=date(2000, 7, 1),
                       end_date=date(2001, 12, 31))
    AppointmentFactory(mission=a, person=PersonFactory(name="P2", gender="male"),
                       start_date=date(2002, 1, 1), end_date=date(2002, 7, 1))
    AppointmentFactory(mission=b, person=PersonFactory(name="P3", gender=""),
                       start_date=date(2001, 1, 1))
    AppointmentFactory(mission=f, person=p1, start_date=date(2002, 6, 30))
    return {"A": a, "B": b, "C": c, "F": f}


def series(metric, **params):
    return statistics_get(metric=metric, params={**YEARS, **params}).results


def values(metric, **params):
    return [(row["year"], row["value"], row["n"]) for row in series(metric, **params)]


def test_active_missions_on_1_july_include_starts_and_ends_on_that_day(world):
    assert values("active_missions") == [(2000, 1, 1), (2001, 2, 2), (2002, 3, 3), (2003, 2, 2)]


def test_reference_any_counts_missions_active_at_any_time_in_the_year(world):
    assert values("active_missions", reference="any") == [
        (2000, 2, 2), (2001, 2, 2), (2002, 3, 3), (2003, 2, 2),
    ]


def test_another_reference_day_moves_the_count(world):
    # On 30 June 2002 F has just started, A is still there; C never counts on 2000-07-01 but
    # does on 31 December 2000 (its last day).
    assert values("active_missions", reference="12-31")[0] == (2000, 2, 2)
    assert values("active_missions", reference="06-30")[2] == (2002, 3, 3)


def test_category_all_adds_the_peacekeeping_operation(world):
    assert [v for _, v, _ in values("active_missions", category="all")] == [2, 3, 4, 3]
    assert [v for _, v, _ in values("active_missions", category="peacekeeping_operation")] == [
        1, 1, 1, 1,
    ]


def test_split_by_cluster_and_filter_by_region(world):
    rows = series("active_missions", split="cluster", start="2002", end="2002")
    assert [(r["cluster"], r["value"]) for r in rows] == [("envoy", 1), ("field_mission", 2)]
    assert values("active_missions", region="global")[2:] == [(2002, 1, 1), (2003, 1, 1)]


def test_established_and_closed_go_by_the_year_of_the_date(world):
    established = statistics_get(metric="established", params={"start": "1999", "end": "2003"})
    assert [(r["year"], r["value"]) for r in established.results] == [
        (1999, 1), (2000, 2), (2001, 1), (2002, 1), (2003, 0),
    ]
    # E ended on an unknown date: it is in no year's closures.
    assert [v for _, v, _ in values("closed")] == [1, 0, 1, 1]


def test_mean_mandate_areas_leaves_out_missions_without_a_recorded_mandate(world):
    rows = series("mean_mandate_areas")
    assert [(r["year"], r["value"], r["n"], r["active"]) for r in rows] == [
        (2000, 2.0, 1, 1),
        (2001, 1.0, 1, 2),  # B is active with no mandate recorded; the attestation is ignored
        (2002, round(4 / 3, 6), 3, 3),  # A 1, B 3, F 0 (a recorded mandate with no area)
        (2003, 1.5, 2, 2),
    ]


def test_mandate_area_share_is_a_fraction_of_the_recorded_missions(world):
    assert values("mandate_area_share", mandate_area="human-rights") == [
        (2000, 1.0, 1), (2001, 1.0, 1), (2002, round(2 / 3, 6), 3), (2003, 0.5, 2),
    ]
    rows = series("mandate_area_share", start="2001", end="2001")
    assert {r["mandate_area"]: (r["value"], r["missions"]) for r in rows} == {
        "human-rights": (1.0, 1), "rule-of-law": (0.0, 0), "security-sector-reform": (0.0, 0),
    }


def test_several_mandate_areas_make_one_series_of_missions_holding_any(world):
    rows = series("mandate_area_share", mandate_area="rule-of-law,security-sector-reform")
    assert [(r["value"], r["missions"], r["n"]) for r in rows] == [
        (1.0, 1, 1), (0.0, 0, 1), (round(1 / 3, 6), 1, 3), (0.5, 1, 2),
    ]
    assert {r["mandate_area"] for r in rows} == {"rule-of-law,security-sector-reform"}


def test_a_share_over_no_recorded_mission_is_unknown_not_zero(world):
    rows = statistics_get(
        metric="mandate_area_share",
        params={"start": "1999", "end": "1999", "mandate_area": "human-rights"},
    ).results
    assert rows == [
        {"year": 1999, "mandate_area": "human-rights", "value": None, "n": 0, "missions": 0}
    ]


def test_mean_duration_counts_days_from_the_start_in_years_of_365_25_days(world):
    assert values("mean_duration_years") == [
        (2000, 0.0, 1),  # A on its first day
        (2001, round((365 + 181) / 2 / 365.25, 6), 2),  # A a year old; B since 1 January
        (2002, round((730 + 546 + 1) / 3 / 365.25, 6), 3),  # A, B, F (one day old)
        (2003, round((911 + 366) / 2 / 365.25, 6), 2),
    ]


def test_women_heads_share_counts_people_whose_gender_is_stated(world):
    rows = series("women_heads_share")
    assert [(r["year"], r["value"], r["n"], r["women"], r["heads"]) for r in rows] == [
        (2000, 1.0, 1, 1, 1),
        (2001, 1.0, 1, 1, 2),  # P3's gender is not stated
        (2002, 0.5, 2, 1, 3),
        (2003, 1.0, 1, 1, 2),
    ]


@pytest.mark.parametrize(
    "metric, empty",
    [
        ("active_missions", {"value": 0, "n": 0}),
        ("established", {"value": 0, "n": 0}),
        ("closed", {"value": 0, "n": 0}),
        ("mean_mandate_areas", {"value": None, "n": 0, "active": 0}),
        ("mean_duration_years", {"value": None, "n": 0}),
        ("women_heads_share", {"value": None, "n": 0, "women": 0, "heads": 0}),
    ],
)
def test_an_empty_registry_gives_zero_counts_and_unknown_means(db, metric, empty):
    statistic = statistics_get(metric=metric, params={})
    assert statistic.results == [{"year": timezone.localdate().year, **empty}]
    assert statistic.parameters["start"] == statistic.parameters["end"] == timezone.localdate().year


def test_mandate_area_share_on_an_empty_registry_has_no_series(db):
    assert statistics_get(metric="mandate_area_share", params={}).results == []


def test_mandates_sharing_the_reference_day_count_the_mission_and_area_once(db):
    hr = MandateAreaFactory(slug="human-rights")
    ssr = MandateAreaFactory(slug="security-sector-reform")
    handover = mission("H", date(2000, 1, 1))
    # The old mandate ends and the new one starts on 1 July 2001: both are in force that day.
    MandateFactory(mission=handover, start_date=date(2000, 1, 1), end_date=date(2001, 7, 1),
                   mandate_areas=[hr])
    MandateFactory(mission=handover, start_date=date(2001, 7, 1), mandate_areas=[hr, ssr])
    params = {"start": "2000", "end": "2002"}
    mean = statistics_get(metric="mean_mandate_areas", params=params).results
    assert [(r["value"], r["n"]) for r in mean] == [(1.0, 1), (2.0, 1), (2.0, 1)]
    share = statistics_get(
        metric="mandate_area_share", params={**params, "mandate_area": "human-rights"}
    ).results
    assert [(r["value"], r["missions"], r["n"]) for r in share] == [(1.0, 1, 1)] * 3


def test_a_woman_heading_two_missions_at_once_is_one_head(db):
    first = mission("ONE", date(2000, 1, 1))
    second = mission("TWO", date(2000, 1, 1))
    woman = PersonFactory(name="Both", gender="female")
    AppointmentFactory(mission=first, person=woman, start_date=date(2000, 1, 1))
    AppointmentFactory(mission=second, person=woman, start_date=date(2000, 3, 1))
    AppointmentFactory(mission=second, person=PersonFactory(name="Before", gender="male"),
                       start_date=date(2000, 1, 1), end_date=date(2000, 2, 29))
    rows = statistics_get(metric="women_heads_share", params={"start": "2000", "end": "2000"})
    assert [(r["value"], r["n"], r["heads"]) for r in rows.results] == [(1.0, 1, 1)]
    any_time = statistics_get(
        metric="women_heads_share", params={"start": "2000", "end": "2000", "reference": "any"}
    )
    assert [(r["value"], r["n"], r["heads"]) for r in any_time.results] == [(0.5, 2, 2)]


def test_a_partial_mandate_does_not_make_a_mission_recorded(db):
    hr = MandateAreaFactory(slug="human-rights")
    MandateFactory(mission=mission("COMPLETE", date(2000, 1, 1)), mandate_areas=[hr])
    MandateFactory(mission=mission("PARTIAL", date(2000, 1, 1)),
                   completeness=MandateCompleteness.PARTIAL)
    params = {"start": "2000", "end": "2000"}
    mean = statistics_get(metric="mean_mandate_areas", params=params).results
    assert [(r["value"], r["n"], r["active"]) for r in mean] == [(1.0, 1, 2)]
    share = statistics_get(
        metric="mandate_area_share", params={**params, "mandate_area": "human-rights"}
    ).results
    assert [(r["value"], r["missions"], r["n"]) for r in share] == [(1.0, 1, 1)]


def test_a_partial_mandate_replaced_by_a_complete_one_counts_from_the_complete_one(db):
    hr = MandateAreaFactory(slug="human-rights")
    ssr = MandateAreaFactory(slug="security-sector-reform")
    both = mission("BOTH", date(2000, 1, 1))
    MandateFactory(mission=both, start_date=date(2000, 1, 1), end_date=date(2000, 12, 31),
                   mandate_areas=[hr], completeness=MandateCompleteness.PARTIAL)
    MandateFactory(mission=both, start_date=date(2001, 1, 1), mandate_areas=[hr, ssr])
    rows = statistics_get(metric="mean_mandate_areas", params={"start": "2000", "end": "2001"})
    assert [(r["value"], r["n"]) for r in rows.results] == [(None, 0), (2.0, 1)]
