"""Every list endpoint: constant queries, stable paging, CSV equal to JSON, trimming, bad values."""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mandates.models import MandatedTask
from missions.models import Envoy, Mission, Partnership, SanctionsPanel
from tests.factories import (
    AppointmentFactory,
    DocumentFactory,
    MandateAreaFactory,
    MandateFactory,
    MissionFactory,
    OrganizationFactory,
    PersonFactory,
    TransitionFactory,
    cluster,
    country,
)

pytestmark = pytest.mark.django_db


def _mission(**kwargs) -> Mission:
    mission = MissionFactory(founding_document=DocumentFactory(), **kwargs)
    mission.host_countries.add(country("AFG"), country("PAK"))
    area = MandateAreaFactory()
    MandatedTask.objects.create(area=area, name="monitoring")
    MandateFactory(
        mission=mission, mandate_areas=[area, MandateAreaFactory()], document=DocumentFactory()
    )
    return mission


def _envoy():
    mission = _mission(cluster=cluster("envoy"), kind="special_envoy")
    Envoy.objects.create(mission=mission, seat="home_based", joint_with=OrganizationFactory())


def _panel():
    mission = _mission(cluster=cluster("sanctions_panel"), kind="panel_of_experts")
    SanctionsPanel.objects.create(
        mission=mission, regime_document=DocumentFactory(), expertise=["arms"]
    )


def _transition():
    TransitionFactory(country=country("LBR"), document=DocumentFactory())


def _mandate():
    area = MandateAreaFactory()
    task = MandatedTask.objects.create(area=area, name="legal support")
    MandateFactory(mandate_areas=[area], document=DocumentFactory()).tasks.add(task)


BUILDERS = {
    "missions": _mission,
    "field-missions": _mission,
    "envoys": _envoy,
    "sanctions-panels": _panel,
    "transitions": _transition,
    "appointments": AppointmentFactory,
    "people": PersonFactory,
    "organizations": OrganizationFactory,
    "documents": DocumentFactory,
    "mandates": _mandate,
    "mandate-areas": lambda: MandatedTask.objects.create(area=MandateAreaFactory(), name="task"),
}


def _queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context), response.json()["count"] if "count" in response.json() else 0


@pytest.mark.parametrize("resource", sorted(BUILDERS))
@pytest.mark.parametrize("form", ["", "&format=csv", "&brief=1"])
def test_list_queries_do_not_grow_with_rows(api_client, resource, form):
    url = f"/api/v1/{resource}/?limit=500{form}"
    build = BUILDERS[resource]
    for _ in range(3):
        build()
    with CaptureQueriesContext(connection) as few:
        assert api_client.get(url).status_code == 200
    for _ in range(27):
        build()
    with CaptureQueriesContext(connection) as many:
        response = api_client.get(url)
    assert response.status_code == 200
    rows = response.content.decode().count("\n") - 1 if "csv" in form else response.json()["count"]
    assert rows >= 30
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_filtered_mission_list_queries_do_not_grow_with_matches(api_client):
    # The mandate area named; the page's keys with the count; its rows; their countries.
    area = MandateAreaFactory(slug="human-rights")
    url = "/api/v1/missions/?mandate_area=human-rights&active_on=2013-07-01&limit=500"

    def build(n):
        for _ in range(n):
            mission = _mission(start_date=date(2010, 1, 1))
            MandateFactory(mission=mission, start_date=date(2012, 1, 1), mandate_areas=[area])

    build(3)
    with CaptureQueriesContext(connection) as few:
        assert api_client.get(url).json()["count"] == 3
    build(27)
    with CaptureQueriesContext(connection) as many:
        assert api_client.get(url).json()["count"] == 30
    assert len(many) == len(few) == 4, [q["sql"] for q in many.captured_queries]


@pytest.mark.parametrize(("offset", "shown"), [(0, 4), (8, 4), (10, 2), (12, 0), (500, 0)])
def test_a_filtered_page_anywhere_gives_the_whole_count(api_client, offset, shown):
    for n in range(12):
        _mission(acronym=f"F{n:02d}", kind="special_envoy", cluster=cluster("envoy"))
    _mission(acronym="OTHER", kind="country", cluster=cluster("field_mission"))
    url = f"/api/v1/missions/?kind=special_envoy&limit=4&offset={offset}"
    body = api_client.get(url).json()
    assert body["count"] == 12
    expected = [f"F{n:02d}" for n in range(offset, min(offset + 4, 12))]
    assert [row["acronym"] for row in body["results"]] == expected
    assert len(expected) == shown


