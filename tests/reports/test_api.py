"""/api/v1/stats/ and /api/v1/landscape/: answers, CSV, and 400s naming the parameter."""

import csv
import io
from datetime import UTC, date, datetime
from unittest import mock

import pytest
from django.utils import timezone

from reports.models import StatisticSnapshot
from tests.factories import MandateAreaFactory, MandateFactory, MissionFactory, cluster

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    hr = MandateAreaFactory(slug="human-rights")
    field = MissionFactory(acronym="FM", start_date=date(1995, 3, 1))
    MandateFactory(mission=field, start_date=date(1995, 3, 1), mandate_areas=[hr])
    MissionFactory(acronym="ENV", cluster=cluster("envoy"), kind="special_envoy",
                   mandating_body="general_assembly", start_date=date(2010, 1, 1),
                   end_date=date(2014, 12, 31))
    MissionFactory(acronym="PKO", cluster=cluster("other_presence"), kind="peacekeeping",
                   category="peacekeeping_operation", start_date=date(2000, 1, 1))


def test_the_catalogue_lists_every_metric(api_client):
    answer = api_client.get("/api/v1/stats/").json()
    names = [m["metric"] for m in answer["results"]]
    assert names == [
        "active_missions", "established", "closed", "mean_mandate_areas", "mandate_area_share",
        "mean_duration_years", "women_heads_share",
    ]
    share = answer["results"][4]
    assert "mandate_area" in share["parameters"]
    assert share["url"].endswith("/api/v1/stats/mandate_area_share/")


def test_a_series_is_computed_stored_and_served(api_client, world):
    url = "/api/v1/stats/active_missions/?cluster=field_mission&start=1990&end=2013&reference=07-01"
    answer = api_client.get(url).json()
    assert answer["metric"] == "active_missions"
    assert answer["parameters"]["cluster"] == "field_mission"
    assert (answer["parameters"]["start"], answer["parameters"]["end"]) == (1990, 2013)
    assert answer["stale"] is False and answer["computed_at"]
    assert [r["year"] for r in answer["results"]] == list(range(1990, 2014))
    assert answer["results"][5] == {"year": 1995, "value": 1, "n": 1}
    assert answer["results"][4] == {"year": 1994, "value": 0, "n": 0}
    assert StatisticSnapshot.objects.count() == 1
    assert api_client.get(url).json()["computed_at"] == answer["computed_at"]


def test_the_default_range_runs_from_the_first_year_in_the_data_to_this_year(api_client, world):
    results = api_client.get("/api/v1/stats/active_missions/").json()["results"]
    assert (results[0]["year"], results[-1]["year"]) == (1995, timezone.localdate().year)


def test_category_widens_and_split_groups(api_client, world):
    url = "/api/v1/stats/active_missions/?start=2013&end=2013"
    assert api_client.get(url).json()["results"][0]["value"] == 2
    assert api_client.get(url + "&category=all").json()["results"][0]["value"] == 3
    rows = api_client.get(url + "&split=mandating_body").json()["results"]
    assert {r["mandating_body"]: r["value"] for r in rows} == {
        "general_assembly": 1, "security_council": 1,
    }


def test_mandate_area_share_for_one_area_is_a_fraction(api_client, world):
    url = "/api/v1/stats/mandate_area_share/?mandate_area=human-rights&start=2013&end=2013"
    assert api_client.get(url).json()["results"] == [
        {"year": 2013, "mandate_area": "human-rights", "value": 1.0, "n": 1, "missions": 1}
    ]


