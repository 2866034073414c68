"""A difference between two rows written as one row minus itself."""

from __future__ import annotations

import pytest

from tablepilot.sql.self_difference import split_difference


@pytest.mark.parametrize(
    ("sql", "question", "read"),
    [
        (
            'SELECT "Gold" - "Gold" FROM "t" WHERE "Nation" IN (\'Tonga\', \'Fiji\')',
            "what is the difference in gold medals for fiji and tonga?",
            (
                'SELECT (SELECT "Gold" FROM "t" WHERE "Nation" = \'Fiji\') - '
                '(SELECT "Gold" FROM "t" WHERE "Nation" = \'Tonga\')'
            ),
        ),
        (
            'SELECT "MWe" - "MWe" FROM "t" WHERE "Site" = \'B\' AND "Site" = \'A\' AND "Year" = 1990',
            "the difference between site a and site b?",
            (
                'SELECT (SELECT "MWe" FROM "t" WHERE "Site" = \'A\' AND "Year" = 1990) - '
                '(SELECT "MWe" FROM "t" WHERE "Site" = \'B\' AND "Year" = 1990)'
            ),
        ),
        (
            'SELECT "x" - "x" AS gap FROM "t" WHERE "k" = \'p\' OR "k" = \'q\'',
            "how much more x has p than q?",
            'SELECT (SELECT "x" FROM "t" WHERE "k" = \'p\') - (SELECT "x" FROM "t" WHERE "k" = \'q\') AS gap',
        ),
    ],
)
def test_a_row_minus_itself_becomes_one_named_row_minus_the_other(sql: str, question: str, read: str) -> None:
    assert split_difference(sql, question) == read


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT "Gold" - "Silver" FROM "t" WHERE "Nation" IN (\'Tonga\', \'Fiji\')',  # two columns
        'SELECT "Gold" - "Gold" FROM "t" WHERE "Nation" = \'Fiji\'',  # one row named
        'SELECT "Gold" - "Gold" FROM "t" WHERE "Nation" IN (\'A\', \'B\', \'C\')',  # three
        'SELECT MAX("Gold") - MIN("Gold") FROM "t"',  # a range, rightly
        'SELECT "Gold" - "Gold" FROM "t" WHERE "Nation" IN (\'A\', \'B\') GROUP BY "Nation"',
        "SELECT FROM",
    ],
)
def test_left_alone(sql: str) -> None:
    assert split_difference(sql, "what is the difference between a and b?") is None
