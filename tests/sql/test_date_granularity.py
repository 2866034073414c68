"""A whole date pinned where the question names only a year or a month."""

from __future__ import annotations

import pytest

from tablepilot.sql.date_granularity import asked_grain, coarser_dates

TYPES = {"t": {"Date": "DATE", "Date_text": "VARCHAR", "Opponent": "VARCHAR"}}


@pytest.mark.parametrize(
    ("question", "grain"),
    [
        ("how many matches were in 2007?", ({2007}, set())),
        ("what are the number of titles with a date of november?", (set(), {11})),
        ("who did they play in nov. 2007?", ({2007}, {11})),
        ("which games were played in may 2007?", ({2007}, {5})),
        ("who may have won in 2007?", ({2007}, set())),  # "may" the verb
        ("what happened on november 6, 1914?", None),
        ("the game after the one on 6th of november", None),
        ("who played on 11/06/1914?", None),
        ("how many goals were scored?", (set(), set())),
        ("what was the first film released in 2002?", None),  # the pinned day may be the first
        ("who did they play after november 2007?", None),
    ],
)
def test_the_grain_a_question_asks(question: str, grain: tuple[set[int], set[int]] | None) -> None:
    assert asked_grain(question) == grain


def test_a_day_pinned_for_a_year_or_a_month_is_tested_at_that_grain() -> None:
    year = coarser_dates(
        "how many matches were in 2007?", "SELECT COUNT(*) FROM t WHERE \"Date\" = '2007-01-04'", TYPES
    )
    assert year == (
        'SELECT COUNT(*) FROM t WHERE EXTRACT(YEAR FROM "Date") = 2007',
        "\"Date\" = '2007-01-04'",
    )
    month = coarser_dates(
        "titles with a date of november?", "SELECT COUNT(*) FROM t WHERE \"Date\" = '1914-11-01'", TYPES
    )
    assert month is not None and month[0] == 'SELECT COUNT(*) FROM t WHERE EXTRACT(MONTH FROM "Date") = 11'
    both = coarser_dates(
        "who did they play in november 2007?", 'SELECT "Opponent" FROM t WHERE "Date" = \'2007-11-03\'', TYPES
    )
    assert both is not None
    assert 'WHERE (EXTRACT(YEAR FROM "Date") = 2007 AND EXTRACT(MONTH FROM "Date") = 11)' in both[0]


def test_dates_the_question_does_not_name_and_text_columns_are_left_alone() -> None:
    for question, sql in (
        ("how many matches were in 2007?", "SELECT COUNT(*) FROM t WHERE \"Date\" = '2008-01-04'"),
        ("how many matches were in 2007?", "SELECT COUNT(*) FROM t WHERE \"Date_text\" = '2007-01-04'"),
        ("what happened on november 6, 1914?", "SELECT * FROM t WHERE \"Date\" = '1914-11-06'"),
        ("who won in 2007?", "SELECT * FROM t WHERE \"Date\" > '2007-01-04'"),
        ("who won in 2007?", "SELECT * FROM"),
    ):
        assert coarser_dates(question, sql, TYPES) is None, (question, sql)
