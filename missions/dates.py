"""Imprecise dates: "2009", "2009-03" or "2009-03-15", stored as one date and a precision.

DOMAIN.md: an imprecise start counts from the first day of its range and an imprecise end to
the last day of its range. The registry stores each bound already widened that way, so every
"active on D" query is a plain comparison and the precision only changes how a date is shown.
"""

import calendar
import re
from datetime import date
from typing import Literal

from .choices import DatePrecision

__all__ = ["format_partial_date", "parse_partial_date", "widen"]

Bound = Literal["start", "end"]
_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def widen(day: date, precision: str, bound: Bound) -> date:
    """Return the first (start) or last (end) day of the range `day` stands for."""
    if precision == DatePrecision.YEAR:
        return date(day.year, 1, 1) if bound == "start" else date(day.year, 12, 31)
    if precision == DatePrecision.MONTH:
        if bound == "start":
            return date(day.year, day.month, 1)
        return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    return day


def parse_partial_date(text: str, bound: Bound) -> tuple[date | None, str]:
    """Parse ISO `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; raise ValueError on anything else."""
    text = (text or "").strip()
    if not text:
        return None, DatePrecision.DAY
    match = _PATTERN.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = (int(part) if part else None for part in match.groups())
    if year < 1000:
        raise ValueError(f"{text!r} has an impossible year")
    try:
        if day is not None:
            return date(year, month, day), DatePrecision.DAY
        if month is not None:
            return widen(date(year, month, 1), DatePrecision.MONTH, bound), DatePrecision.MONTH
        return widen(date(year, 1, 1), DatePrecision.YEAR, bound), DatePrecision.YEAR
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date ({exc})") from None


def format_partial_date(day: date | None, precision: str) -> str:
    """Return the date as written at its precision: `2009`, `2009-03` or `2009-03-15`."""
    if day is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{day.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()
