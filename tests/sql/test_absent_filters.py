"""Filters on columns no table has, naming what the question names: the table's own subject."""

from __future__ import annotations

import pytest

from tablepilot.sql.absent_filters import drop_absent_filters

COLUMNS = {"films": ["Year", "Film", "Banner", "Note"], "chart": ["Position", "Song Title", "Sales"]}


@pytest.mark.parametrize(
    ("question", "sql", "mended", "dropped"),
    [
        (
            "what is the total amount of movies venus pictures produced for film director c.v. sridhar?",
            'SELECT COUNT(*) FROM "films" WHERE "Banner" = \'Venus Pictures\' AND "Director" = \'C.V. Sridhar\'',
            'SELECT COUNT(*) FROM "films" WHERE "Banner" = \'Venus Pictures\'',
            ["\"Director\" = 'C.V. Sridhar'"],
        ),
        (
            "how many singles topped 1,000,000 sales in 1995?",
            'SELECT COUNT(*) FROM chart WHERE "Sales" > 1000000 AND ("Year" = 1995)',
            'SELECT COUNT(*) FROM chart WHERE "Sales" > 1000000',
            ['"Year" = 1995'],
        ),
        (
            "who was the last player selected in the first round of the 1989 draft?",
            'SELECT "Player" FROM chart WHERE "Round" = 1 AND "Year" = 1989 ORDER BY "Position" DESC LIMIT 1',
            'SELECT "Player" FROM chart ORDER BY "Position" DESC LIMIT 1',
            ['"Round" = 1', '"Year" = 1989'],
        ),
        (
            "how many singles sold by elvis?",
            "SELECT COUNT(*) FROM chart WHERE \"Singer\" ILIKE '%Elvis%'",
            "SELECT COUNT(*) FROM chart",
            ["\"Singer\" ILIKE '%Elvis%'"],
        ),
    ],
)
def test_the_condition_on_the_missing_column_is_left_out(
    question: str, sql: str, mended: str, dropped: list[str]
) -> None:
    assert drop_absent_filters(sql, question, COLUMNS) == (mended, dropped)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT COUNT(*) FROM chart WHERE \"Singer\" = 'Elvis Presley'",  # "presley" is not asked
        'SELECT "Year" FROM chart WHERE "Year" = 1995',  # selected too: it fails all the same
        "SELECT COUNT(*) FROM (SELECT * FROM chart) WHERE \"Singer\" = 'elvis'",  # a subquery's columns
        'SELECT COUNT(*) FROM chart WHERE "Sales" > 1995',  # a column the table has
        'SELECT COUNT(*) FROM chart WHERE "Singer" = \'elvis\' OR "Sales" > 5',  # not a top-level AND
        'SELECT COUNT(*) FROM chart WHERE "Year" = "Sales"',
        "SELECT COUNT(*) FROM",
    ],
)
def test_other_queries_are_left_alone(sql: str) -> None:
    assert drop_absent_filters(sql, "how many singles by elvis in 1995?", COLUMNS) is None
