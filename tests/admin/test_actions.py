"""Admin actions with an intermediate form: renew mandate, close mission."""

from datetime import date

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from mandates.models import Mandate
from missions.models import Transition
from tests.factories import MandateAreaFactory, MandateFactory, MissionFactory

pytestmark = pytest.mark.django_db

MANDATES = reverse("admin:mandates_mandate_changelist")
MISSIONS = reverse("admin:missions_mission_changelist")


def test_renew_asks_the_end_then_makes_the_next_period_with_its_areas(editor_client):
    area = MandateAreaFactory(slug="electoral-assistance")
    last = MandateFactory(start_date=date(2000, 1, 1), end_date=date(2000, 12, 31),
                          mandate_areas=[area])
    selection = {"action": "renew_mandates", ACTION_CHECKBOX_NAME: [last.pk]}

    form_page = editor_client.post(MANDATES, selection)
    assert form_page.status_code == 200
    assert 'name="until"' in form_page.content.decode()
    assert Mandate.objects.count() == 1

    response = editor_client.post(MANDATES, {**selection, "apply": "1", "until": "2001-06",
                                             "document": "S/RES/9000 (2000)"})

    assert response.status_code == 302
    renewal = Mandate.objects.exclude(pk=last.pk).get()
    assert (renewal.start, renewal.end) == ("2001-01-01", "2001-06")
    assert list(renewal.mandate_areas.all()) == [area]
    assert renewal.document.symbol == "S/RES/9000 (2000)"


def test_renew_from_the_mission_list_renews_its_last_mandate(editor_client):
    mission = MissionFactory(start_date=date(2000, 1, 1))
    MandateFactory(mission=mission, start_date=date(2000, 1, 1), end_date=date(2000, 12, 31))
    MandateFactory(mission=mission, start_date=date(2001, 1, 1), end_date=date(2001, 12, 31))
    editor_client.post(MISSIONS, {"action": "renew_last_mandates", ACTION_CHECKBOX_NAME:
                                  [mission.pk], "apply": "1", "until": "2002"})
    assert [m.start for m in mission.mandates.order_by("start_date")] == [
        "2000-01-01", "2001-01-01", "2002-01-01"]


def test_a_renewal_breaking_a_rule_shows_why_and_saves_nothing(editor_client):
    mission = MissionFactory(start_date=date(2000, 1, 1), end_date=date(2001, 12, 31))
    last = MandateFactory(mission=mission, start_date=date(2000, 1, 1), end_date=date(2000, 12, 31))
    response = editor_client.post(MANDATES, {
        "action": "renew_mandates", ACTION_CHECKBOX_NAME: [last.pk], "apply": "1",
        "until": "2003", "document": "S/RES/9001 (2000)"})
    assert response.status_code == 200
    assert "runs past the mission" in response.content.decode()
    assert Mandate.objects.count() == 1
    assert not response.context["form"].is_valid()


def test_close_asks_the_end_and_the_transition(editor_client):
    mission = MissionFactory(acronym="UNCLOSE", start_date=date(2000, 1, 1))
    successor = MissionFactory(acronym="UNNEXT", start_date=date(2006, 1, 1))
    MandateFactory(mission=mission, start_date=date(2000, 1, 1))
    selection = {"action": "close_missions", ACTION_CHECKBOX_NAME: [mission.pk]}

    page = editor_client.post(MISSIONS, selection)
    assert 'name="end_date"' in page.content.decode()
    assert 'name="successor"' in page.content.decode()

    response = editor_client.post(MISSIONS, {**selection, "apply": "1", "end_date": "2005-12-31",
                                             "successor": successor.pk,
                                             "transition_kind": "spm_to_spm"})

    assert response.status_code == 302
    mission.refresh_from_db()
    assert mission.end == "2005-12-31"
    assert mission.mandates.get().end == "2005-12-31"
    transition = Transition.objects.get()
    assert (transition.successor, transition.when) == (successor, "2006-01-01")


def test_close_with_an_impossible_successor_shows_the_error_and_changes_nothing(editor_client):
    mission = MissionFactory(acronym="UNSTAY", start_date=date(2000, 1, 1))
    later = MissionFactory(acronym="UNLATER", start_date=date(2010, 1, 1))
    response = editor_client.post(MISSIONS, {
        "action": "close_missions", ACTION_CHECKBOX_NAME: [mission.pk], "apply": "1",
        "end_date": "2005", "successor": later.pk, "transition_kind": "spm_to_spm"})
    assert response.status_code == 200
    assert "did not exist yet" in response.content.decode()
    mission.refresh_from_db()
    assert mission.end_date is None
    assert not Transition.objects.exists()


def test_the_reviewer_is_not_offered_the_actions(client, reviewer):
    MissionFactory()
    client.force_login(reviewer)
    actions = client.get(MISSIONS).context["action_form"].fields["action"].choices
    names = [name for name, _label in actions]
    assert "close_missions" not in names and "renew_last_mandates" not in names
    assert "export_csv" in names


def test_close_is_offered_only_to_who_may_make_every_write_it_makes(client, django_user_model,
                                                                   editor_client):
    from django.contrib.auth.models import Permission

    MissionFactory()
    url = "/admin/missions/mission/"
    assert "close_missions" in editor_client.get(url).content.decode()
    user = django_user_model.objects.create_user("dora", password="pw-dora-1", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_mission", "change_mission"])
    )
    client.force_login(user)
    page = client.get(url)
    assert page.status_code == 200
    assert "close_missions" not in page.content.decode()
