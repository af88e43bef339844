"""Editors at work in the real admin, in chromium: create a mission, close one."""

import os
from datetime import date

import pytest

from tests.conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def editor_page(live_server, settings, monkeypatch, editor):
    """A chromium page where Erin (Editor group) has logged in to the admin."""
    from playwright.sync_api import sync_playwright

    # The live server speaks plain HTTP on localhost.
    settings.ALLOWED_HOSTS = ["*"]
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False
    # Playwright's sync API runs an event loop in this thread; the ORM calls here are plain.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    editor.set_password("pw-erin-browser")
    editor.save()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else "chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        page.goto(f"{live_server.url}/admin/login/?next=/admin/")
        page.fill("#id_username", "erin")
        page.fill("#id_password", "pw-erin-browser")
        page.click("input[type=submit]")
        page.wait_for_selector("#site-name")
        page.base = live_server.url
        yield page
        browser.close()


def pick(page, selection: str, text: str) -> None:
    """Choose `text` in a select2 autocomplete, as a person does: open, type, click."""
    page.click(selection)
    page.keyboard.type(text)
    page.click(f".select2-results__option:has-text('{text}')")


def test_an_editor_creates_a_mission_with_a_mandate(editor_page):
    from missions.models import Mission
    from tests.factories import MandateAreaFactory

    MandateAreaFactory(slug="security-sector-reform", name="Security sector reform")
    page = editor_page
    page.goto(f"{page.base}/admin/missions/mission/add/")
    page.fill("#id_acronym", "UNBROWSER")
    page.fill("#id_name", "United Nations Browser Test Office")
    page.select_option("#id_cluster", label="III. Field-based missions")
    page.select_option("#id_kind", "country")
    page.fill("#id_start_date", "2009")
    page.fill("#id_source", "typed in a browser test")
    page.fill("#id_mandates-0-start_date", "2009-03")
    page.fill("#id_mandates-0-end_date", "2010")
    pick(page, "#mandates-0 .field-mandate_areas .select2-selection", "Security sector reform")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")

    assert "was added successfully" in page.inner_text(".messagelist")
    mission = Mission.objects.get(acronym="UNBROWSER")
    assert (mission.start, mission.source) == ("2009", "typed in a browser test")
    mandate = mission.mandates.get()
    assert (mandate.start, mandate.end) == ("2009-03", "2010")
    assert [a.slug for a in mandate.mandate_areas.all()] == ["security-sector-reform"]


def test_an_editor_closes_a_mission_and_picks_its_successor(editor_page):
    from missions.models import Mission, Transition
    from tests.factories import MissionFactory

    MissionFactory(acronym="UNFIRSTB", start_date=date(2001, 1, 1))
    MissionFactory(acronym="UNSECONDB", start_date=date(2006, 1, 1))
    page = editor_page
    page.goto(f"{page.base}/admin/missions/mission/")
    page.check("tr:has-text('UNFIRSTB') input.action-select")
    page.select_option("select[name=action]", "close_missions")
    page.click("button[name=index]")
    page.fill("#id_end_date", "2005-12-31")
    pick(page, "#id_successor + .select2 .select2-selection", "UNSECONDB")
    page.click("input[name=apply]")
    page.wait_for_selector(".messagelist")

    assert "Closed: UNFIRSTB" in page.inner_text(".messagelist")
    assert Mission.objects.get(acronym="UNFIRSTB").end == "2005-12-31"
    assert Transition.objects.get().successor.acronym == "UNSECONDB"