def test_a_series_downloads_as_csv(api_client, world):
    response = api_client.get("/api/v1/stats/active_missions/?start=2012&end=2013&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows == [
        {"year": "2012", "value": "2", "n": "2"}, {"year": "2013", "value": "2", "n": "2"},
    ]


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("reference=13-01", "reference"),
        ("reference=02-29", "reference"),
        ("start=abc", "start"),
        ("start=1800", "start"),
        ("end=2999", "end"),
        ("start=2010&end=2000", "start"),
        ("category=spaceships", "category"),
        ("cluster=nowhere", "cluster"),
        ("region=atlantis", "region"),
        ("mandating_body=parliament", "mandating_body"),
        ("split=colour", "split"),
        ("mandate_area=human-rights", "mandate_area"),
        ("clusters=envoy", "clusters"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(api_client, world, query, parameter):
    response = api_client.get(f"/api/v1/stats/active_missions/?{query}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [parameter]


def test_an_unknown_mandate_area_is_400(api_client, world):
    response = api_client.get("/api/v1/stats/mandate_area_share/?mandate_area=astrology")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["mandate_area"]


def test_an_unknown_metric_is_404(api_client):
    assert api_client.get("/api/v1/stats/happiness/").status_code == 404


def test_the_landscape_on_a_date(api_client, world):
    answer = api_client.get("/api/v1/landscape/?as_of=2013-07-01").json()
    assert answer["as_of"] == "2013-07-01"
    assert answer["total"] == 2
    assert answer["by_cluster"] == {"envoy": 1, "field_mission": 1}
    assert answer["by_mandating_body"] == {"general_assembly": 1, "security_council": 1}
    assert answer["by_region"] == {"africa": 2}
    assert answer["by_base"] == {"unknown": 2}
    assert [(g["cluster"], [m["acronym"] for m in g["missions"]]) for g in answer["missions"]] == [
        ("envoy", ["ENV"]), ("field_mission", ["FM"]),
    ]
    widened = api_client.get("/api/v1/landscape/?as_of=2013-07-01&category=all").json()
    assert widened["total"] == 3


def test_the_landscape_is_live(api_client, world):
    assert api_client.get("/api/v1/landscape/?as_of=2020-01-01").json()["total"] == 1
    MissionFactory(acronym="LATE", start_date=date(2019, 1, 1))
    assert api_client.get("/api/v1/landscape/?as_of=2020-01-01").json()["total"] == 2


def test_the_landscape_downloads_its_missions_as_csv(api_client, world):
    response = api_client.get("/api/v1/landscape/?as_of=2013-07-01&format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["cluster"], r["acronym"]) for r in rows] == [
        ("envoy", "ENV"), ("field_mission", "FM"),
    ]


@pytest.mark.parametrize(
    "query, parameter",
    [("as_of=2013-13-01", "as_of"), ("category=ufo", "category"), ("on=2013-01-01", "on")],
)
def test_bad_landscape_parameters_are_400(api_client, query, parameter):
    response = api_client.get(f"/api/v1/landscape/?{query}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [parameter]


def test_an_unknown_metric_of_any_spelling_is_a_json_404(api_client):
    response = api_client.get("/api/v1/stats/no such metric!/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_the_landscape_and_the_series_refuse_a_category_alike(api_client):
    series = api_client.get("/api/v1/stats/active_missions/?category=ufo").json()
    landscape = api_client.get("/api/v1/landscape/?category=ufo").json()
    assert landscape["errors"] == series["errors"]
    assert api_client.get("/api/v1/landscape/?category= all ").status_code == 200


def test_today_follows_the_time_zone_setting(api_client, world, settings):
    # 05:00 UTC on 1 January 2031 is still 31 December 2030 in Los Angeles.
    settings.TIME_ZONE = "America/Los_Angeles"
    moment = datetime(2031, 1, 1, 5, 0, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        assert api_client.get("/api/v1/landscape/").json()["as_of"] == "2030-12-31"
        answer = api_client.get("/api/v1/stats/active_missions/").json()
        assert answer["parameters"]["end"] == answer["results"][-1]["year"] == 2030
        assert api_client.get("/api/v1/stats/active_missions/?end=2031").status_code == 400


def test_serving_a_series_records_the_read(api_client, world):
    api_client.get("/api/v1/stats/closed/?region=africa")
    assert StatisticSnapshot.objects.get(metric="closed").last_read_at is not None