@pytest.mark.parametrize("resource", ["countries", "regions"])
def test_reference_lists_queries_do_not_grow_with_page_size(api_client, resource):
    with CaptureQueriesContext(connection) as few:
        assert api_client.get(f"/api/v1/{resource}/?limit=3").status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert api_client.get(f"/api/v1/{resource}/?limit=300").status_code == 200
    assert len(many) == len(few)


def test_mission_detail_queries_do_not_grow_with_its_history(api_client):
    mission = _mission()
    url = f"/api/v1/missions/{mission.pk}/"
    with CaptureQueriesContext(connection) as few:
        assert api_client.get(url).status_code == 200
    for year in range(2001, 2025):
        MandateFactory(
            mission=mission, start_date=date(year, 1, 1), mandate_areas=[MandateAreaFactory()]
        )
        AppointmentFactory(mission=mission, start_date=date(year, 1, 1), end_date=date(year, 6, 30))
        TransitionFactory(predecessor=mission)
    with CaptureQueriesContext(connection) as many:
        response = api_client.get(url)
    assert len(response.json()["mandates"]) == 25
    assert len(many) == len(few)


def _all_pages(client, url) -> list[int]:
    ids = []
    while url:
        body = client.get(url).json()
        ids += [row["id"] for row in body["results"]]
        url = body["next"]
    return ids


@pytest.mark.parametrize("ordering", ["", "&ordering=-end", "&ordering=start,name"])
def test_paging_through_missions_returns_each_exactly_once(seeded, api_client, ordering):
    ids = _all_pages(api_client, f"/api/v1/missions/?limit=7{ordering}")
    assert len(ids) == len(set(ids)) == Mission.objects.count()


@pytest.mark.parametrize("ordering", ["", "&ordering=-start", "&ordering=name"])
def test_paging_through_a_filtered_list_returns_each_match_once_in_order(
    seeded, api_client, ordering
):
    # A filtered page is read by its keys (a deferred join): the same rows, in the same order.
    query = f"cluster=field_mission&cluster=envoy&active_from=2005-01-01{ordering}"
    paged = _all_pages(api_client, f"/api/v1/missions/?{query}&limit=4")
    whole = [
        row["id"]
        for row in api_client.get(f"/api/v1/missions/?{query}&limit=500").json()["results"]
    ]
    expected = Mission.objects.in_cluster("field_mission", "envoy").overlapping(
        date(2005, 1, 1), None
    )
    assert paged == whole
    assert sorted(paged) == sorted(expected.values_list("pk", flat=True))
    assert len(paged) > 8


def test_csv_has_the_same_rows_as_json(seeded, api_client):
    query = "cluster=field_mission&active_on=2013-07-01&ordering=start"
    json_rows = api_client.get(f"/api/v1/missions/?{query}&limit=500").json()["results"]
    by_format = api_client.get(f"/api/v1/missions/?{query}&format=csv")
    by_accept = api_client.get(f"/api/v1/missions/?{query}", HTTP_ACCEPT="text/csv")
    assert by_format["Content-Type"].startswith("text/csv")
    assert by_format.content == by_accept.content
    rows = list(csv.DictReader(io.StringIO(by_format.content.decode())))
    assert [row["acronym"] for row in rows] == [row["acronym"] for row in json_rows]
    assert len(rows) == 15  # the field missions of the A/68/223 annex
    assert rows[0]["host_countries"] == " | ".join(json_rows[0]["host_countries"])


def test_csv_keeps_every_filtered_row_beyond_the_default_page(seeded, api_client):
    body = api_client.get("/api/v1/missions/?format=csv").content.decode()
    assert len(list(csv.DictReader(io.StringIO(body)))) == Mission.objects.count() > 50


def test_csv_neutralises_formulas(api_client):
    MissionFactory(acronym="CSVTEST", notes='=HYPERLINK("http://example.org")')
    body = api_client.get("/api/v1/missions/?format=csv").content.decode()
    assert "'=HYPERLINK" in body


