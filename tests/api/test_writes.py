"""Writes: who may write, the admin's validation as 400s, read-only fields, ETags and If-Match."""

from datetime import date

import pytest

from missions.models import Mission
from tests.factories import (
    AppointmentFactory,
    MandateAreaFactory,
    MandateFactory,
    MissionFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

NEW_MISSION = {
    "acronym": "UNTESTM",
    "name": "United Nations Test Mission",
    "cluster": "field_mission",
    "kind": "country",
    "region": "africa",
    "host_countries": ["LBR"],
    "start": "2009-03",
}


def test_anonymous_cannot_write(api_client):
    response = api_client.post("/api/v1/missions/", NEW_MISSION, format="json")
    assert response.status_code == 401
    assert not Mission.objects.filter(acronym="UNTESTM").exists()


def test_token_without_permission_is_refused(charlie_client):
    response = charlie_client.post("/api/v1/missions/", NEW_MISSION, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_editor_creates_a_mission_with_an_imprecise_start(bob_client, bob):
    response = bob_client.post("/api/v1/missions/", NEW_MISSION, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["start"] == "2009-03"
    assert body["start_date"] == "2009-03-01" and body["start_precision"] == "month"
    assert [c["iso3"] for c in body["host_countries"]] == ["LBR"]
    assert response["Location"].endswith(f"/api/v1/missions/{body['id']}/")
    assert response["ETag"] == bob_client.get(f"/api/v1/missions/{body['id']}/")["ETag"]
    mission = Mission.objects.get(acronym="UNTESTM")
    assert mission.history.latest().history_user == bob


def test_read_only_fields_are_ignored(bob_client):
    payload = {
        **NEW_MISSION,
        "id": 999999,
        "start_date": "1900-01-01",
        "created_at": "1999-01-01T00:00:00Z",
        "is_active": False,
    }
    body = bob_client.post("/api/v1/missions/", payload, format="json").json()
    assert body["id"] != 999999
    assert body["start_date"] == "2009-03-01"
    assert not body["created_at"].startswith("1999")


@pytest.mark.parametrize(
    "change, field",
    [
        ({"cluster": "envoy"}, "kind"),  # a country mission is no kind of envoy (Mission.clean)
        ({"start": "2010", "end": "2009"}, "end"),
        ({"start": "2009-02-30"}, "start"),
        ({"cluster": "nonsense"}, "cluster"),
        ({"host_countries": ["XXX"]}, "host_countries"),
        ({"end": "2011", "end_unknown": True}, "end_unknown"),
    ],
)
def test_what_the_admin_refuses_the_api_refuses_with_field_messages(bob_client, change, field):
    response = bob_client.post("/api/v1/missions/", {**NEW_MISSION, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not Mission.objects.filter(acronym="UNTESTM").exists()


def test_duplicate_acronym_is_refused(bob_client):
    MissionFactory(acronym="UNTESTM")
    response = bob_client.post("/api/v1/missions/", NEW_MISSION, format="json")
    assert response.status_code == 400
    assert "acronym" in response.json()["errors"]


def test_overlapping_mandates_are_refused(bob_client):
    mandate = MandateFactory(start_date=date(2005, 1, 1), end_date=date(2005, 12, 31))
    area = MandateAreaFactory(slug="human-rights")
    payload = {"mission": mandate.mission.acronym, "start": "2005-06", "mandate_areas": [area.slug]}
    response = bob_client.post("/api/v1/mandates/", payload, format="json")
    assert response.status_code == 400
    assert "start" in response.json()["errors"]
    payload["start"] = "2006-01-01"
    response = bob_client.post("/api/v1/mandates/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert [a["slug"] for a in response.json()["mandate_areas"]] == ["human-rights"]


def test_overlapping_heads_are_refused(bob_client):
    first = AppointmentFactory(start_date=date(2005, 1, 1), end_date=date(2008, 12, 31))
    payload = {"mission": first.mission.pk, "person": PersonFactory().name, "start": "2007"}
    response = bob_client.post("/api/v1/appointments/", payload, format="json")
    assert response.status_code == 400
    assert "start" in response.json()["errors"]


def test_etag_gives_304_until_the_mission_changes(api_client, bob_client):
    mission = MissionFactory()
    url = f"/api/v1/missions/{mission.pk}/"
    first = api_client.get(url)
    assert first["ETag"] and first["Last-Modified"]
    assert api_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    bob_client.patch(url, {"name": "Renamed"}, format="json")
    again = api_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"]


def test_a_new_mandate_changes_the_mission_etag(api_client):
    mission = MissionFactory()
    url = f"/api/v1/missions/{mission.pk}/"
    etag = api_client.get(url)["ETag"]
    MandateFactory(mission=mission)
    assert api_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_list_etag_and_304(api_client):
    MissionFactory()
    first = api_client.get("/api/v1/missions/")
    assert api_client.get("/api/v1/missions/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    MissionFactory()
    assert api_client.get("/api/v1/missions/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_stale_if_match_is_412_and_changes_nothing(bob_client):
    mission = MissionFactory(name="Original")
    url = f"/api/v1/missions/{mission.pk}/"
    etag = bob_client.get(url)["ETag"]
    assert (
        bob_client.patch(
            url, {"name": "First editor"}, format="json", HTTP_IF_MATCH=etag
        ).status_code
        == 200
    )
    response = bob_client.patch(url, {"name": "Second editor"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert response.json()["code"] == "precondition_failed"
    mission.refresh_from_db()
    assert mission.name == "First editor"


def test_put_with_current_if_match_succeeds_and_returns_the_new_etag(bob_client):
    mission = MissionFactory()
    url = f"/api/v1/missions/{mission.pk}/"
    etag = bob_client.get(url)["ETag"]
    response = bob_client.put(
        url, {**NEW_MISSION, "acronym": mission.acronym}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200, response.json()
    assert response["ETag"] == bob_client.get(url)["ETag"] != etag


def test_delete_needs_the_delete_permission(bob_client, alice_client):
    mission = MissionFactory()
    url = f"/api/v1/missions/{mission.pk}/"
    assert bob_client.delete(url).status_code == 403
    etag = alice_client.get(url)["ETag"]
    assert alice_client.delete(url, HTTP_IF_MATCH='"stale"').status_code == 412
    assert alice_client.delete(url, HTTP_IF_MATCH=etag).status_code == 204
    assert not Mission.objects.filter(pk=mission.pk).exists()


def test_deleting_a_referenced_person_is_a_conflict(alice_client):
    appointment = AppointmentFactory()
    response = alice_client.delete(f"/api/v1/people/{appointment.person_id}/")
    assert response.status_code == 409


def test_reference_data_is_read_only(alice_client):
    assert alice_client.post("/api/v1/regions/", {"slug": "x", "name": "X"}).status_code == 405


def test_history_lists_each_version_with_its_changes(bob_client, api_client):
    created = bob_client.post("/api/v1/missions/", NEW_MISSION, format="json").json()
    bob_client.patch(created["url"], {"name": "Renamed mission"}, format="json")
    body = api_client.get(f"/api/v1/missions/{created['id']}/history/").json()
    newest = body["results"][0]
    assert newest["history_type"] == "changed"
    assert {
        "field": "name",
        "old": "United Nations Test Mission",
        "new": "Renamed mission",
    } in newest["changes"]
    assert body["results"][-1]["history_type"] == "created"
    assert newest["user"] is None  # editors' names are for staff only
    staff_view = bob_client.get(f"/api/v1/missions/{created['id']}/history/").json()
    assert staff_view["results"][0]["user"] == "bob"


@pytest.mark.parametrize(
    "mission", ["NOSUCH", 10**30, -5, True, ["x"], {"id": "y"}, "", "UN\x00TEST"]
)
def test_a_bad_reference_is_a_400(alice_client, mission):
    response = alice_client.post(
        "/api/v1/mandates/", {"mission": mission, "start": "2005"}, format="json"
    )
    assert response.status_code == 400
    assert "mission" in response.json()["errors"]


def test_references_take_an_id_a_key_or_a_brief_object(alice_client):
    mission = MissionFactory(acronym="UNREF", start_date=date(2000, 1, 1))
    for start, reference in [
        ("2001", mission.pk),
        ("2002", "UNREF"),
        ("2003", {"id": mission.pk, "acronym": "ignored"}),
    ]:
        response = alice_client.post(
            "/api/v1/mandates/", {"mission": reference, "start": start, "end": start}, format="json"
        )
        assert response.status_code == 201, response.json()
        assert response.json()["mission"]["acronym"] == "UNREF"
