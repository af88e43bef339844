"""Throttling of anonymous reads, and the OpenAPI schema and its documentation pages."""

import pytest
from django.conf import settings as django_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def anon_rate(settings):
    settings.REST_FRAMEWORK = {
        **django_settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "1000/minute"},
    }


def test_anonymous_reads_are_throttled_with_retry_after(anon_rate, api_client):
    for _ in range(3):
        assert api_client.get("/api/v1/regions/").status_code == 200
    response = api_client.get("/api/v1/regions/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json()["code"] == "throttled"


def test_signed_in_clients_have_their_own_budget(anon_rate, api_client, charlie_client):
    for _ in range(4):
        api_client.get("/api/v1/regions/")
    assert charlie_client.get("/api/v1/regions/").status_code == 200


def test_anonymous_clients_are_held_to_the_anonymous_rate_only(settings, api_client):
    # A user rate stricter than the anonymous one must not throttle anonymous reads.
    settings.REST_FRAMEWORK = {
        **django_settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000/minute", "user": "2/minute"},
    }
    for _ in range(4):
        assert api_client.get("/api/v1/regions/").status_code == 200


def test_schema_documents_every_resource_filter_and_error(api_client):
    response = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for resource in [
        "missions",
        "field-missions",
        "envoys",
        "sanctions-panels",
        "mandates",
        "mandate-areas",
        "transitions",
        "countries",
        "regions",
        "documents",
        "organizations",
        "people",
        "appointments",
    ]:
        assert f"/api/v1/{resource}/" in paths and f"/api/v1/{resource}/{{id}}/" in paths
    listing = paths["/api/v1/missions/"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {
        "cluster",
        "active_on",
        "active_from",
        "mandate_area",
        "q",
        "updated_since",
        "ordering",
        "limit",
        "offset",
        "brief",
        "fields",
        "omit",
    } <= names
    cluster = next(p for p in listing["parameters"] if p["name"] == "cluster")
    assert set(cluster["schema"]["items"]["enum"]) == {
        "envoy",
        "sanctions_panel",
        "field_mission",
        "other_presence",
    }
    assert "400" in listing["responses"] and "429" in listing["responses"]
    update = paths["/api/v1/missions/{id}/"]["patch"]
    assert {"400", "401", "403", "404", "412"} <= set(update["responses"])
    assert "/api/v1/missions/{id}/history/" in paths


@pytest.mark.parametrize("page", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_documentation_pages_are_served_without_a_cdn(api_client, page):
    response = api_client.get(page)
    assert response.status_code == 200
    assert b"cdn." not in response.content and b"jsdelivr" not in response.content
