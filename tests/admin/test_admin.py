"""Data entry in the admin: inlines, partial dates, field errors, roles, every page renders."""

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from mandates.models import Mandate
from missions.models import Mission
from tests.admin.conftest import form_payload
from tests.factories import MandateAreaFactory, MandateFactory, MissionFactory, cluster

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:missions_mission_add")


def mission_post(**overrides) -> dict:
    """A new field mission, with one mandate row and empty other inlines."""
    data = {
        "acronym": "UNXYZ", "name": "United Nations Synthetic Office", "cluster": cluster().pk,
        "kind": "country", "category": "special_political_mission",
        "mandating_body": "security_council", "start_date": "2009", "end_date": "",
        "source": "test fixture", "confidence": "high",
    }
    for prefix in ("envoy", "sanctions_panel", "mandates", "appointments", "partnerships"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0,
                     f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
    data.update({"mandates-TOTAL_FORMS": 1, "mandates-0-start_date": "2009-03",
                 "mandates-0-end_date": "2010-03-15", "mandates-0-completeness": "complete",
                 "mandates-0-source": "S/RES/0000 (2009), synthetic"})
    data.update(overrides)
    return data


def errors_of(response) -> dict:
    """Field errors of the main form and of each inline form, by field name."""
    errors = dict(response.context["adminform"].form.errors)
    for inline in response.context.get("inline_admin_formsets", []):
        for form in inline.formset.forms:
            for name, messages in form.errors.items():
                errors[form.add_prefix(name)] = messages
    return errors


def test_editor_adds_a_mission_with_a_mandate_inline_in_partial_dates(editor_client):
    area = MandateAreaFactory(slug="human-rights")
    response = editor_client.post(ADD_URL, mission_post(**{"mandates-0-mandate_areas": [area.pk]}))

    assert response.status_code == 302, errors_of(response)
    mission = Mission.objects.get(acronym="UNXYZ")
    assert (mission.start_date, mission.start_precision) == (date(2009, 1, 1), "year")
    mandate = mission.mandates.get()
    assert (mandate.start, mandate.end) == ("2009-03", "2010-03-15")
    assert mandate.start_date == date(2009, 3, 1)
    assert list(mandate.mandate_areas.all()) == [area]
    assert mission.history.first().history_user.username == "erin"


def test_the_change_form_shows_dates_at_their_precision(editor_client):
    mission = MissionFactory(start_date=date(2009, 1, 1), start_precision="year")
    response = editor_client.get(reverse("admin:missions_mission_change", args=[mission.pk]))
    assert 'name="start_date" value="2009"' in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"start_date": "2009-13"}, "start_date"),
        ({"start_date": "2009", "end_date": "2008"}, "end_date"),
        ({"mandates-0-start_date": "31/03/2009"}, "mandates-0-start_date"),
        # A mandate before the mission's start, on a mission that is being added.
        ({"mandates-0-start_date": "2008-06"}, "mandates-0-start_date"),
        ({"mandates-0-end_date": "2009-01"}, "mandates-0-end_date"),
    ],
)
def test_a_bad_date_gives_a_field_error_and_saves_nothing(editor_client, overrides, field):
    response = editor_client.post(ADD_URL, mission_post(**overrides))

    assert response.status_code == 200
    assert field in errors_of(response)
    assert not Mission.objects.exists()
    assert not Mandate.objects.exists()


def test_overlapping_mandates_in_one_submission_are_rejected(editor_client):
    response = editor_client.post(ADD_URL, mission_post(**{
        "mandates-TOTAL_FORMS": 2, "mandates-1-start_date": "2010-01",
        "mandates-1-end_date": "2011", "mandates-1-completeness": "complete"}))
    assert "overlaps the mandate from 2009-03" in str(errors_of(response)["mandates-1-start_date"])
    assert not Mission.objects.exists()


def test_shortening_a_mission_flags_its_mandates_and_changes_nothing(editor_client):
    mission = MissionFactory(acronym="UNSHORT", start_date=date(2000, 1, 1))
    MandateFactory(mission=mission, start_date=date(2000, 1, 1), end_date=date(2004, 12, 31))
    url = reverse("admin:missions_mission_change", args=[mission.pk])
    data = form_payload(editor_client.get(url))
    data["end_date"] = "2002"

    response = editor_client.post(url, data)

    assert "mandates-0-end_date" in errors_of(response)
    mission.refresh_from_db()
    assert mission.end_date is None


