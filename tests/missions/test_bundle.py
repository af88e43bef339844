import csv
import shutil
from collections import Counter
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mandates.models import AreaAttestation, Mandate
from missions.bundle import FILES, BundleError, registry_export, registry_import
from missions.models import Appointment, Mission, Transition
from tests.conftest import SEED_DIR

pytestmark = pytest.mark.django_db


def counts():
    return (
        Mission.objects.count(),
        Mandate.objects.count(),
        Transition.objects.count(),
        Appointment.objects.count(),
        AreaAttestation.objects.count(),
    )


def write(directory: Path, file: str, rows: list[dict]):
    columns = list(rows[0]) if rows else FILES[file]
    with (directory / file).open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def mission_row(**overrides):
    row = {
        "acronym": "UNTEST",
        "name": "Test Office",
        "cluster": "field_mission",
        "kind": "country",
        "is_spm": "yes",
        "host_countries": "SLE",
        "region": "Africa",
        "start_date": "2008-10",
        "end_date": "",
        "mandating_body": "security_council",
        "source": "a test",
        "extra column": "ignored",
    }
    row.update(overrides)
    return row


def test_seed_reproduces_the_2013_annex(seeded):
    annex = Mission.objects.spm().active_on(date(2013, 7, 1))
    assert annex.count() == 37
    assert Counter(annex.values_list("cluster__slug", flat=True)) == {
        "envoy": 11,
        "sanctions_panel": 11,
        "field_mission": 15,
    }
    assert Counter(annex.values_list("mandating_body", flat=True)) == {
        "security_council": 33,
        "general_assembly": 4,
    }
    assert set(annex.values_list("acronym", flat=True)) == set(
        Mission.objects.filter(in_2013_annex=True).values_list("acronym", flat=True)
    )


def test_seed_keeps_sources_and_marks_attestations_as_partial_evidence(seeded):
    unipsil = Mission.objects.get(acronym="UNIPSIL")
    assert unipsil.source and unipsil.confidence
    assert AreaAttestation.objects.count() == 125
    assert all(a.source for a in AreaAttestation.objects.all())
    assert Mission.objects.get(acronym="UNTAC").end_unknown


def test_second_import_changes_nothing(seeded):
    before = list(Mission.objects.order_by("pk").values_list("acronym", "updated_at"))
    report = registry_import(directory=SEED_DIR)
    assert report.changed == 0
    assert list(Mission.objects.order_by("pk").values_list("acronym", "updated_at")) == before


def test_a_changed_row_updates_the_mission(tmp_path):
    write(tmp_path, "missions.csv", [mission_row()])
    registry_import(directory=tmp_path)
    write(tmp_path, "missions.csv", [mission_row(name="Renamed Office", end_date="2012")])
    report = registry_import(directory=tmp_path)
    mission = Mission.objects.get(acronym="UNTEST")
    assert (mission.name, mission.end_date, mission.end) == (
        "Renamed Office",
        date(2012, 12, 31),
        "2012",
    )
    assert report.counts["missions.csv"]["updated"] == 1


@pytest.mark.parametrize(
    ("override", "column"),
    [
        ({"cluster": "nonsense"}, "cluster"),
        ({"start_date": "2013-13-01"}, "start_date"),
        ({"start_date": "2010", "end_date": "2009"}, "end_date"),
        ({"host_countries": "XXX"}, "host_countries"),
        ({"region": "Atlantis"}, "region"),
        ({"kind": "panel_of_experts"}, "kind"),
    ],
)
def test_a_bad_row_aborts_the_whole_import_and_names_file_line_and_column(
    tmp_path, override, column
):
    write(tmp_path, "missions.csv", [mission_row(acronym="GOOD"), mission_row(**override)])
    with pytest.raises(BundleError) as info:
        registry_import(directory=tmp_path)
    assert info.value.errors[0].startswith(f"missions.csv:3: {column}: ")
    assert not Mission.objects.exists()


