"""Backup and restore: a registry restored from its export serves the same API, byte for byte."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management.color import no_style
from django.db import connection

from mandates.models import MandateArea
from missions.bundle import registry_export, registry_import
from missions.models import Document, Mission, Organization, Person
from tests.conftest import SEED_DIR

pytestmark = pytest.mark.django_db

WRITTEN_AT = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
ENDPOINTS = [
    "/api/v1/missions/?limit=500",
    "/api/v1/field-missions/?limit=500",
    "/api/v1/envoys/",
    "/api/v1/sanctions-panels/",
    "/api/v1/mandates/?limit=500",
    "/api/v1/mandate-areas/",
    "/api/v1/transitions/?limit=500",
    "/api/v1/appointments/?limit=500",
    "/api/v1/people/?limit=500",
    "/api/v1/documents/?limit=500",
    "/api/v1/missions/?limit=500&format=csv",
    "/api/v1/landscape/?as_of=2013-07-01",
]


def empty_registry() -> None:
    """Delete every registry row (not the vocabularies) and restart the ids, as a new database."""
    Mission.objects.all().delete()
    for model in (Document, Person, Organization, MandateArea):
        model.objects.all().delete()
    registry_tables = {
        model._meta.db_table
        for model in connection.introspection.installed_models(
            connection.introspection.table_names()
        )
        if model._meta.app_label in {"missions", "mandates"}
        and model.__name__ not in {"Cluster", "Region", "Country"}
        and not model.__name__.startswith("Historical")
    }
    sequences = [
        s for s in connection.introspection.sequence_list() if s["table"] in registry_tables
    ]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_by_name_sql(no_style(), sequences):
            cursor.execute(sql)


def api_output(client) -> dict[str, bytes]:
    details = [
        f"/api/v1/missions/{pk}/"
        for pk in Mission.objects.order_by("pk").values_list("pk", flat=True)[:40]
    ]
    return {url: client.get(url).content for url in ENDPOINTS + details}


def test_export_then_import_into_an_empty_registry_serves_the_same_api(client, tmp_path):
    with time_machine.travel(WRITTEN_AT, tick=False):
        empty_registry()
        registry_import(directory=SEED_DIR)
    before = api_output(client)
    assert b'"acronym":"UNIPSIL"' in before["/api/v1/missions/?limit=500"]

    registry_export(directory=tmp_path)
    with time_machine.travel(WRITTEN_AT, tick=False):
        empty_registry()
        assert not Mission.objects.exists()
        registry_import(directory=tmp_path)
    after = api_output(client)

    for url in before:
        assert after[url] == before[url], url
