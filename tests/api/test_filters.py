"""MissionFilterSet as the UI and the API use it: bad values are errors, dates follow DOMAIN.md."""

from datetime import date

import pytest
from django.http import QueryDict

from missions.api.filters import MissionFilterSet
from missions.models import Mission
from tests.factories import MandateAreaFactory, MandateFactory, MissionFactory, cluster, country

pytestmark = pytest.mark.django_db


def acronyms(query: str) -> set[str]:
    filterset = MissionFilterSet(QueryDict(query), queryset=Mission.objects.all())
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("acronym", flat=True))


def errors(query: str) -> dict:
    filterset = MissionFilterSet(QueryDict(query), queryset=Mission.objects.all())
    assert not filterset.is_valid()
    return filterset.errors


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("active_on=2013-13-01", "active_on"),
        ("active_on=01/02/2013", "active_on"),
        ("cluster=nonsense", "cluster"),
        ("kind=spaceship", "kind"),
        ("country=XYZ", "country"),
        ("region=atlantis", "region"),
        ("mandate_area=no-such-area", "mandate_area"),
        ("is_active=maybe", "is_active"),
        ("updated_since=yesterday", "updated_since"),
        ("ordering=budget", "ordering"),
        ("active_from=2010-01-01&active_to=2009-01-01", "active_to"),
    ],
)
def test_bad_value_is_an_error_naming_the_parameter(query, parameter):
    assert parameter in errors(query)


def test_imprecise_end_counts_to_the_last_day_of_its_year():
    MissionFactory(
        acronym="ENDS2009",
        start_date=date(2005, 1, 1),
        end_date=date(2009, 12, 31),
        end_precision="year",
    )
    assert "ENDS2009" in acronyms("active_on=2009-12-31")
    assert "ENDS2009" not in acronyms("active_on=2010-01-01")


def test_open_end_is_active_and_unknown_end_is_not():
    MissionFactory(acronym="OPEN", start_date=date(2005, 1, 1))
    MissionFactory(acronym="GONE", start_date=date(2005, 1, 1), end_unknown=True)
    found = acronyms("active_on=2030-01-01")
    assert "OPEN" in found and "GONE" not in found


def test_overlap_takes_missions_touching_either_edge():
    MissionFactory(acronym="BEFORE", start_date=date(2000, 1, 1), end_date=date(2004, 12, 31))
    MissionFactory(acronym="EDGE", start_date=date(2000, 1, 1), end_date=date(2005, 1, 1))
    MissionFactory(acronym="AFTER", start_date=date(2006, 1, 2))
    assert acronyms("active_from=2005-01-01&active_to=2006-01-01") == {"EDGE"}


def test_started_after_gives_an_imprecise_start_the_benefit_of_the_doubt():
    MissionFactory(acronym="Y2009", start_date=date(2009, 1, 1), start_precision="year")
    MissionFactory(acronym="D2009", start_date=date(2009, 3, 1))
    assert acronyms("started_after=2009-06-01") == {"Y2009"}
    assert acronyms("started_after=2009-01-01&started_before=2009-12-31") == {"Y2009", "D2009"}
    assert acronyms("started_after=2010-01-01") == set()


def test_cluster_country_and_region_by_name():
    MissionFactory(acronym="ENV", cluster=cluster("envoy"), kind="special_envoy", region_id=None)
    field = MissionFactory(acronym="FLD")
    field.host_countries.add(country("AFG"))
    assert acronyms("cluster=envoy") == {"ENV"}
    assert acronyms("cluster=envoy&cluster=field_mission") == {"ENV", "FLD"}
    assert acronyms("country=afg") == {"FLD"}
    assert acronyms("region=Africa") == acronyms("region=africa") == {"FLD"}


def test_mandate_area_with_active_on_is_the_area_held_that_day():
    rights = MandateAreaFactory(slug="human-rights")
    mission = MissionFactory(acronym="RIGHTS", start_date=date(2000, 1, 1))
    MandateFactory(
        mission=mission,
        start_date=date(2000, 1, 1),
        end_date=date(2004, 12, 31),
        mandate_areas=[rights],
    )
    MandateFactory(mission=mission, start_date=date(2005, 1, 1))
    assert acronyms("mandate_area=human-rights") == {"RIGHTS"}
    assert acronyms("mandate_area=human-rights&active_on=2003-07-01") == {"RIGHTS"}
    assert acronyms("mandate_area=human-rights&active_on=2006-07-01") == set()


def test_q_searches_acronym_name_and_notes():
    MissionFactory(acronym="ALPHA", notes="works with the league of arab states")
    MissionFactory(acronym="BETA", name="Beta office")
    assert acronyms("q=league") == {"ALPHA"}
    assert acronyms("q=beta") == {"BETA"}
