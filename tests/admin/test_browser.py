"""An editor creates a mission with a mandate in the real admin, in chromium."""

import os

import pytest

from tests.conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser_settings(settings, monkeypatch):
    # The live server speaks plain HTTP on localhost.
    settings.ALLOWED_HOSTS = ["*"]
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False
    # Playwright's sync API runs an event loop in this thread; the ORM calls here are plain.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")


def test_an_editor_creates_a_mission_with_a_mandate(live_server, browser_settings, editor):
    from playwright.sync_api import sync_playwright

    from missions.models import Mission
    from tests.factories import MandateAreaFactory

    MandateAreaFactory(slug="security-sector-reform", name="Security sector reform")
    editor.set_password("pw-erin-browser")
    editor.save()
    executable = CHROMIUM if os.path.exists(CHROMIUM) else "chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        page.goto(f"{live_server.url}/admin/login/?next=/admin/")
        page.fill("#id_username", "erin")
        page.fill("#id_password", "pw-erin-browser")
        page.click("input[type=submit]")
        page.wait_for_selector("#site-name")

        page.goto(f"{live_server.url}/admin/missions/mission/add/")
        page.fill("#id_acronym", "UNBROWSER")
        page.fill("#id_name", "United Nations Browser Test Office")
        page.select_option("#id_cluster", label="III. Field-based missions")
        page.select_option("#id_kind", "country")
        page.fill("#id_start_date", "2009")
        page.fill("#id_source", "typed in a browser test")
        page.fill("#id_mandates-0-start_date", "2009-03")
        page.fill("#id_mandates-0-end_date", "2010")
        # The mandate areas are an autocomplete (select2): type, then pick the match.
        page.click("#mandates-0 .field-mandate_areas .select2-selection")
        page.keyboard.type("sector")
        page.click(".select2-results__option:has-text('Security sector reform')")
        page.click("input[name=_save]")
        page.wait_for_selector(".messagelist")
        message = page.inner_text(".messagelist")
        browser.close()

    assert "was added successfully" in message
    mission = Mission.objects.get(acronym="UNBROWSER")
    assert (mission.start, mission.source) == ("2009", "typed in a browser test")
    mandate = mission.mandates.get()
    assert (mandate.start, mandate.end) == ("2009-03", "2010")
    assert [a.slug for a in mandate.mandate_areas.all()] == ["security-sector-reform"]
