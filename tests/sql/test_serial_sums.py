"""A sum of a column that numbers the rows becomes a count."""

from __future__ import annotations

from tablepilot.sql.serial_sums import counted_serials


def test_a_summed_serial_is_counted() -> None:
    sql = 'SELECT SUM("No.") FROM "t" WHERE "City" = \'Itano\''
    assert counted_serials(sql, lambda c: c == "No.") == (
        'SELECT COUNT("No.") FROM "t" WHERE "City" = \'Itano\'',
        "No.",
    )


def test_other_sums_stay() -> None:
    assert counted_serials('SELECT SUM("Wins") FROM "t"', lambda c: c == "No.") is None
    assert counted_serials('SELECT SUM(DISTINCT "No.") FROM "t"', lambda c: c == "No.") is None
    assert counted_serials("not sql (", lambda c: True) is None