def test_the_reviewer_sees_but_cannot_save(client, reviewer):
    mission = MissionFactory(acronym="UNREAD", name="Read Only Office")
    client.force_login(reviewer)
    url = reverse("admin:missions_mission_change", args=[mission.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "Read Only Office" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()

    assert client.post(url, {"acronym": "UNREAD", "name": "Renamed"}).status_code == 403
    assert client.post(ADD_URL, mission_post()).status_code == 403
    mission.refresh_from_db()
    assert mission.name == "Read Only Office"
    assert not Mission.objects.filter(acronym="UNXYZ").exists()


def test_roles_are_groups_made_by_a_migration():
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    reviewer = set(
        Group.objects.get(name="Reviewer").permissions.values_list("codename", flat=True)
    )
    assert {"add_mission", "change_mission", "add_mandate", "change_transition",
            "change_appointment", "view_historicalmission"} <= editor
    assert not any(code.startswith("delete_") for code in editor)
    assert {"view_mission", "view_mandate", "view_transition"} <= reviewer
    assert all(code.startswith("view_") for code in reviewer)


def test_every_admin_page_renders_for_a_superuser(client, alice):
    mission = MissionFactory()
    MandateFactory(mission=mission)
    client.force_login(alice)
    for model in admin.site._registry:
        opts = model._meta
        if opts.app_label not in ("missions", "mandates"):
            continue
        for name in ("changelist", "add"):
            response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}"))
            assert response.status_code == 200, (opts.model_name, name)
        instance = model.objects.first()
        if instance is not None:
            response = client.get(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
            )
            assert response.status_code == 200, (opts.model_name, "change")


def test_autocomplete_finds_missions_for_a_transition(client, alice):
    MissionFactory(acronym="UNFINDME")
    client.force_login(alice)
    response = client.get(reverse("admin:autocomplete"), {
        "term": "FINDM", "app_label": "missions", "model_name": "transition",
        "field_name": "predecessor"})
    assert [r["text"] for r in response.json()["results"]] == ["UNFINDME"]


def test_each_mission_links_to_its_public_page(editor_client):
    mission = MissionFactory(acronym="UNLINK")
    public = reverse("missions:mission_detail", kwargs={"acronym": "UNLINK"})

    listing = editor_client.get(reverse("admin:missions_mission_changelist"))
    change = editor_client.get(reverse("admin:missions_mission_change", args=[mission.pk]))

    assert f'href="{public}"' in listing.content.decode()
    assert f'href="{public}"' in change.content.decode()
    assert editor_client.get(public).status_code == 200


def test_a_transition_before_its_successor_existed_is_a_field_error(editor_client):
    old = MissionFactory(acronym="UNPRED", start_date=date(2000, 1, 1))
    new = MissionFactory(acronym="UNSUCC", start_date=date(2010, 1, 1))
    response = editor_client.post(reverse("admin:missions_transition_add"), {
        "predecessor": old.pk, "successor": new.pk, "date": "2005", "kind": "spm_to_spm"})
    assert "did not exist yet" in str(response.context["adminform"].form.errors["successor"])


def test_a_sanctions_regime_from_the_assembly_is_a_field_error_on_the_panel(editor_client):
    from missions.models import Document

    regime = Document.objects.create(symbol="A/RES/99/1", kind="resolution",
                                     body="general_assembly")
    data = mission_post(
        acronym="UNPANEL", cluster=cluster("sanctions_panel").pk, kind="panel_of_experts",
        **{"mandates-TOTAL_FORMS": 0, "sanctions_panel-TOTAL_FORMS": 1,
           "sanctions_panel-0-regime_document": regime.pk,
           "sanctions_panel-0-expertise": ["arms", "finance"]},
    )
    response = editor_client.post(ADD_URL, data)
    assert "sanctions_panel-0-regime_document" in errors_of(response)
    assert not Mission.objects.exists()


def test_the_seeded_mission_list_takes_a_bounded_number_of_queries(
    seeded, client, alice, django_assert_max_num_queries
):
    client.force_login(alice)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("admin:missions_mission_changelist"), {"all": ""})
    assert "UNIPSIL" in response.content.decode()


def test_envoy_details_on_a_field_mission_are_refused(editor_client):
    response = editor_client.post(ADD_URL, mission_post(**{
        "envoy-TOTAL_FORMS": 1, "envoy-0-seat": "home_based"}))
    envoy = next(i for i in response.context["inline_admin_formsets"]
                 if i.formset.prefix == "envoy")
    assert "for envoy details only" in str(envoy.formset.non_form_errors())
    assert not Mission.objects.exists()


def test_an_admin_save_schedules_a_statistics_refresh(
    editor_client, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr("reports.services.statistics_schedule_refresh", lambda: calls.append(1))
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(ADD_URL, mission_post())
    assert response.status_code == 302
    assert calls == [1]  # one refresh for the mission and its mandate together


def test_one_person_may_hold_two_posts_at_once_but_a_post_has_one_head(editor_client):
    from tests.factories import PersonFactory

    person = PersonFactory(name="Synthetic Envoy")
    first, second = MissionFactory(acronym="UNPOSTA"), MissionFactory(acronym="UNPOSTB")
    url = reverse("admin:missions_person_change", args=[person.pk])
    data = form_payload(editor_client.get(url))
    data.update({"appointments-TOTAL_FORMS": 2,
                 "appointments-0-mission": first.pk, "appointments-0-start_date": "2010",
                 "appointments-1-mission": second.pk, "appointments-1-start_date": "2010"})
    assert editor_client.post(url, data).status_code == 302
    assert person.appointments.count() == 2

    mission_url = reverse("admin:missions_mission_change", args=[first.pk])
    data = form_payload(editor_client.get(mission_url))
    other = PersonFactory(name="Second Head")
    data.update({"appointments-TOTAL_FORMS": 2, "appointments-1-person": other.pk,
                 "appointments-1-start_date": "2010-06-01"})
    response = editor_client.post(mission_url, data)
    assert "appointments-1-start_date" in errors_of(response)
