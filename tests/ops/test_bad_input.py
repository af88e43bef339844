"""The bad-input catalogue of research/reliability-performance.md (S7, S9, S13), run against
every list endpoint, the search page and the exports: never a 5xx, a 400 names the parameter,
no table changes, and markup comes back inert."""

import json

import pytest
from django.apps import apps
from django.urls import resolve, reverse

from tests.factories import (
    AppointmentFactory,
    MandateAreaFactory,
    MandateFactory,
    MissionFactory,
    TransitionFactory,
)
from tests.ops.test_authorization import EXPECTED

pytestmark = pytest.mark.django_db

API_LISTS = sorted(
    name for name, kind in EXPECTED.items() if name.startswith("api:") and name.endswith("-list")
)
PAGES = ["missions:mission_list", "reports:trends", "reports:landscape", "missions:home"]
EXPORTS = [
    ("missions:mission_export", {"fmt": "csv"}),
    ("missions:mission_export", {"fmt": "xlsx"}),
    ("reports:trends_csv", {}),
]
EXTRA_API = [
    ("api:stats-detail", {"metric": "active_missions"}),
    ("api:landscape", {}),
    ("api:stats-detail", {"metric": "mandate_area_share"}),
]

# Bad values by the kind of parameter they are aimed at; GENERIC ones go to every parameter.
GENERIC = ["", "\x00", "abc\x00def", "a" * 10_000, "null", "\ufeff", "\u202e"]
TEXT = [
    "' OR '1'='1", "1; DROP TABLE missions_mission;--", "%", "_", "\\", "\r\n", "\x1b",
    "-password", "created_by__password", "__class__", "a.b", ",".join(["name"] * 50),
    "<script>alert(1)</script>", '"><svg onload=alert(1)>', "{{7*7}}", "{% debug %}",
    "javascript:alert(1)",
]
NUMBERS = ["99999999999999999999", "-1", "0", "1e309", "NaN", "0x10", "1.5", "١٢"]
DATES = ["2020-13-45", "2020-02-30", "9999999-01-01", "0000-01-01", "-0001-01-01",
         "2020-01-01T25:00", "20130701"]
KINDS = {
    "text": ["q", "ordering", "fields", "omit", "cluster", "kind", "category", "country", "region",
             "mandate_area", "mandating_body", "reference", "format", "symbol", "body", "split",
             "metric", "gender", "name", "acronym", "iso3"],
    "number": ["limit", "offset", "year", "start", "end", "person", "mission", "page", "brief",
               "is_active", "year_from", "year_to", "predecessor", "successor", "area"],
    "date": ["active_on", "active_from", "active_to", "started_after", "started_before",
             "ended_after", "ended_before", "updated_since", "as_of", "date_after",
             "date_before"],
}
COMMON = ["q", "ordering", "limit", "offset", "format", "fields", "omit", "brief"]
SEARCH = ["q", "ordering", "page", "cluster", "kind", "region", "country", "mandate_area",
          "mandating_body", "is_active", "year_from", "year_to"]
# The exports run the search page's own code; they get the parameters that shape a download.
PAGE_PARAMETERS = {
    "/": ["q"],
    "/search/": SEARCH,
    "/search/download.csv": ["q", "ordering", "cluster", "year_from"],
    "/search/download.xlsx": ["q", "ordering", "cluster", "year_from"],
    "/landscape/": ["as_of"],
    "/trends/": ["metric", "cluster", "region", "start", "end", "reference", "split"],
    "/trends/download.csv": ["metric", "start", "reference"],
}


def payloads(parameter: str) -> list[str]:
    for kind, names in KINDS.items():
        if parameter in names:
            return GENERIC + {"text": TEXT, "number": NUMBERS, "date": DATES}[kind]
    return GENERIC + TEXT + NUMBERS + DATES


def parameters(url: str) -> list[str]:
    """Return the parameters the endpoint at `url` declares, and the common ones."""
    view = resolve(url).func
    filterset = getattr(getattr(view, "cls", None), "filterset_class", None)
    declared = list(filterset.base_filters) if filterset else []
    extra = COMMON if url.startswith("/api/") else PAGE_PARAMETERS[url]
    return sorted(set(declared + extra))


