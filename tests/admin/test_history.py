"""History in the admin: who changed what, a diff between two versions, revert."""

from datetime import date

import pytest
from django.urls import reverse

from missions.models import Mission
from tests.admin.conftest import form_payload
from tests.factories import MissionFactory

pytestmark = pytest.mark.django_db


def change(client, mission, **fields):
    url = reverse("admin:missions_mission_change", args=[mission.pk])
    data = {**form_payload(client.get(url)), **fields}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_change_then_revert_restores_the_earlier_values(editor_client):
    mission = MissionFactory(acronym="UNHIST", name="First Name", base="Freetown")
    change(editor_client, mission, name="Second Name", base="Bo", end_date="2012-06")
    mission.refresh_from_db()
    assert (mission.name, mission.end) == ("Second Name", "2012-06")

    first = mission.history.order_by("history_date").first()
    url = reverse("admin:missions_mission_simple_history", args=[mission.pk, first.history_id])
    page = editor_client.get(url)
    assert "Revert" in page.content.decode()
    response = editor_client.post(url, form_payload(page))

    assert response.status_code == 302
    mission.refresh_from_db()
    assert (mission.name, mission.base, mission.end_date) == ("First Name", "Freetown", None)
    assert mission.history.count() == 3
    assert mission.history.first().history_user.username == "erin"


def test_the_diff_between_two_versions_names_each_changed_field(editor_client):
    mission = MissionFactory(acronym="UNDIFF", name="Old Name", start_date=date(2001, 1, 1))
    change(editor_client, mission, name="New Name")
    change(editor_client, mission, base="Kabul")
    older, newer = mission.history.order_by("history_date")[0], mission.history.first()

    history = editor_client.get(reverse("admin:missions_mission_history", args=[mission.pk]))
    assert 'id="history-compare"' in history.content.decode()
    response = editor_client.get(
        reverse("admin:missions_mission_history_compare", args=[mission.pk]),
        {"older": older.history_id, "newer": newer.history_id},
    )

    rows = response.content.decode().split('id="history-diff"')[1]
    assert "Old Name" in rows and "New Name" in rows and "Kabul" in rows
    assert "acronym" not in rows.lower().split("</thead>")[1]


def test_the_reviewer_reads_history_but_cannot_revert(client, reviewer):
    mission = MissionFactory(acronym="UNKEEP", name="Kept")
    mission.name = "Changed"
    mission.save()
    client.force_login(reviewer)
    first = mission.history.order_by("history_date").first()
    url = reverse("admin:missions_mission_simple_history", args=[mission.pk, first.history_id])

    history = client.get(reverse("admin:missions_mission_history", args=[mission.pk]))
    assert history.status_code == 200
    page = client.get(url)
    assert page.status_code == 200 and "Kept" in page.content.decode()
    # Even the complete form the page carries must not save the old version.
    assert client.post(url, {**form_payload(page), "name": "Kept"}).status_code == 403
    assert Mission.objects.get(pk=mission.pk).name == "Changed"


def test_revert_restores_the_mandate_areas_of_the_earlier_version(editor_client):
    from mandates.models import Mandate
    from tests.factories import MandateAreaFactory, MandateFactory

    kept, dropped = MandateAreaFactory(slug="kept-area"), MandateAreaFactory(slug="dropped-area")
    mandate = MandateFactory(mandate_areas=[kept, dropped])
    url = reverse("admin:mandates_mandate_change", args=[mandate.pk])
    response = editor_client.post(url, {**form_payload(editor_client.get(url)),
                                        "mandate_areas": [str(kept.pk)]})
    assert response.status_code == 302
    assert list(mandate.mandate_areas.all()) == [kept]

    both = next(r for r in mandate.history.order_by("history_date")
                if r.mandate_areas.count() == 2)
    version = reverse("admin:mandates_mandate_simple_history", args=[mandate.pk, both.history_id])
    editor_client.post(version, form_payload(editor_client.get(version)))

    assert set(Mandate.objects.get(pk=mandate.pk).mandate_areas.all()) == {kept, dropped}
