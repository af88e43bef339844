"""The statistics' SQL agrees with the registry's one reading vocabulary (missions/querysets.py)."""

import random
from datetime import date, timedelta

import pytest

from mandates.choices import MandateCompleteness
from missions.models import Mission
from reports.services import statistics_get
from tests.factories import MandateAreaFactory, MandateFactory, MissionFactory, cluster

pytestmark = pytest.mark.django_db

YEARS = range(1990, 2006)
AREAS = ["human-rights", "rule-of-law", "electoral-assistance"]


@pytest.fixture
def random_world(db):
    """Forty missions with every kind of bound: imprecise, open, undated ends, other categories."""
    rng = random.Random(20130701)
    areas = [MandateAreaFactory(slug=slug) for slug in AREAS]
    for number in range(40):
        start = date(1988, 1, 1) + timedelta(days=rng.randrange(0, 18 * 365))
        precision = rng.choice(["day", "day", "month", "year"])
        end = None
        end_unknown = rng.random() < 0.1
        if not end_unknown and rng.random() < 0.7:
            end = start + timedelta(days=rng.randrange(0, 8 * 365))
        pko = rng.random() < 0.2
        built = MissionFactory.build(
            acronym=f"R{number}",
            start_date=start,
            start_precision=precision,
            end_date=end,
            end_precision=rng.choice(["day", "month", "year"]),
            end_unknown=end_unknown,
            cluster=cluster("other_presence" if pko else "field_mission"),
            kind="peacekeeping" if pko else "country",
            category="peacekeeping_operation" if pko else "special_political_mission",
        )
        built.widen_dates()
        built.save()
        # Mandates cover only part of the life: the rest is unknown.
        if rng.random() < 0.8:
            last = built.end_date or date(2006, 12, 31)
            first = built.start_date + timedelta(days=rng.randrange(0, 400))
            if first < last:
                chosen = [a for a in areas if rng.random() < 0.5]
                MandateFactory(mission=built, start_date=first, end_date=last,
                               mandate_areas=chosen)
    # A partial record: its areas are attested, but the mission's mandate is not recorded.
    partial = MissionFactory(acronym="PARTIAL", start_date=date(1995, 1, 1))
    MandateFactory(mission=partial, mandate_areas=areas[:2],
                   completeness=MandateCompleteness.PARTIAL)


def series(metric, **params):
    answer = statistics_get(metric=metric, params={"start": "1990", "end": "2005", **params})
    return {row["year"]: row for row in answer.results}


def test_active_missions_match_active_on_and_active_during(random_world):
    on_july = series("active_missions")
    any_time = series("active_missions", reference="any")
    everyone = series("active_missions", category="all")
    for year in YEARS:
        day = date(year, 7, 1)
        assert on_july[year]["value"] == Mission.objects.spm().active_on(day).count()
        assert any_time[year]["value"] == Mission.objects.spm().active_during(year).count()
        assert everyone[year]["value"] == Mission.objects.active_on(day).count()


def test_mandate_statistics_match_with_mandate_recorded_and_with_mandate_area(random_world):
    mean = series("mean_mandate_areas")
    shares = {slug: series("mandate_area_share", mandate_area=slug) for slug in AREAS}
    for year in YEARS:
        day = date(year, 7, 1)
        recorded = Mission.objects.spm().active_on(day).with_mandate_recorded(day)
        assert mean[year]["n"] == recorded.count()
        for slug in AREAS:
            holding = recorded.with_mandate_area(slug, on=day).count()
            assert shares[slug][year]["missions"] == holding
            assert shares[slug][year]["n"] == recorded.count()
        assert round(mean[year]["value"] or 0, 6) == round(
            sum(shares[slug][year]["missions"] for slug in AREAS) / (recorded.count() or 1), 6
        )


def test_established_and_closed_match_the_stored_dates(random_world):
    established, closed = series("established"), series("closed")
    for year in YEARS:
        spm = Mission.objects.spm()
        assert established[year]["value"] == spm.filter(start_date__year=year).count()
        assert closed[year]["value"] == spm.filter(end_date__year=year).count()
