from datetime import date

import pytest

from missions.dates import format_partial_date, parse_partial_date


@pytest.mark.parametrize(
    ("text", "bound", "expected"),
    [
        ("2009", "start", (date(2009, 1, 1), "year")),
        ("2009", "end", (date(2009, 12, 31), "year")),
        ("2008-02", "end", (date(2008, 2, 29), "month")),
        ("2009-02", "end", (date(2009, 2, 28), "month")),
        ("2009-02", "start", (date(2009, 2, 1), "month")),
        ("2013-07-01", "end", (date(2013, 7, 1), "day")),
        ("", "start", (None, "day")),
    ],
)
def test_partial_dates_widen_to_their_range(text, bound, expected):
    assert parse_partial_date(text, bound) == expected


@pytest.mark.parametrize(
    "text", ["2013-13-01", "2013-02-30", "13/07/2013", "July 2013", "0999", "2013-7"]
)
def test_impossible_or_malformed_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_partial_date(text, "start")


@pytest.mark.parametrize("text", ["2009", "2009-03", "2009-03-15"])
def test_a_partial_date_is_written_back_as_it_was_given(text):
    for bound in ("start", "end"):
        assert format_partial_date(*parse_partial_date(text, bound)) == text
