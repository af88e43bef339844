from datetime import date

import pytest

from mandates.choices import MandateCompleteness
from missions.models import Mission
from tests.factories import MandateAreaFactory, MandateFactory, MissionFactory, cluster

pytestmark = pytest.mark.django_db


def active(day):
    return set(Mission.objects.active_on(day).values_list("acronym", flat=True))


def test_active_on_includes_the_first_and_last_day():
    MissionFactory(acronym="A", start_date=date(2000, 3, 1), end_date=date(2005, 6, 30))
    assert active(date(2000, 2, 29)) == set()
    assert active(date(2000, 3, 1)) == {"A"}
    assert active(date(2005, 6, 30)) == {"A"}
    assert active(date(2005, 7, 1)) == set()


def test_year_precision_end_counts_to_the_last_day_of_the_year():
    mission = MissionFactory.build(acronym="Y", start_date=date(1995, 6, 1), start_precision="year",
                                   end_date=date(2009, 1, 1), end_precision="year")
    mission.full_clean()
    mission.save()
    assert (mission.start_date, mission.end_date) == (date(1995, 1, 1), date(2009, 12, 31))
    assert active(date(1995, 1, 1)) == {"Y"}
    assert active(date(2009, 12, 31)) == {"Y"}
    assert active(date(2010, 1, 1)) == set()


def test_open_end_is_active_ever_after_and_unknown_start_never():
    MissionFactory(acronym="OPEN", start_date=date(2010, 1, 1))
    MissionFactory(acronym="NOSTART", start_date=None)
    assert active(date(2099, 1, 1)) == {"OPEN"}


def test_a_mission_closed_on_an_unknown_date_is_never_active():
    MissionFactory(acronym="GONE", start_date=date(1958, 1, 1), end_unknown=True)
    assert active(date(1960, 1, 1)) == set()
    assert not Mission.objects.active_during(1960).exists()


def test_active_during_a_year_counts_any_day_of_it():
    MissionFactory(acronym="EARLY", start_date=date(2000, 1, 1), end_date=date(2013, 6, 3))
    MissionFactory(acronym="LATE", start_date=date(2013, 12, 31))
    MissionFactory(acronym="AFTER", start_date=date(2014, 1, 1))
    found = set(Mission.objects.active_during(2013).values_list("acronym", flat=True))
    assert found == {"EARLY", "LATE"}


def test_in_cluster_and_spm_narrow_the_set():
    MissionFactory(acronym="FM")
    MissionFactory(acronym="ENV", cluster=cluster("envoy"), kind="special_envoy")
    MissionFactory(acronym="PKO", cluster=cluster("other_presence"), kind="peacekeeping",
                   category="peacekeeping_operation")
    assert set(Mission.objects.in_cluster("envoy").values_list("acronym", flat=True)) == {"ENV"}
    assert set(Mission.objects.spm().values_list("acronym", flat=True)) == {"FM", "ENV"}


def test_with_mandate_area_on_a_day_reads_the_mandate_in_force():
    human_rights = MandateAreaFactory(slug="human-rights")
    mission = MissionFactory(acronym="M", start_date=date(2000, 1, 1))
    MandateFactory(mission=mission, start_date=date(2000, 1, 1), end_date=date(2004, 12, 31))
    MandateFactory(mission=mission, start_date=date(2005, 1, 1), mandate_areas=[human_rights])
    with_area = Mission.objects.with_mandate_area
    assert not with_area("human-rights", on=date(2004, 12, 31)).exists()
    assert with_area("human-rights", on=date(2005, 1, 1)).get() == mission
    assert with_area("human-rights").get() == mission
    assert with_area(human_rights, on=date(2005, 1, 1)).get() == mission
    assert not with_area(human_rights, on=date(2004, 12, 31)).exists()


def test_with_mandate_recorded_needs_a_complete_mandate_in_force():
    human_rights = MandateAreaFactory(slug="human-rights")
    mission = MissionFactory(acronym="M", start_date=date(2000, 1, 1))
    MandateFactory(mission=mission, start_date=date(2000, 1, 1), end_date=date(2004, 12, 31),
                   mandate_areas=[human_rights], completeness=MandateCompleteness.PARTIAL)
    MandateFactory(mission=mission, start_date=date(2005, 1, 1))
    recorded = Mission.objects.with_mandate_recorded
    assert not recorded(date(2004, 12, 31)).exists()
    assert recorded(date(2005, 1, 1)).get() == mission
    # A partial record still attests the areas the mission held.
    assert Mission.objects.with_mandate_area("human-rights", on=date(2004, 12, 31)).get() == mission
