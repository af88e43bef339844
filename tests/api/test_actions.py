"""Writes that span models go through the services the admin uses: close and renew."""

from datetime import date

import pytest

from mandates.models import Mandate
from missions.models import Transition
from tests.factories import (
    AppointmentFactory,
    MandateAreaFactory,
    MandateFactory,
    MissionFactory,
)

pytestmark = pytest.mark.django_db


def test_closing_a_mission_ends_its_mandate_and_head_and_records_the_successor(bob_client):
    mission = MissionFactory(acronym="UNOLD", start_date=date(2000, 1, 1))
    successor = MissionFactory(acronym="UNNEW", start_date=date(2009, 1, 1))
    mandate = MandateFactory(mission=mission, start_date=date(2008, 1, 1))
    head = AppointmentFactory(mission=mission, start_date=date(2007, 1, 1))
    response = bob_client.post(
        f"/api/v1/missions/{mission.pk}/close/",
        {"end": "2008-12-31", "successor": "UNNEW", "document": "S/RES/1829 (2008)"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["end"] == "2008-12-31"
    assert [t["successor"]["acronym"] for t in body["transitions_out"]] == ["UNNEW"]
    mandate.refresh_from_db()
    head.refresh_from_db()
    assert mandate.end_date == head.end_date == date(2008, 12, 31)
    transition = Transition.objects.get(predecessor=mission, successor=successor)
    assert transition.document.symbol == "S/RES/1829 (2008)"


def test_closing_before_the_start_is_a_400_on_end(bob_client):
    mission = MissionFactory(start_date=date(2000, 1, 1))
    response = bob_client.post(
        f"/api/v1/missions/{mission.pk}/close/", {"end": "1999"}, format="json"
    )
    assert response.status_code == 400
    assert "end" in response.json()["errors"]


def test_closing_needs_the_change_permission(charlie_client, api_client):
    mission = MissionFactory()
    url = f"/api/v1/missions/{mission.pk}/close/"
    assert api_client.post(url, {"end": "2010"}, format="json").status_code == 401
    assert charlie_client.post(url, {"end": "2010"}, format="json").status_code == 403


def test_renewing_a_mandate_copies_its_areas(bob_client):
    rights = MandateAreaFactory(slug="human-rights")
    mandate = MandateFactory(
        start_date=date(2005, 1, 1), end_date=date(2005, 12, 31), mandate_areas=[rights]
    )
    response = bob_client.post(
        f"/api/v1/mandates/{mandate.pk}/renew/",
        {"until": "2006", "document": "S/RES/1645 (2005)"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["start"], body["end"]) == ("2006-01-01", "2006")
    assert [a["slug"] for a in body["mandate_areas"]] == ["human-rights"]
    assert body["document"]["symbol"] == "S/RES/1645 (2005)"
    assert Mandate.objects.filter(mission=mandate.mission).count() == 2


def test_renewing_an_open_mandate_is_a_400(bob_client):
    mandate = MandateFactory(start_date=date(2005, 1, 1))
    response = bob_client.post(f"/api/v1/mandates/{mandate.pk}/renew/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize("end", [None, "", "2010-13", 2010])
def test_closing_without_a_real_end_is_a_400(bob_client, end):
    mission = MissionFactory()
    response = bob_client.post(f"/api/v1/missions/{mission.pk}/close/", {"end": end}, format="json")
    assert response.status_code == 400
    assert "end" in response.json()["errors"]


def test_closing_needs_every_permission_the_close_writes_with(django_user_model):
    from django.contrib.auth.models import Permission

    from tests.api.conftest import _client_for

    user = django_user_model.objects.create_user("dora", password="pw-dora-1")
    user.user_permissions.set(Permission.objects.filter(codename="change_mission"))
    mission = MissionFactory()
    url = f"/api/v1/missions/{mission.pk}/close/"
    response = _client_for(user).post(url, {"end": "2010"}, format="json")
    assert response.status_code == 403
    mission.refresh_from_db()
    assert mission.end_date is None


def test_current_mandate_areas_tell_unknown_from_none(alice_client, settings):
    import time_machine

    rights, elections = MandateAreaFactory(slug="human-rights"), MandateAreaFactory(slug="el")
    unknown = MissionFactory(acronym="UNKNOWN", start_date=date(2000, 1, 1))
    empty = MissionFactory(acronym="EMPTY", start_date=date(2000, 1, 1))
    MandateFactory(mission=empty, start_date=date(2000, 1, 1))
    handover = MissionFactory(acronym="HANDOVER", start_date=date(2000, 1, 1))
    MandateFactory(mission=handover, start_date=date(2000, 1, 1), end_date=date(2010, 6, 30),
                   mandate_areas=[rights])
    MandateFactory(mission=handover, start_date=date(2010, 6, 30), mandate_areas=[elections])

    def areas(mission):
        body = alice_client.get(f"/api/v1/missions/{mission.pk}/").json()
        current = body["current_mandate_areas"]
        return None if current is None else sorted(a["slug"] for a in current)

    with time_machine.travel(date(2010, 6, 30), tick=False):
        assert areas(unknown) is None
        assert areas(empty) == []
        assert areas(handover) == ["el", "human-rights"]
