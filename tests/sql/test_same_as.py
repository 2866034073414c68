"""Leaving the named row out of "the others that share its value"."""

from __future__ import annotations

import pytest

from tablepilot.sql.same_as import ASKS_OTHERS, without_named_row


def test_the_row_the_subquery_names_is_left_out() -> None:
    sql = 'SELECT "School" FROM "t" WHERE "Left" = (SELECT "Left" FROM "t" WHERE "School" = \'Fenton\')'
    mended = (
        'SELECT "School" FROM "t" WHERE "Left" = (SELECT "Left" FROM "t" WHERE "School" = \'Fenton\') '
        "AND \"School\" <> 'Fenton'"
    )
    assert without_named_row(sql) == (
        mended,
        "\"School\" = 'Fenton'",
        "Fenton",
    )


def test_an_in_subquery_and_other_conditions() -> None:
    sql = 'SELECT "Name" FROM "t" WHERE "State" IN (SELECT "State" FROM "t" WHERE "Name" = \'Stout\') AND "Year" > 1900'
    mended = without_named_row(sql)
    assert mended is not None and mended[0].endswith("AND \"Name\" <> 'Stout'")


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT "Name" FROM "t" WHERE "State" = (SELECT "State" FROM "u" WHERE "Name" = \'Stout\')',  # another table
        'SELECT "Name" FROM "t" WHERE "State" = \'Ohio\'',  # no subquery
        'SELECT "Name" FROM "t" WHERE "State" = (SELECT MAX("State") FROM "t")',  # no named row
        'SELECT "Name" FROM "t" WHERE "State" = (SELECT "State" FROM "t" WHERE "Name" = \'S\') AND "Name" <> \'S\'',
        "SELECT FROM",
    ],
)
def test_left_alone(sql: str) -> None:
    assert without_named_row(sql) is None


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("which high school left the same year as fenton high school?", True),
        ("other director from the same state as john t. stout, jr.", True),
        ("who also won the grammy the same year as scott rudin?", True),
        ("which high school left in 1990?", False),
    ],
)
def test_asks_others(question: str, asks: bool) -> None:
    assert bool(ASKS_OTHERS.search(question)) is asks