def test_an_unknown_acronym_in_a_transition_aborts_and_keeps_existing_data(seeded, tmp_path):
    before = counts()
    write(tmp_path, "missions.csv", [mission_row(acronym="NEWONE")])
    write(
        tmp_path,
        "transitions.csv",
        [
            {
                "from_acronym": "UNIOSIL",
                "to_acronym": "NOPE",
                "date": "2008-10-01",
                "kind": "spm_to_spm",
            }
        ],
    )
    with pytest.raises(BundleError) as info:
        registry_import(directory=tmp_path)
    assert info.value.errors == ["transitions.csv:2: to_acronym: unknown mission 'NOPE'"]
    assert counts() == before
    assert not Mission.objects.filter(acronym="NEWONE").exists()


def test_overlapping_mandates_in_a_bundle_are_rejected(tmp_path):
    write(tmp_path, "missions.csv", [mission_row(start_date="2000-01-01")])
    write(
        tmp_path,
        "mandates.csv",
        [
            {
                "acronym": "UNTEST",
                "document": "S/RES/1 (2000)",
                "in_force_from": "2000-01-01",
                "in_force_until": "2000-12-31",
                "mandate_areas": "",
            },
            {
                "acronym": "UNTEST",
                "document": "",
                "in_force_from": "2000-06-01",
                "in_force_until": "2001-05-31",
                "mandate_areas": "",
            },
        ],
    )
    with pytest.raises(BundleError) as info:
        registry_import(directory=tmp_path)
    assert info.value.errors[0].startswith("mandates.csv:3: start_date: This period overlaps")


def test_dry_run_reports_and_saves_nothing(tmp_path):
    write(tmp_path, "missions.csv", [mission_row()])
    report = registry_import(directory=tmp_path, dry_run=True)
    assert report.counts["missions.csv"]["created"] == 1
    assert not Mission.objects.exists()


def test_command_prints_every_bad_row_and_exits_2(tmp_path):
    write(
        tmp_path,
        "missions.csv",
        [mission_row(cluster="nonsense"), mission_row(acronym="B", start_date="2013-02-30")],
    )
    err = StringIO()
    with pytest.raises(CommandError) as info:
        call_command("import_registry", str(tmp_path), stderr=err)
    assert info.value.returncode == 2
    assert err.getvalue().splitlines() == [
        "missions.csv:2: cluster: unknown cluster 'nonsense' "
        "(one of envoy, sanctions_panel, field_mission, other_presence)",
        "missions.csv:3: start_date: '2013-02-30' is not a real date "
        "(day is out of range for month)",
    ]


def test_command_if_empty_leaves_a_populated_registry_alone(seeded, tmp_path):
    write(tmp_path, "missions.csv", [mission_row()])
    out = StringIO()
    call_command("import_registry", str(tmp_path), "--if-empty", stdout=out)
    assert "nothing imported" in out.getvalue()
    assert not Mission.objects.filter(acronym="UNTEST").exists()


def test_a_document_symbol_not_yet_known_is_created_from_the_symbol(tmp_path):
    write(tmp_path, "missions.csv", [mission_row(founding_document="S/RES/1829 (2008)")])
    registry_import(directory=tmp_path)
    document = Mission.objects.get(acronym="UNTEST").founding_document
    assert (document.kind, document.body, document.year) == ("resolution", "security_council", 2008)


def test_export_then_import_into_an_empty_registry_reproduces_the_data(seeded, tmp_path):
    first = tmp_path / "first"
    registry_export(directory=first)
    for model in (Transition, Appointment, Mandate, AreaAttestation, Mission):
        model.objects.all().delete()
    registry_import(directory=first)
    second = tmp_path / "second"
    registry_export(directory=second)
    for file in FILES:
        assert (first / file).read_text() == (second / file).read_text(), file
    # The export holds what the seed said, at the precision it said it.
    rows = {r["acronym"]: r for r in csv.DictReader((first / "missions.csv").open())}
    assert (rows["SA-MYANMAR"]["start_date"], rows["SA-MYANMAR"]["end_date"]) == ("1993", "2016")


def test_missing_missions_file_is_an_error(tmp_path):
    shutil.copy(SEED_DIR / "mandate_areas.csv", tmp_path)
    with pytest.raises(BundleError) as info:
        registry_import(directory=tmp_path)
    assert info.value.errors == ["missions.csv:0: -: file is missing"]
