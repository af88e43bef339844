"""Full-text search: the stored search document, how it stays fresh, and the indexed query."""

import importlib
import re
from datetime import date
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection

from mandates.models import AreaAttestation, AreaHolding, AreaPeriod, Mandate
from missions.models import Mission
from missions.search import search_document_refresh, text_search
from missions.signals import _Refresh
from tests.conftest import SEED_DIR
from tests.factories import DocumentFactory, MandateAreaFactory, MandateFactory, MissionFactory

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("missions.migrations.0004_mission_search_document_gin_index")


def document(mission: Mission) -> str:
    return Mission.objects.values_list("search_document", flat=True).get(pk=mission.pk) or ""


def found(q: str) -> list[str]:
    return list(
        text_search(Mission.objects.all(), q)
        .order_by("-score", "acronym")
        .values_list("acronym", flat=True)
    )


# -- on every database --------------------------------------------------------------------------


def test_search_finds_a_name_an_area_and_a_document_symbol(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        area = MandateAreaFactory(slug="electoral-assistance", name="Electoral assistance")
        founded = DocumentFactory(symbol="S/RES/4321 (2021)")
        MandateFactory(
            mission=MissionFactory(
                acronym="UNXA", name="Office in Ruritania", founding_document=founded
            ),
            mandate_areas=[area],
        )
        MissionFactory(acronym="UNXB", name="Panel on Elsewhere")
    assert found("Ruritania") == ["UNXA"]
    assert found("electoral") == ["UNXA"]
    assert found("S/RES/4321") == ["UNXA"]
    assert found("UNXB") == ["UNXB"]
    assert found("zzqxnothing") == []


def test_an_empty_query_keeps_every_row_with_score_zero():
    MissionFactory(acronym="UNXA")
    assert list(text_search(Mission.objects.all(), "  ").values_list("score", flat=True)) == [0.0]


def test_sqlite_keeps_no_search_document(django_capture_on_commit_callbacks):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL stores the document")
    with django_capture_on_commit_callbacks(execute=True):
        mission = MissionFactory(acronym="UNXA")
    assert document(mission) == ""
    assert search_document_refresh(mission_ids=[mission.pk]) == 0
    out = StringIO()
    call_command("search_index_rebuild", stdout=out)
    assert "not PostgreSQL" in out.getvalue()


def held(mission: Mission) -> set[str]:
    return set(
        AreaHolding.objects.filter(mission=mission).values_list("mandate_area__slug", flat=True)
    )


def test_area_holdings_follow_the_mandates(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first, second = MissionFactory(acronym="UNXA"), MissionFactory(acronym="UNXB")
        mediation = MandateAreaFactory(slug="mediation", name="Mediation")
        policing = MandateAreaFactory(slug="policing", name="Police support")
        mandate = MandateFactory(mission=first, mandate_areas=[mediation])
        later = MandateFactory(mission=first, start_date=date(2005, 1, 1), mandate_areas=[])
        # An attestation is partial evidence, not a mandate: no holding.
        AreaAttestation.objects.create(mission=second, mandate_area=policing)
    assert held(first) == {"mediation"} and held(second) == set()

    with django_capture_on_commit_callbacks(execute=True):
        later.mandate_areas.add(mediation, policing)  # mediation twice: one row
    assert held(first) == {"mediation", "policing"}
    assert AreaHolding.objects.filter(mission=first).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        later.mission = second
        later.save()
    assert held(first) == {"mediation"} and held(second) == {"mediation", "policing"}

    with django_capture_on_commit_callbacks(execute=True):
        mediation.mandates.clear()  # from the area's side
        mandate.delete()
    assert held(first) == set() and held(second) == {"policing"}

    policing.delete()
    assert not AreaHolding.objects.exists()


def periods() -> set[tuple]:
    """The stored AreaPeriod rows."""
    return set(
        AreaPeriod.objects.values_list(
            "mandate_id", "mission_id", "mandate_area__slug", "start_date", "end_date",
            "end_unknown",
        )
    )


def periods_of_the_mandates() -> set[tuple]:
    """The AreaPeriod rows the mandates as stored call for."""
    return {
        (m.pk, m.mission_id, area.slug, m.start_date, m.end_date, m.end_unknown)
        for m in Mandate.objects.prefetch_related("mandate_areas")
        for area in m.mandate_areas.all()
    }


def test_area_periods_and_the_filter_follow_each_edit_within_its_transaction():
    # No on-commit callback runs in this test: the periods must follow every write at once.
    holding = Mission.objects.with_mandate_area
    first, second = MissionFactory(acronym="UNXA"), MissionFactory(acronym="UNXB")
    mediation = MandateAreaFactory(slug="mediation", name="Mediation")
    policing = MandateAreaFactory(slug="policing", name="Police support")
    mandate = MandateFactory(
        mission=first, start_date=date(2000, 1, 1), end_date=date(2004, 12, 31),
        mandate_areas=[mediation],
    )
    later = MandateFactory(mission=first, start_date=date(2005, 1, 1), mandate_areas=[])
    day, next_day = date(2004, 12, 31), date(2005, 1, 1)
    assert list(holding("mediation", on=day)) == [first]
    assert not holding("mediation", on=next_day).exists()
    assert periods() == periods_of_the_mandates() and len(periods()) == 1

    later.mandate_areas.add(mediation, policing)
    assert list(holding(mediation, on=next_day)) == [first]
    assert list(holding("policing", on=next_day)) == [first]

    mandate.end_date, mandate.end_unknown = None, True  # ended, no source dates the end
    mandate.save()
    assert not holding("mediation", on=day).exists()

    later.mission = second
    later.save()
    assert list(holding("policing", on=next_day)) == [second]
    assert periods() == periods_of_the_mandates() and len(periods()) == 3

    policing.mandates.add(mandate)  # from the area's side
    later.mandate_areas.remove(policing)
    assert periods() == periods_of_the_mandates() and len(periods()) == 3
    mediation.mandates.clear()
    assert not holding("mediation", on=next_day).exists()
    assert periods() == periods_of_the_mandates() and len(periods()) == 1

    mandate.delete()
    later.mandate_areas.set([policing])
    policing.delete()
    assert not AreaPeriod.objects.exists() and not periods_of_the_mandates()


def test_rebuild_and_migration_fill_recompute_the_area_periods_after_bulk_writes():
    from django.apps import apps

    fill = importlib.import_module("mandates.migrations.0004_area_period").fill
    mission = MissionFactory(acronym="UNXA")
    MandateFactory(mission=mission, mandate_areas=[MandateAreaFactory(slug="mediation")])
    two_areas = MandateAreaFactory.create_batch(2)
    MandateFactory(mission=mission, start_date=date(2010, 1, 1), mandate_areas=two_areas)
    expected = periods_of_the_mandates()
    assert len(expected) == 3
    AreaPeriod.objects.all().delete()  # as after writes that send no signal
    out = StringIO()
    call_command("search_index_rebuild", stdout=out)
    assert periods() == expected
    assert "3 mandate-area period(s) rebuilt." in out.getvalue()
    AreaPeriod.objects.all().delete()
    fill(apps, SimpleNamespace(connection=connection))
    assert periods() == expected


def test_rebuild_and_migration_fill_recompute_the_holdings_after_bulk_writes(
    django_capture_on_commit_callbacks,
):
    from django.apps import apps

    fill = importlib.import_module("mandates.migrations.0003_area_holding").fill
    with django_capture_on_commit_callbacks(execute=True):
        mission = MissionFactory(acronym="UNXA")
        MandateFactory(mission=mission, mandate_areas=[MandateAreaFactory(slug="mediation")])
    AreaHolding.objects.all().delete()  # as after writes that send no signal
    call_command("search_index_rebuild", stdout=StringIO())
    assert held(mission) == {"mediation"}
    AreaHolding.objects.all().delete()
    fill(apps, None)
    assert held(mission) == {"mediation"}


# -- PostgreSQL: the stored document ------------------------------------------------------------


@pytest.mark.postgres
def test_document_is_filled_when_a_mission_is_created(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mission = MissionFactory(
            acronym="UNXA", name="Office in Ruritania", notes="Replaced the liaison office."
        )
    doc = document(mission)
    assert "'unxa':1A" in doc
    assert re.search(r"'ruritania':\d+A", doc) and re.search(r"'liaison':\d+C", doc)


@pytest.mark.postgres
def test_document_follows_the_areas_of_a_mandate(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mandate = MandateFactory(mission=MissionFactory(acronym="UNXA"))
        electoral = MandateAreaFactory(slug="electoral", name="Electoral assistance")
    assert "elector" not in document(mandate.mission)

    with django_capture_on_commit_callbacks(execute=True):
        mandate.mandate_areas.add(electoral)
    assert "'elector':" in document(mandate.mission)

    with django_capture_on_commit_callbacks(execute=True):
        electoral.name = "Constitution-making"
        electoral.save()
    assert "'constitut':" in document(mandate.mission)
    assert "elector" not in document(mandate.mission)

    with django_capture_on_commit_callbacks(execute=True):
        electoral.mandates.clear()  # from the area's side
    assert "constitut" not in document(mandate.mission)


@pytest.mark.postgres
def test_document_follows_attestations_and_a_mandate_moving_to_another_mission(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first, second = MissionFactory(acronym="UNXA"), MissionFactory(acronym="UNXB")
        area = MandateAreaFactory(slug="mediation", name="Mediation")
        mandate = MandateFactory(mission=first, mandate_areas=[area])
        AreaAttestation.objects.create(mission=second, mandate_area=area)
        other = MandateAreaFactory(slug="policing", name="Police support")
    assert "'mediat':" in document(first) and "'mediat':" in document(second)

    with django_capture_on_commit_callbacks(execute=True):
        AreaAttestation.objects.filter(mission=second).delete()
        moved = MandateFactory(mission=first, start_date=date(2005, 1, 1), mandate_areas=[other])
    assert "'mediat':" not in document(second) and "'polic':" in document(first)

    with django_capture_on_commit_callbacks(execute=True):
        moved.mission = second
        moved.save()
    assert "'polic':" not in document(first) and "'polic':" in document(second)
    assert "'mediat':" in document(first) and mandate.mission_id == first.pk


@pytest.mark.postgres
def test_a_transaction_refreshes_its_missions_once_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        mandate = MandateFactory(mission=MissionFactory(acronym="UNXA"))
        mandate.mandate_areas.add(MandateAreaFactory(slug="mediation", name="Mediation"))
        MissionFactory(acronym="UNXB")
    refreshes = [
        c.__self__ for c in callbacks if isinstance(getattr(c, "__self__", None), _Refresh)
    ]
    assert len(refreshes) == 1
    assert refreshes[0].mission_ids == set(Mission.objects.values_list("pk", flat=True))
    assert document(mandate.mission) == ""  # not before the commit
    refreshes[0].run()
    assert "'mediat':" in document(mandate.mission)


@pytest.mark.postgres
def test_an_import_fills_every_document(django_capture_on_commit_callbacks):
    from missions.bundle import registry_import

    with django_capture_on_commit_callbacks(execute=True):
        registry_import(directory=SEED_DIR)
    assert Mission.objects.count() > 100
    assert not Mission.objects.filter(search_document__isnull=True).exists()


@pytest.mark.postgres
def test_migration_fill_rebuild_and_refresh_compute_the_same_document(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        area = MandateAreaFactory(slug="mediation", name="Mediation")
        attested = MandateAreaFactory(slug="ddr", name="DDR")
        mission = MissionFactory(acronym="UNXA", name="Office in Ruritania", notes="A note.")
        MandateFactory(mission=mission, mandate_areas=[area])
        AreaAttestation.objects.create(mission=mission, mandate_area=attested)
    refreshed = document(mission)
    assert "'ddr':" in refreshed and "'mediat':" in refreshed

    with connection.cursor() as cursor:
        cursor.execute("UPDATE missions_mission SET search_document = NULL")
        cursor.execute(MIGRATION.FILL)
    assert document(mission) == refreshed

    Mission.objects.update(search_document=None)
    out = StringIO()
    call_command("search_index_rebuild", stdout=out)
    assert document(mission) == refreshed
    assert "1 search document(s) rebuilt." in out.getvalue()


# -- PostgreSQL: the query ----------------------------------------------------------------------


@pytest.mark.postgres
def test_search_ranks_an_acronym_or_name_match_before_a_note(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        MissionFactory(acronym="UNXA", name="Office in Ruritania", notes="Sahel " * 3)
        MissionFactory(acronym="UNXB", name="Envoy for the Sahel")
        MissionFactory(acronym="SAHEL", name="Panel on Elsewhere")
        MissionFactory(acronym="UNXC", name="Unrelated Office")
    assert found("Sahel") == ["SAHEL", "UNXB", "UNXA"]
    assert found("sahel envoy") == ["UNXB"]


@pytest.mark.postgres
def test_search_uses_the_gin_index(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(30):
            MissionFactory(acronym=f"UNX{n}", name=f"Office number {n} for peacebuilding")
    with connection.cursor() as cursor:
        # SET LOCAL ends with the test's transaction; on 30 rows a sequential scan is cheaper.
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = text_search(Mission.objects.all(), "peacebuilding office").explain()
    assert MIGRATION.INDEX in plan, plan
    assert len(found("peacebuilding office")) == 30


@pytest.mark.postgres
def test_gin_index_exists():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'missions_mission' "
            "AND indexname = %s",
            [MIGRATION.INDEX],
        )
        (definition,) = cursor.fetchone()
    assert "USING gin (search_document)" in definition
