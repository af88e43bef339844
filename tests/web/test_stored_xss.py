"""Stored XSS renders inert: markup saved in registry data, opened in Debian's chromium.

Payloads go into every kind of text the public pages and the admin show: a mission's acronym,
name, notes, base and sources, a head of mission's name and title, a document's symbol and
title, a mandate area and a region (both also chart labels, passed to JavaScript as JSON), a
benchmark, a partner. Each payload would set `window.__xss` and open an alert if it ran.

The site's Content-Security-Policy would block an injected inline script even if escaping
failed, so each page is also opened with the policy bypassed, and the DOM is searched for
injected elements (inline handlers, inline scripts) and for the payloads as literal text.
"""

from datetime import date
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tests.web.live import CommittedRows

pytestmark = pytest.mark.browser


def payload(field: str) -> str:
    """Return markup (at most 150 characters) that would record `field` in window.__xss and
    open an alert if it ran, as a script, a JSON string's end, an attribute or a template."""
    run = f"__xss='{field}';alert(1)"
    return (
        f'</script><script>{run}</script>"\'><img src=x onerror="{run}">'
        f"{{{{7*7}}}}{{% debug %}} {field}"
    )


def short(field: str) -> str:
    """A payload for fields of 30 to 50 characters."""
    return f"\"'><svg onload=__xss='{field}'>"


PAYLOADS = {
    "acronym": short("acr"),
    "name": "Xssprobe " + payload("name"),
    "notes": payload("notes"),
    "base": short("base"),
    "source": "javascript:window.__xss='src' | https://example.org/\"><img/src=x/onerror=__xss='url'>",
    "region": short("region"),
    "area": payload("area"),
    "person": payload("person"),
    "title": payload("title"),
    "symbol": "S/RES/9999 " + short("symbol"),
    "document title": payload("document title"),
    "benchmark": payload("benchmark"),
    "organization": payload("organization"),
}

# Which payloads each page must show as literal text (the others may be absent from it).
MISSION_PAGE = [
    "acronym", "name", "notes", "base", "region", "area", "person", "title", "symbol",
    "benchmark", "organization",
]  # fmt: skip


@pytest.fixture(scope="module")
def stored(live_site_server, django_db_blocker):
    """Commit a mission whose every text is markup, for the module; delete it afterwards, so
    that the other browser tests, served by the same server, never see it."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session
    from django.test import Client

    from mandates.models import Benchmark, MandateArea
    from missions.models import Partnership, Region
    from missions.search import search_document_refresh
    from tests.factories import (
        AppointmentFactory,
        DocumentFactory,
        MandateFactory,
        MissionFactory,
        OrganizationFactory,
        PersonFactory,
    )

    with django_db_blocker.unblock():
        rows = CommittedRows()
        region = Region.objects.create(slug="xss-region", name=PAYLOADS["region"])
        area = MandateArea.objects.create(slug="xss-area", name=PAYLOADS["area"])
        document = DocumentFactory(
            symbol=PAYLOADS["symbol"], title=PAYLOADS["document title"], date=date(2010, 1, 1)
        )
        mission = MissionFactory(
            acronym=PAYLOADS["acronym"],
            name=PAYLOADS["name"],
            notes=PAYLOADS["notes"],
            base=PAYLOADS["base"],
            source=PAYLOADS["source"],
            region=region,
            start_date=date(2010, 1, 1),
            founding_document=document,
        )
        MandateFactory(mission=mission, document=document, mandate_areas=[area])
        AppointmentFactory(
            mission=mission, person=PersonFactory(name=PAYLOADS["person"]), title=PAYLOADS["title"]
        )
        Benchmark.objects.create(mission=mission, text=PAYLOADS["benchmark"], document=document)
        Partnership.objects.create(
            mission=mission,
            organization=OrganizationFactory(acronym="XSSORG", name=PAYLOADS["organization"]),
            kind="cooperates",
            start_date=date(2010, 1, 1),
        )
        search_document_refresh(mission_ids=[mission.pk])
        admin = get_user_model().objects.create_superuser("xss-admin", "x@example.org", "pw-x-1")
        client = Client()
        client.force_login(admin)
        session = client.cookies["sessionid"].value
    yield {"mission": mission, "session": session}
    with django_db_blocker.unblock():
        rows.delete()
        Session.objects.filter(session_key=session).delete()  # not an integer primary key


def pages(mission) -> list[tuple[str, list[str]]]:
    """Return (path, payloads shown as text there) for each page to open."""
    admin_list = reverse("admin:missions_mission_changelist") + "?q=Xssprobe"
    return [
        (mission.get_absolute_url(), MISSION_PAGE),
        ("/search/?q=Xssprobe", ["acronym", "name"]),
        ("/search/?" + urlencode({"q": payload("q")}), []),
        ("/landscape/", ["acronym", "name", "base", "region"]),
        ("/trends/?metric=mandate_area_share&cluster=field_mission&mandate_area=xss-area",
         ["area"]),
        ("/trends/?metric=active_missions&split=region", ["region"]),
        (admin_list, ["acronym", "name"]),
        (reverse("admin:missions_mission_change", args=[mission.pk]), ["acronym"]),
        (reverse("admin:missions_document_changelist") + "?q=9999", ["symbol", "document title"]),
        (reverse("admin:mandates_mandatearea_changelist") + "?q=xss", ["area"]),
    ]  # fmt: skip


INJECTED = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on')) found.push(`<${el.localName} ${attr.name}>`);
      if (['href', 'src', 'action', 'formaction'].includes(attr.name)
          && /^\\s*javascript:/i.test(attr.value)) found.push(`<${el.localName} ${attr.name}>`);
    }
  }
  for (const s of document.querySelectorAll('script:not([src])')) {
    if (s.type !== 'application/json') found.push('inline <script>: ' + s.textContent);
  }
  for (const el of document.querySelectorAll('iframe, object, embed, base')) {
    found.push(`<${el.localName}>`);
  }
  return found;
}"""


@pytest.mark.parametrize("csp", ["enforced", "bypassed"])
def test_stored_markup_renders_as_text_and_never_runs(browser, live_site, stored, csp):
    context = browser.new_context(bypass_csp=csp == "bypassed")
    context.add_cookies([{"name": "sessionid", "value": stored["session"], "url": live_site}])
    page = context.new_page()
    page.set_default_timeout(15000)
    dialogs, violations = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and violations.append(message.text)
        ),
    )
    problems, labels = {}, {}
    for path, shown in pages(stored["mission"]):
        response = page.goto(live_site + path)
        assert response.status == 200, path
        if path.startswith("/trends/"):
            page.wait_for_selector("#trend-chart[data-drawn]")
            labels[path] = page.evaluate(
                "() => Chart.getChart(document.getElementById('trend-chart')).data.datasets"
                ".map(d => d.label)"
            )
        found = page.evaluate(INJECTED)
        ran = page.evaluate("() => window.__xss")
        text = page.evaluate("() => document.body.textContent")
        missing = [field for field in shown if PAYLOADS[field] not in text]
        if found or ran or missing:
            problems[path] = {"injected": found, "ran": ran, "not shown as text": missing}
    context.close()
    assert {"pages": problems, "alerts": dialogs, "blocked by the CSP": violations} == {
        "pages": {},
        "alerts": [],
        "blocked by the CSP": [],
    }
    # Chart labels went through JSON into JavaScript and came out as the stored text.
    area_share, by_region = labels.values()
    assert any(PAYLOADS["area"] in label for label in area_share), area_share
    assert PAYLOADS["region"] in by_region, by_region
