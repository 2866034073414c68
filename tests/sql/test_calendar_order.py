"""Dates without a year ordered by the file's order when the file lists them in date order."""

from __future__ import annotations

import pytest

from tablepilot.sql.calendar_order import file_order_direction, ordered_by_rowid, ordered_key

SEASON = ["September 9", "September 16", "October 7", "November 25", "January 1"]


@pytest.mark.parametrize(
    ("texts", "direction"),
    [
        (SEASON, True),  # one turn of the year
        (["Mar 3", "Apr 1", "Apr 1", "May 30", None, ""], True),
        (list(reversed(SEASON)), False),
        (["Oct 7", "Jan 1", "Nov 25", "Feb 3", "Sept. 9"], None),  # in no order
        (["Jan 1", "Sep 9", "Feb 2", "Oct 3"], None),  # two turns
        (["Sep 9", "Oct 1", "Jan 1", "Sep 20"], None),  # turns past where it began
        (["January 1, 2001", "March 3, 2001", "May 5, 2001"], None),  # dated: typed columns order those
        (["Brazil", "Spain", "Peru", "Chile"], None),
        (["Sep 9", "Oct 1"], None),  # too few to tell
    ],
)
def test_file_order_direction(texts: list[str | None], direction: bool | None) -> None:
    assert file_order_direction(texts) is direction


def test_ordered_key_is_one_plain_column_of_one_table() -> None:
    assert ordered_key('SELECT "Date" FROM "t" ORDER BY "Date" LIMIT 1', "duckdb") == ("t", "Date")
    assert ordered_key('SELECT "Date" FROM "t" ORDER BY "Date", "Site"', "duckdb") is None
    assert ordered_key('SELECT a.x FROM "t" AS a JOIN "u" AS b ON a.k = b.k ORDER BY a.x', "duckdb") is None
    assert ordered_key('SELECT "Date" FROM "t" ORDER BY LENGTH("Date")', "duckdb") is None
    assert ordered_key('SELECT "Date" FROM "t"', "duckdb") is None


@pytest.mark.parametrize(
    ("ascending_file", "written", "read"),
    [
        (True, "ASC", "rowid ASC"),
        (True, "", "rowid"),
        (True, "DESC", "rowid DESC"),
        (False, "ASC", "rowid DESC"),
        (False, "DESC", "rowid ASC"),
    ],
)
def test_ordered_by_rowid(ascending_file: bool, written: str, read: str) -> None:
    sql = f'SELECT "Date" FROM "t" ORDER BY "Date" {written} LIMIT 1'.replace("  ", " ")
    assert (
        ordered_by_rowid(sql, ascending_file, "duckdb") == f'SELECT "Date" FROM "t" ORDER BY {read} LIMIT 1'
    )
