"""The analyst UI in Debian's chromium, driven by Playwright: htmx, charts, downloads, axe-core.

The seed is committed once for the browser tests of a run (the server reads it from another
connection on PostgreSQL) and removed afterwards: see conftest.py and live.py.
"""

import csv
import io
import time
from pathlib import Path

import pytest

from missions.models import Mission

AXE = Path(__file__).parent / "vendor" / "axe.min.js"

pytestmark = pytest.mark.browser


def wait_until(page, function: str, timeout: float = 10.0) -> None:
    """Poll a JavaScript function until it returns true (the page's CSP forbids eval)."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout
    while True:
        try:
            if page.evaluate(function):
                return
        except Error:  # the page navigated while evaluating: try again on the new one
            pass
        assert time.monotonic() < deadline, f"timed out waiting for {function}"
        page.wait_for_timeout(100)


def result_acronyms(page) -> list[str]:
    return page.locator("#results-table .result-acronym").all_inner_texts()


def result_count(page) -> int:
    return int(page.locator("#results-h").inner_text().split()[0])


def test_search_for_words_gives_the_expected_mission_first(page, live_site):
    page.goto(live_site + "/")
    page.fill("#home-q", "Peacebuilding Office in Sierra Leone")
    page.press("#home-q", "Enter")
    page.wait_for_url("**/search/?q=Peacebuilding+Office+in+Sierra+Leone")
    assert result_acronyms(page)[0] == "UNIPSIL"
    assert page.locator("#results-table mark").first.inner_text().lower() in {
        "peacebuilding",
        "office",
        "sierra",
        "leone",
        "in",
    }


def test_a_facet_changes_the_count_and_the_address_and_back_restores_them(page, live_site):
    page.goto(live_site + "/search/")
    everything = result_count(page)
    page.get_by_label("III. Field-based missions").check()
    page.wait_for_url("**cluster=field_mission**")
    expected = Mission.objects.in_cluster("field_mission").count()
    wait_until(
        page, f"() => document.querySelector('#results-h').innerText.startsWith('{expected} ')"
    )
    assert result_count(page) == expected < everything
    assert "year_from" not in page.url and "q=" not in page.url  # no empty parameters
    # The address carries the state: opening it afresh gives the same results.
    fresh = page.context.new_page()
    fresh.goto(page.url)
    assert result_count(fresh) == expected
    assert fresh.get_by_label("III. Field-based missions").is_checked()
    fresh.close()
    page.go_back()
    wait_until(
        page, f"() => document.querySelector('#results-h').innerText.startsWith('{everything} ')"
    )
    assert "cluster=" not in page.url


def test_typing_updates_results_and_keeps_the_focus_in_the_box(page, live_site):
    page.goto(live_site + "/search/")
    page.locator("#search-q").press_sequentially("UNIPSIL", delay=30)
    page.wait_for_url("**q=UNIPSIL**")
    wait_until(page, "() => document.querySelector('#results-h').innerText.includes('UNIPSIL')")
    assert page.evaluate("() => document.activeElement.id") == "search-q"
    assert page.locator("#search-q").input_value() == "UNIPSIL"
    wait_until(page, "() => document.getElementById('live-status').innerText.includes('UNIPSIL')")
    assert result_acronyms(page)[0] == "UNIPSIL"


def test_pages_of_results_swap_in_place(page, live_site):
    page.goto(live_site + "/search/?kind=country")
    first_page = result_acronyms(page)
    page.locator("nav .pagination a", has_text="2").click()
    page.wait_for_url("**page=2**")
    wait_until(page, "() => !!document.querySelector('.pagination [aria-current=page]')")
    assert page.locator(".pagination [aria-current=page]").inner_text() == "2"
    assert set(result_acronyms(page)).isdisjoint(first_page)
    assert page.evaluate("() => document.querySelectorAll('#search-app').length") == 1


def test_search_works_without_javascript(browser, live_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_site + "/search/")
    page.get_by_label("I. Special envoys").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**cluster=envoy**")
    assert result_count(page) == Mission.objects.in_cluster("envoy").count()
    context.close()


def test_mission_page_shows_lineage_and_timeline(page, live_site):
    page.goto(live_site + "/missions/UNIPSIL/")
    nodes = page.locator("#lineage .lineage .node .acr").all_inner_texts()
    assert nodes[nodes.index("UNAMSIL") :][:4] == ["UNAMSIL", "UNIOSIL", "UNIPSIL", "UNCT-SLE"]
    timeline = page.locator("svg.timeline")
    assert timeline.is_visible()
    assert timeline.locator("rect.mandate").count() == 2
    assert timeline.locator("rect.area").count() > 5
    page.locator("#lineage .lineage a", has_text="UNIOSIL").click()
    page.wait_for_url("**/missions/UNIOSIL/")
    assert "UNIOSIL" in page.locator("h1").inner_text()


def test_trends_draws_a_chart_with_the_seed_figures(page, live_site):
    page.goto(live_site + "/trends/")
    page.wait_for_selector("#trend-chart[data-drawn]")
    data = page.evaluate(
        """() => {
          const chart = Chart.getChart(document.getElementById('trend-chart'));
          const i = chart.data.labels.indexOf(2013);
          return chart.data.datasets.map(d => ({label: d.label, at2013: d.data[i]}));
        }"""
    )
    assert data[0] == {"label": "Registry", "at2013": 15}
    assert data[1]["at2013"] == 15 and "A/68/223" in data[1]["label"]
    # Changing the metric updates the chart in place and the address.
    page.select_option("#t-metric", "mean_mandate_areas")
    page.wait_for_url("**metric=mean_mandate_areas**")
    wait_until(
        page,
        "() => { const c = Chart.getChart(document.getElementById('trend-chart'));"
        " return !!c && c.data.datasets[0].data.some(v => v !== null && v % 1 !== 0); }",
    )
    assert "Mean number of mandate areas" in page.locator("#trend-h").inner_text()


def test_csv_download_matches_the_page(page, live_site):
    page.goto(live_site + "/search/?q=Sierra+Leone&sort=acronym")
    on_page = result_acronyms(page)
    with page.expect_download() as download:
        page.click("a[data-download=csv]")
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert [row[0] for row in rows[1:]] == on_page
    assert len(on_page) == result_count(page) > 3


def test_landscape_on_1_july_2013_shows_37_missions(page, live_site):
    page.goto(live_site + "/")
    page.fill("#home-as-of", "2013-07-01")
    page.click("form[action='/landscape/'] button")
    page.wait_for_url("**/landscape/?as_of=2013-07-01")
    assert page.locator("#landscape-total").inner_text() == "37"
    assert page.locator("table a[href^='/missions/']").count() == 37


def test_language_switcher_shows_the_page_in_french(page, live_site):
    page.goto(live_site + "/missions/UNIPSIL/")
    page.select_option("#language-select", "fr")
    wait_until(page, "() => document.documentElement.lang === 'fr'")
    assert page.url.endswith("/missions/UNIPSIL/")
    assert "Lignée" in page.locator("#lineage-h").inner_text()


PAGES = [
    "/",
    "/search/?q=sierra&cluster=field_mission",
    "/missions/UNIPSIL/",
    "/countries/SLE/",
    "/countries/",
    "/trends/",
    "/trends/?metric=mandate_area_share&cluster=field_mission&start=2010",
    "/landscape/?as_of=2013-07-01",
]


def test_axe_finds_no_serious_violation_on_the_main_pages(browser, live_site):
    # axe is injected as an inline script, which the site's CSP would (rightly) refuse.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    found = {}
    for path in PAGES:
        page.goto(live_site + path)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,"
            " target: v.nodes[0].target.join(' ')}))"
        )
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        if serious:
            found[path] = serious
    context.close()
    assert found == {}
