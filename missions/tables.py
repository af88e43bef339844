"""Tables for spreadsheets: CSV and Excel downloads whose text a spreadsheet will not run.

A spreadsheet runs a cell that starts with = + - @ (and, in some, a tab or a carriage
return) as a formula: text from the registry must never do that (CSV injection). In CSV such
text gets a leading apostrophe, the spreadsheets' own mark for "this is text"; `restore` takes
it off again when a file we wrote comes back as an upload. In Excel the cell is typed as text.
"""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

__all__ = ["CONTENT_TYPES", "neutralise", "restore", "table_response"]

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_FORMULA_STARTS = frozenset("=+-@\t\r")
# Text that already starts with an apostrophe before one of those (or before another
# apostrophe) is quoted once more, so that `restore` gives back exactly what was written.
_QUOTED_STARTS = _FORMULA_STARTS | {"'"}


def neutralise(value):
    """Return `value` with a leading apostrophe if a spreadsheet would run it as a formula."""
    if isinstance(value, str) and (
        value[:1] in _FORMULA_STARTS or (value[:1] == "'" and value[1:2] in _QUOTED_STARTS)
    ):
        return "'" + value
    return value


def restore(value: str) -> str:
    """Return the text `neutralise` was given for `value` (the inverse, for uploads)."""
    if value[:1] == "'" and value[1:2] in _QUOTED_STARTS:
        return value[1:]
    return value


def _xml_safe(value):
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def table_response(
    fmt: str, header: Sequence[str], rows: Iterable[Sequence], *, filename: str, sheet: str
) -> HttpResponse:
    """Return `header` and `rows` as a CSV or .xlsx download named `filename`.`fmt`.

    Empty values (None or "") stay empty cells; dates and numbers keep their type in Excel.
    """
    if fmt == "xlsx":
        book = Workbook()
        table = book.active
        table.title = sheet
        table.append(list(header))
        for row in rows:
            # XML forbids most control characters; openpyxl would raise on them.
            table.append([_xml_safe(value) for value in row])
            for cell in table[table.max_row]:
                if cell.data_type == "f":  # openpyxl takes any text starting with "=" for one
                    cell.data_type = "s"
        table.freeze_panes = "A2"
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPES[fmt])
    elif fmt == "csv":
        response = HttpResponse(content_type=CONTENT_TYPES[fmt])
        writer = csv.writer(response, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([neutralise(value) for value in row] for row in rows)
    else:
        raise ValueError(f"unknown table format {fmt!r}")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