def test_brief_fields_and_omit_trim_the_response(api_client):
    MissionFactory(acronym="TRIM")
    brief = api_client.get("/api/v1/missions/?brief=1").json()["results"][0]
    assert set(brief) == {"id", "url", "acronym", "name"}
    sparse = api_client.get("/api/v1/missions/?fields=acronym,start").json()["results"][0]
    assert sparse == {"acronym": "TRIM", "start": "2000-01-01"}
    omitted = api_client.get("/api/v1/missions/?omit=notes,source").json()["results"][0]
    assert "notes" not in omitted and "acronym" in omitted


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("active_on=2013-13-01", "active_on"),
        ("cluster=nonsense", "cluster"),
        ("limit=-1", "limit"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=ten", "limit"),
        ("offset=-3", "offset"),
        ("brief=perhaps", "brief"),
        ("fields=acronym,budget", "fields"),
        ("omit=budget", "omit"),
        ("activeon=2013-01-01", "activeon"),
        ("is_active=maybe", "is_active"),
        ("ordering=budget", "ordering"),
        ("active_on=2013-07-01&format=csv&country=XX", "country"),
    ],
)
def test_bad_parameter_is_a_400_naming_it(api_client, query, parameter):
    response = api_client.get(f"/api/v1/missions/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "invalid"
    assert parameter in body["errors"]


def test_detail_refuses_list_parameters(api_client):
    mission = MissionFactory()
    response = api_client.get(f"/api/v1/missions/{mission.pk}/?active_on=2013-07-01")
    assert response.status_code == 400
    assert "active_on" in response.json()["errors"]


@pytest.mark.parametrize(
    "url, expected",
    [
        (
            "/api/v1/documents/?year=2012&kind=resolution&body=security_council",
            {"S/RES/2040 (2012)"},
        ),
        ("/api/v1/documents/?symbol=S/RES/2040 (2012)", {"S/RES/2040 (2012)"}),
        ("/api/v1/documents/?year=2013", set()),
    ],
)
def test_document_filters(api_client, url, expected):
    DocumentFactory(symbol="S/RES/2040 (2012)", year=2012)
    DocumentFactory(symbol="S/PRST/2012/1", kind="presidential_statement", year=2012)
    assert {row["symbol"] for row in api_client.get(url).json()["results"]} == expected


def test_transition_filters_by_country_kind_and_dates(api_client):
    TransitionFactory(country=country("LBR"), kind="pko_to_spm", date=date(2003, 10, 1))
    TransitionFactory(country=country("SLE"), kind="spm_to_spm", date=date(2008, 10, 1))

    def kinds(query):
        return [
            row["kind"] for row in api_client.get(f"/api/v1/transitions/?{query}").json()["results"]
        ]

    assert kinds("country=lbr") == ["pko_to_spm"]
    assert kinds("kind=spm_to_spm") == ["spm_to_spm"]
    assert kinds("date_after=2003-10-01&date_before=2008-09-30") == ["pko_to_spm"]
    assert api_client.get("/api/v1/transitions/?kind=coup").status_code == 400


def test_appointment_filters_by_person_mission_and_day(api_client):
    first = AppointmentFactory(
        start_date=date(2000, 1, 1), end_date=date(2004, 12, 31), end_precision="year"
    )
    AppointmentFactory(mission=first.mission, start_date=date(2005, 1, 1))

    def ids(query):
        return [
            row["id"] for row in api_client.get(f"/api/v1/appointments/?{query}").json()["results"]
        ]

    assert ids("active_on=2004-12-31") == [first.pk]
    assert ids(f"person={first.person_id}") == [first.pk]
    assert len(ids(f"mission={first.mission_id}")) == 2


def test_mandate_filters_by_area_and_day(api_client):
    rights = MandateAreaFactory(slug="human-rights")
    old = MandateFactory(
        start_date=date(2000, 1, 1), end_date=date(2004, 12, 31), mandate_areas=[rights]
    )
    MandateFactory(mission=old.mission, start_date=date(2005, 1, 1))

    def ids(query):
        return [row["id"] for row in api_client.get(f"/api/v1/mandates/?{query}").json()["results"]]

    assert ids("mandate_area=human-rights") == [old.pk]
    assert ids("active_on=2004-06-01") == [old.pk]
    assert api_client.get("/api/v1/mandates/?mandate_area=nothing").status_code == 400


def test_partnerships_show_in_the_mission_detail(api_client):
    mission = MissionFactory()
    Partnership.objects.create(
        mission=mission,
        organization=OrganizationFactory(acronym="AU"),
        kind="joint",
        start_date=date(2007, 7, 31),
    )
    partners = api_client.get(f"/api/v1/missions/{mission.pk}/").json()["partners"]
    assert [(p["organization"]["acronym"], p["kind"]) for p in partners] == [("AU", "joint")]


# drf-flex-fields splits one value at commas and takes several whole; "a.b" keeps a and omits
# nothing at the top level.
TRIMMED = ["?fields=acronym,host_countries", "?omit=notes", "?fields=acronym,name&fields=url"]
TRIMMED += ["?fields=acronym&fields=name,url", "?fields=region.slug", "?omit=notes.x,url"]
FILTERED = ["?cluster=field_mission&ordering=-start", "?kind=special_envoy&brief=1"]


def _as_a_get_renders(serializer_class, instance, url: str, **kwargs) -> bytes:
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from config.api import JSONRenderer

    request = Request(APIRequestFactory().get(url))
    data = serializer_class(instance, context={"request": request}, **kwargs).data
    return JSONRenderer().render(data, "application/json")


@pytest.mark.parametrize("query", ["", "?brief=1", *TRIMMED, *FILTERED])
def test_mission_list_fast_path_matches_the_serializer(seeded, api_client, query):
    from missions.api.serializers import MissionBriefSerializer, MissionSerializer
    from missions.api.views import MISSIONS

    url = f"/api/v1/missions/{query}{'&' if query else '?'}limit=500"
    listed = api_client.get(url).json()
    serializer = MissionBriefSerializer if "brief" in query else MissionSerializer
    missions = MISSIONS.order_by("acronym", "pk")
    if "cluster" in query:
        missions = missions.in_cluster("field_mission").order_by("-start_date", "pk")
    elif "kind" in query:
        missions = missions.filter(kind="special_envoy")
    assert len(missions) > 3
    expected = _as_a_get_renders(serializer, missions, url, many=True)
    assert _render(listed["results"]) == expected


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kathmandu"])
def test_mission_list_writes_times_as_the_serializer(api_client, settings, zone):
    # The list reads its timestamps as text the database writes; DRF writes the datetimes.
    from missions.api.serializers import MissionSerializer
    from missions.api.views import MISSIONS

    settings.TIME_ZONE = zone
    whole, fraction = _mission(acronym="A"), _mission(acronym="B")
    Mission.objects.filter(pk=whole.pk).update(
        created_at=timezone.make_aware(timezone.datetime(2011, 7, 9, 0, 0, 0)),
        updated_at=timezone.make_aware(timezone.datetime(2011, 7, 9, 12, 30, 5)),
    )
    Mission.objects.filter(pk=fraction.pk).update(
        updated_at=timezone.make_aware(timezone.datetime(2011, 7, 9, 12, 30, 5, 120000))
    )
    url = "/api/v1/missions/"
    listed = api_client.get(url).json()["results"]
    expected = _as_a_get_renders(MissionSerializer, MISSIONS.order_by("acronym"), url, many=True)
    assert _render(listed) == expected
    utc = "Z" if zone == "UTC" else "+05:45"
    assert listed[0]["updated_at"].endswith(f":05{utc}")
    assert listed[1]["updated_at"].endswith(f":05.120000{utc}")


def test_mission_list_last_modified_is_its_newest_row(api_client):
    older, newer = _mission(acronym="A"), _mission(acronym="B")
    stamps = {older: (2011, 7, 9, 12, 30, 5, 999999), newer: (2011, 7, 9, 12, 30, 6)}
    for mission, moment in stamps.items():
        moment = timezone.make_aware(timezone.datetime(*moment), timezone.get_fixed_timezone(0))
        Mission.objects.filter(pk=mission.pk).update(updated_at=moment)
    assert api_client.get("/api/v1/missions/")["Last-Modified"] == "Sat, 09 Jul 2011 12:30:06 GMT"
    response = api_client.get("/api/v1/missions/?ordering=acronym&brief=1&limit=1")
    assert response["Last-Modified"] == "Sat, 09 Jul 2011 12:30:05 GMT"


def _render(data) -> bytes:
    from config.api import JSONRenderer

    return JSONRenderer().render(data, "application/json")


def _mission_with_everything() -> Mission:
    from mandates.models import AreaAttestation, Benchmark

    mission = _mission(base="Kabul", source="S/RES/1 | https://example.org/a |  ")
    Envoy.objects.create(mission=mission, seat="home_based", joint_with=OrganizationFactory())
    SanctionsPanel.objects.create(
        mission=mission, regime_document=DocumentFactory(), expertise=["arms", "finance"], experts=5
    )
    # Two mandates in force today (a handover day) holding one area each, and an old one.
    today = timezone.localdate()
    shared = MandateAreaFactory(name="Aaa")
    MandateFactory(mission=mission, start_date=today, mandate_areas=[shared, MandateAreaFactory()])
    MandateFactory(
        mission=mission,
        start_date=date(2011, 1, 1),
        end_date=today,
        mandate_areas=[shared],
        document=DocumentFactory(),
    )
    AppointmentFactory(mission=mission, start_date=date(2009, 1, 1), start_precision="year")
    AppointmentFactory(mission=mission, start_date=date(2003, 3, 1), end_date=date(2008, 12, 31))
    Partnership.objects.create(
        mission=mission,
        organization=OrganizationFactory(),
        kind="joint",
        start_date=date(2007, 7, 1),
    )
    TransitionFactory(predecessor=mission, country=country("AFG"), document=DocumentFactory())
    TransitionFactory(successor=mission, date=date(1999, 1, 1))
    AreaAttestation.objects.create(mission=mission, mandate_area=shared, from_year=2004)
    Benchmark.objects.create(mission=mission, text="Elections held", adopted_date=date(2012, 1, 1))
    Benchmark.objects.create(mission=mission, text="Handover", document=DocumentFactory())
    return mission


def test_mission_detail_fast_path_matches_the_serializer(seeded, api_client):
    from missions.api.serializers import MissionDetailSerializer
    from missions.api.views import MISSION_DETAIL

    _mission_with_everything()
    for mission in MISSION_DETAIL.all():
        url = f"/api/v1/missions/{mission.pk}/"
        response = api_client.get(url)
        assert response.content == _as_a_get_renders(MissionDetailSerializer, mission, url), url


@pytest.mark.parametrize("query", [*TRIMMED, "?fields=mandates.id,heads&omit=heads.id"])
def test_mission_detail_fast_path_trims_as_the_serializer(api_client, query):
    from missions.api.serializers import MissionDetailSerializer
    from missions.api.views import MISSION_DETAIL

    mission = MISSION_DETAIL.get(pk=_mission_with_everything().pk)
    url = f"/api/v1/missions/{mission.pk}/{query}"
    assert api_client.get(url).content == _as_a_get_renders(MissionDetailSerializer, mission, url)


def test_mission_detail_fast_path_writes_times_in_the_current_zone(api_client, settings):
    from missions.api.serializers import MissionDetailSerializer
    from missions.api.views import MISSION_DETAIL

    settings.TIME_ZONE = "Asia/Kathmandu"
    mission = MISSION_DETAIL.get(pk=_mission_with_everything().pk)
    url = f"/api/v1/missions/{mission.pk}/"
    body = api_client.get(url).content
    assert body == _as_a_get_renders(MissionDetailSerializer, mission, url)
    assert b"+05:45" in body


def test_mission_detail_is_a_404_for_ids_no_mission_has(api_client):
    mission = MissionFactory()
    for pk in ["0", "-1", "abc", str(2**63), str(-(2**63) - 1), "99999999999999999999"]:
        response = api_client.get(f"/api/v1/missions/{pk}/")
        assert response.status_code == 404, pk
        # The body says what happened, as every error of the API does.
        assert response.json() == {"detail": "Not found.", "code": "not_found"}, pk
    # Any text int() reads names the same mission, as the ORM's lookup did.
    assert api_client.get(f"/api/v1/missions/0{mission.pk}/").json()["id"] == mission.pk


@pytest.mark.parametrize(
    "url, parameter",
    [
        ("/api/v1/appointments/?person=99999999999999999999", "person"),
        ("/api/v1/appointments/?mission=99999999999999999999", "mission"),
        ("/api/v1/transitions/?mission=99999999999999999999", "mission"),
        ("/api/v1/mandates/?mission=99999999999999999999", "mission"),
        ("/api/v1/missions/?offset=99999999999999999999", "offset"),
    ],
)
def test_huge_numbers_are_a_400_not_an_overflow(api_client, url, parameter):
    response = api_client.get(url)
    assert response.status_code == 400
    assert parameter in response.json()["errors"]


def test_a_body_nested_too_deep_is_a_400(alice_client):
    body = "[" * 5000 + "]" * 5000
    response = alice_client.post("/api/v1/missions/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize("parameter", ["country", "mandate_area", "region", "q", "cluster"])
def test_a_nul_character_is_a_400_on_every_database(api_client, parameter):
    response = api_client.get("/api/v1/missions/", {parameter: "AF\x00G"})
    assert response.status_code == 400
    assert parameter in response.json()["errors"]


def test_a_nul_character_in_a_written_key_is_a_400(alice_client):
    payload = {
        "acronym": "UNNUL",
        "name": "Nul",
        "cluster": "field_mission",
        "kind": "country",
        "host_countries": ["AF\x00G"],
        "start": "2001",
    }
    response = alice_client.post("/api/v1/missions/", payload, format="json")
    assert response.status_code == 400
    assert "host_countries" in response.json()["errors"]
