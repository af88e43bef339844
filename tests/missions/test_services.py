from datetime import date

import pytest
from django.core.exceptions import ValidationError

from missions.services import document_get_or_create, mission_close
from tests.factories import AppointmentFactory, MandateFactory, MissionFactory, cluster

pytestmark = pytest.mark.django_db


def test_closing_a_mission_ends_what_is_open_and_records_the_successor():
    mission = MissionFactory(acronym="UNOLDX", start_date=date(2005, 1, 1))
    successor = MissionFactory(acronym="UNNEWX", start_date=date(2008, 10, 1))
    mandate = MandateFactory(mission=mission, start_date=date(2007, 1, 1))
    earlier = MandateFactory(mission=mission, start_date=date(2005, 1, 1),
                             end_date=date(2006, 12, 31))
    head = AppointmentFactory(mission=mission, start_date=date(2006, 1, 1))

    transition = mission_close(mission=mission, end_date=date(2008, 9, 30),
                               transition_to=successor, transition_kind="spm_to_spm",
                               document=document_get_or_create(symbol="S/RES/9999 (2008)"))

    mission.refresh_from_db()
    mandate.refresh_from_db()
    earlier.refresh_from_db()
    head.refresh_from_db()
    assert mission.end_date == mandate.end_date == head.end_date == date(2008, 9, 30)
    assert earlier.end_date == date(2006, 12, 31)
    assert (transition.predecessor, transition.successor) == (mission, successor)
    assert transition.date == date(2008, 10, 1)
    assert transition.document.kind == "resolution"


def test_closing_in_a_year_hands_over_within_that_year():
    mission = MissionFactory(start_date=date(2000, 1, 1))
    successor = MissionFactory(start_date=date(2009, 1, 1), start_precision="year")
    transition = mission_close(mission=mission, end_date=date(2009, 1, 1), end_precision="year",
                               transition_to=successor)
    mission.refresh_from_db()
    assert (mission.end, transition.when) == ("2009", "2009")


def test_closing_before_a_later_mandate_changes_nothing():
    mission = MissionFactory(start_date=date(2000, 1, 1))
    MandateFactory(mission=mission, start_date=date(2000, 1, 1), end_date=date(2004, 12, 31))
    MandateFactory(mission=mission, start_date=date(2005, 1, 1))
    with pytest.raises(ValidationError) as error:
        mission_close(mission=mission, end_date=date(2003, 6, 30))
    assert "end_date" in error.value.message_dict
    mission.refresh_from_db()
    assert mission.end_date is None


def test_a_successor_that_did_not_exist_yet_undoes_the_whole_close():
    mission = MissionFactory(start_date=date(2000, 1, 1))
    mandate = MandateFactory(mission=mission, start_date=date(2000, 1, 1))
    successor = MissionFactory(start_date=date(2012, 1, 1), cluster=cluster("field_mission"))
    with pytest.raises(ValidationError):
        mission_close(mission=mission, end_date=date(2009, 12, 31), transition_to=successor)
    mission.refresh_from_db()
    mandate.refresh_from_db()
    assert mission.end_date is None and mandate.end_date is None
