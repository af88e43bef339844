from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from missions.models import Appointment, Document, Mission, guess_document
from tests.factories import (
    AppointmentFactory,
    MandateFactory,
    MissionFactory,
    PersonFactory,
    TransitionFactory,
    cluster,
)

pytestmark = pytest.mark.django_db


def test_database_refuses_an_end_before_the_start():
    with pytest.raises(IntegrityError), transaction.atomic():
        MissionFactory(start_date=date(2010, 1, 1), end_date=date(2009, 1, 1))


def test_database_refuses_duplicate_acronyms_and_symbols():
    Mission.objects.create(acronym="UNX", name="X", cluster=cluster(), kind="country")
    with pytest.raises(IntegrityError), transaction.atomic():
        Mission.objects.create(acronym="UNX", name="Y", cluster=cluster(), kind="country")
    Document.objects.create(symbol="S/RES/1 (1946)")
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(symbol="S/RES/1 (1946)")


def test_clean_names_the_end_field_when_it_precedes_the_start():
    mission = MissionFactory.build(start_date=date(2010, 1, 1), end_date=date(2009, 1, 1))
    with pytest.raises(ValidationError) as info:
        mission.full_clean()
    assert "end_date" in info.value.message_dict


def test_kind_must_belong_to_the_cluster():
    mission = MissionFactory.build(cluster=cluster("envoy"), kind="panel_of_experts")
    with pytest.raises(ValidationError) as info:
        mission.full_clean()
    assert "kind" in info.value.message_dict


def test_mandate_must_lie_within_the_mission_life():
    mission = MissionFactory(start_date=date(2005, 1, 1), end_date=date(2010, 12, 31))
    early = MandateFactory.build(mission=mission, start_date=date(2004, 6, 1),
                                 end_date=date(2005, 6, 1))
    with pytest.raises(ValidationError) as info:
        early.full_clean()
    assert "start_date" in info.value.message_dict
    endless = MandateFactory.build(mission=mission, start_date=date(2009, 1, 1))
    with pytest.raises(ValidationError) as info:
        endless.full_clean()
    assert "end_date" in info.value.message_dict


def test_mandate_with_year_precision_gets_the_benefit_of_the_doubt():
    mission = MissionFactory(start_date=date(2005, 3, 1))
    mandate = MandateFactory.build(mission=mission, start_date=date(2005, 1, 1),
                                   start_precision="year", end_date=date(2005, 12, 31))
    mandate.full_clean()


def test_overlapping_mandates_of_one_mission_are_refused():
    mission = MissionFactory(start_date=date(2000, 1, 1))
    MandateFactory(mission=mission, start_date=date(2000, 1, 1), end_date=date(2000, 12, 31))
    overlapping = MandateFactory.build(mission=mission, start_date=date(2000, 6, 1),
                                       end_date=date(2001, 5, 31))
    with pytest.raises(ValidationError) as info:
        overlapping.full_clean()
    assert "overlaps" in str(info.value)
    MandateFactory.build(mission=mission, start_date=date(2001, 1, 1)).full_clean()


def test_appointments_of_one_post_may_meet_but_not_overlap():
    mission = MissionFactory(start_date=date(2000, 1, 1))
    AppointmentFactory(mission=mission, start_date=date(2000, 1, 1), end_date=date(2004, 2, 1),
                       end_precision="month")
    handover = AppointmentFactory.build(mission=mission, person=PersonFactory(),
                                        start_date=date(2004, 2, 1), start_precision="month")
    handover.full_clean()
    clash = AppointmentFactory.build(mission=mission, person=PersonFactory(),
                                     start_date=date(2003, 1, 1))
    with pytest.raises(ValidationError):
        clash.full_clean()


def test_an_ended_undated_tenure_does_not_block_its_successor():
    mission = MissionFactory(start_date=date(1994, 1, 1))
    AppointmentFactory(mission=mission, start_date=date(1996, 1, 1), start_precision="year",
                       end_unknown=True)
    AppointmentFactory.build(mission=mission, person=PersonFactory(),
                             start_date=date(2000, 2, 1)).full_clean()
    assert not Appointment.objects.active_on(date(1997, 1, 1)).exists()


def test_a_transition_needs_endpoints_that_exist_on_its_date():
    old = MissionFactory(start_date=date(2000, 1, 1))
    new = MissionFactory(start_date=date(2008, 1, 1))
    TransitionFactory.build(predecessor=old, successor=new, date=date(2008, 1, 1)).full_clean()
    with pytest.raises(ValidationError) as info:
        TransitionFactory.build(predecessor=new, successor=old, date=date(1999, 1, 1)).full_clean()
    assert set(info.value.message_dict) == {"predecessor", "successor"}


def test_a_mission_cannot_succeed_itself():
    mission = MissionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        TransitionFactory(predecessor=mission, successor=mission)


@pytest.mark.parametrize(
    ("symbol", "kind", "body", "year"),
    [
        ("S/RES/2040 (2012)", "resolution", "security_council", 2012),
        ("A/RES/66/253", "resolution", "general_assembly", None),
        ("S/PRST/2009/35", "presidential_statement", "security_council", 2009),
        ("S/2013/123", "letter", "security_council", 2013),
    ],
)
def test_a_document_symbol_tells_its_kind_body_and_year(symbol, kind, body, year):
    assert guess_document(symbol) == {"kind": kind, "body": body, "year": year}


def test_document_links_to_the_un_digital_library():
    document = Document(symbol="S/RES/2040 (2012)")
    assert document.library_url.startswith("https://digitallibrary.un.org/search?")
    assert "2040" in document.library_url
    assert document.ods_url == "https://undocs.org/S/RES/2040(2012)"


@pytest.mark.parametrize(
    ("start", "end", "end_unknown", "status"),
    [
        (date(2008, 10, 1), None, False, "active"),
        (date(2008, 10, 1), date(2013, 7, 1), False, "active"),  # its last day
        (date(2008, 10, 1), date(2013, 6, 30), False, "closed"),
        (date(1992, 3, 1), None, True, "closed"),  # ended on a date no source gives
        (None, None, True, "closed"),
        (date(2014, 1, 1), None, False, "not_started"),
        (None, None, False, "unknown"),  # no source dates it: not called closed
    ],
)
def test_status_on_a_day_never_states_what_no_source_says(start, end, end_unknown, status):
    mission = Mission(start_date=start, end_date=end, end_unknown=end_unknown)
    assert mission.status_on(date(2013, 7, 1)) == status
