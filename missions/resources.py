"""Bulk import and export for the admin: the bundle's columns, in CSV or Excel, with a preview.

Rows go through missions/bundle.py, so the admin, the `import_registry` command and the
exporter share one set of columns and one set of rules. An import is all or nothing.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from .bundle import FILES, BundleError, export_rows, registry_import_rows
from .tables import CONTENT_TYPES, restore, table_response

__all__ = [
    "FORMATS",
    "ImportPreview",
    "UploadError",
    "export_response",
    "import_preview",
    "read_upload",
]

FORMATS = {
    "csv": (CONTENT_TYPES["csv"], "CSV"),
    "xlsx": (CONTENT_TYPES["xlsx"], "Excel"),
}
# The columns that name a row in a preview, by file.
KEYS = {
    "missions.csv": ["acronym"],
    "mandates.csv": ["acronym", "in_force_from"],
    "transitions.csv": ["from_acronym", "to_acronym"],
    "appointments.csv": ["acronym", "person", "start_date"],
}
_ERROR = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<column>[^:]+): (?P<message>.*)$", re.S)


class UploadError(Exception):
    """The uploaded file could not be read as a table."""


def _text(value) -> str:
    # Excel turns "2009" into a number and "2009-03-15" into a date; give them back as typed.
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_upload(upload) -> tuple[list[str], list[dict]]:
    """Return the header and the rows of an uploaded CSV or Excel file."""
    name = PurePath(upload.name or "").suffix.lower()
    content = upload.read()
    if name == ".xlsx" or content[:2] == b"PK":
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # openpyxl raises many kinds on a damaged file
            raise UploadError(_("This is not a readable Excel file (%s).") % exc) from None
        table = [[_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
        while table and not any(table[-1]):
            table.pop()
        if not table:
            raise UploadError(_("The file is empty."))
        header = [column.strip() for column in table[0]]
        return header, [dict(zip(header, row, strict=False)) for row in table[1:]]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError(_("A CSV file must be encoded in UTF-8.")) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise UploadError(_("The file is empty."))
    # Undo the quote our own CSV export puts before formula-like text (missions/tables.py).
    rows = [
        {key: restore(value) if isinstance(value, str) else value for key, value in row.items()}
        for row in reader
    ]
    return [column.strip() for column in reader.fieldnames], rows


def export_response(file: str, queryset, fmt: str) -> HttpResponse:
    """Return the rows of `queryset` as bundle file `file`, in CSV or Excel, as a download."""
    columns = FILES[file]
    rows = (
        [_text(row.get(column, "")) for column in columns] for row in export_rows(file, queryset)
    )
    stem = file.removesuffix(".csv")
    return table_response(fmt, columns, rows, filename=stem, sheet=stem)


@dataclass
class PreviewRow:
    line: int
    key: str
    outcome: str  # created, updated, unchanged or rejected
    fields: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportPreview:
    """What importing a file would do, row by row; `ok` when nothing would be rejected."""

    file: str
    rows: list[PreviewRow]
    file_errors: list[str]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(row.errors for row in self.rows)

    @property
    def rows_by_interest(self) -> list[PreviewRow]:
        """Rejected rows first, then created and changed ones, then the unchanged."""
        order = {"rejected": 0, "created": 1, "updated": 2, "unchanged": 3}
        return sorted(self.rows, key=lambda row: (order[row.outcome], row.line))

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def counts(self) -> dict[str, int]:
        return {o: self.count(o) for o in ("created", "updated", "unchanged", "rejected")}


def import_preview(
    *, file: str, header: list[str], rows: list[dict], dry_run: bool
) -> ImportPreview:
    """Run the bundle import of `rows` (rolled back when `dry_run`) and describe every row."""
    try:
        report = registry_import_rows(file=file, header=header, rows=rows, dry_run=dry_run)
        errors: list[str] = []
    except BundleError as exc:
        report, errors = exc.report, exc.errors
    by_line: dict[int, list[str]] = {}
    file_errors = []
    for error in errors:
        match = _ERROR.match(error)
        if match and match["file"] == file and int(match["line"]) >= 2:
            column = match["column"]
            message = match["message"] if column == "-" else f"{column}: {match['message']}"
            by_line.setdefault(int(match["line"]), []).append(message)
        else:
            file_errors.append(error)
    outcomes = report.rows.get(file, {}) if report else {}
    preview = []
    # A file-level error (a key column missing) stops every row: list none as if it would pass.
    for line, row in enumerate([] if file_errors else rows, start=2):
        key = " / ".join((row.get(column) or "").strip() for column in KEYS.get(file, []))
        outcome, fields = outcomes.get(line, ("unchanged", []))
        if line in by_line:
            outcome = "rejected"
        preview.append(PreviewRow(line, key, outcome, fields, by_line.get(line, [])))
    return ImportPreview(file=file, rows=preview, file_errors=file_errors)