def table_counts() -> dict[str, int]:
    # Statistics snapshots are a cache that a read may fill; every registry table is counted.
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"missions", "mandates", "auth", "authtoken"}
    }


@pytest.fixture
def world(db):
    area = MandateAreaFactory(slug="human-rights")
    old = MissionFactory(acronym="UNOLD", end_date="2004-12-31")
    new = MissionFactory(acronym="UNNEW", start_date="2005-01-01")
    MandateFactory(mission=new, mandate_areas=[area])
    AppointmentFactory(mission=old)
    TransitionFactory(predecessor=old, successor=new)


def targets() -> list[str]:
    urls = [reverse(name) for name in API_LISTS]
    urls += [reverse(name, kwargs=kwargs) for name, kwargs in EXTRA_API + EXPORTS]
    urls += [reverse(name) for name in PAGES]
    return urls


def names_the_parameter(response, parameter: str) -> bool:
    if response["Content-Type"].startswith("application/json"):
        return parameter in json.dumps(response.json())
    return parameter in response.content.decode(errors="replace")


def test_no_bad_value_gives_a_server_error_or_changes_data(client, world):
    before = table_counts()
    failures = []
    for url in targets():
        for parameter in parameters(url):
            for payload in payloads(parameter):
                response = client.get(url, {parameter: payload})
                if response.status_code >= 500:
                    failures.append((url, parameter, repr(payload[:40]), response.status_code))
                elif (
                    response.status_code == 400
                    and url.startswith("/api/")
                    and not (names_the_parameter(response, parameter))
                ):
                    failures.append((url, parameter, repr(payload[:40]), "400 without the name"))
    assert failures == []
    assert table_counts() == before


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "{{7*7}}",
        "</script><script>alert(1)</script>",
    ],
)
def test_markup_in_queries_and_stored_data_renders_inert(client, world, payload):
    MissionFactory(acronym="UNXSS", name=f"Mission {payload}", notes=payload)
    pages = [
        f"/search/?q={payload}",
        "/search/?q=Mission",
        "/missions/UNXSS/",
        "/api/v1/missions/?format=api",
    ]
    if "<" in payload:
        for url in pages:
            assert payload not in client.get(url).content.decode(), url
    detail = client.get("/missions/UNXSS/").content.decode()
    if "<" in payload:
        assert "&lt;" in detail
    else:
        assert payload in detail and "49" not in detail.split(payload)[0][-5:]


def test_odd_methods_are_refused_with_allow(client, world):
    response = client.generic("TRACE", "/api/v1/missions/")
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert client.delete("/api/v1/missions/").status_code in (401, 405)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"acronym":', "application/json"),
        ("acronym=X", "text/plain"),
        ('{"acronym": 1e999}', "application/json"),
        ("[" * 5000 + "]" * 5000, "application/json"),
    ],
)
def test_malformed_bodies_are_4xx_and_write_nothing(client, world, alice, body, content_type):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=alice)
    before = table_counts()
    response = client.post(
        "/api/v1/missions/",
        body,
        content_type=content_type,
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert 400 <= response.status_code < 500
    assert table_counts() == before


@pytest.mark.parametrize("header", ["Token ", "Token x", "Bearer abc", "Token abc\n", "Basic Og=="])
def test_bad_tokens_are_401(client, world, header):
    assert client.post("/api/v1/missions/", {}, HTTP_AUTHORIZATION=header).status_code == 401


def test_a_token_in_the_query_string_is_ignored(client, world, alice):
    from rest_framework.authtoken.models import Token

    key = Token.objects.create(user=alice).key
    assert client.post(f"/api/v1/missions/?token={key}&auth_token={key}", {}).status_code == 401


def test_a_forged_host_is_refused(client, world):
    assert client.get("/api/v1/missions/", HTTP_HOST="evil.example").status_code == 400
