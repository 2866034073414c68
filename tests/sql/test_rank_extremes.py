"""The highest rank is the smallest number."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from tablepilot.sql.rank_extremes import asked_rank_extreme, best_rank_first

CHART = ["55", "6", "—", "12"]


def cells_of(values: Sequence[str]) -> Callable[[str], Sequence[str]]:
    return lambda column: values


@pytest.mark.parametrize(
    ("question", "best"),
    [
        ("what song made it to the highest rank on the us rap charts?", True),
        ("what is the highest ranking the team has ever received?", True),
        ("what is his/her best ranking season?", True),
        ("which team had the worst finish?", False),
        ("what was the lowest position they reached?", False),
        ("which team had the highest points?", None),
        ("highest and lowest rank?", None),
    ],
)
def test_asked_rank_extreme(question: str, best: bool | None) -> None:
    assert asked_rank_extreme(question) is best


@pytest.mark.parametrize(
    ("sql", "read"),
    [
        (
            'SELECT "Song" FROM "t" WHERE "US Rap" = (SELECT MAX("US Rap") FROM "t")',
            'SELECT "Song" FROM "t" WHERE "US Rap" = (SELECT MIN("US Rap") FROM "t")',
        ),
        (
            'SELECT "Song" FROM "t" ORDER BY "US Rap" DESC LIMIT 1',
            'SELECT "Song" FROM "t" ORDER BY "US Rap" ASC LIMIT 1',
        ),
    ],
)
def test_a_chart_place_taken_at_the_wrong_end_is_turned(sql: str, read: str) -> None:
    question = "what song made it to the highest rank on the us rap charts?"
    assert best_rank_first(question, sql, cells_of(CHART)) == (read, "US Rap")


def test_a_rank_named_column_needs_no_chart_and_the_worst_is_the_largest() -> None:
    sql = 'SELECT MIN("Place") FROM "t"'
    assert best_rank_first("what was their worst place?", sql, cells_of([])) == (
        'SELECT MAX("Place") FROM "t"',
        "Place",
    )


@pytest.mark.parametrize(
    ("question", "sql", "cells"),
    [
        # already the smallest
        ("the highest rank on the charts?", 'SELECT MIN("US Rap") FROM "t"', CHART),
        # votes are no places: "top place" in an election is the most votes
        (
            "which party won the top place in the election?",
            'SELECT "Party" FROM "t" ORDER BY "Votes" DESC',
            ["324,135", "250,312"],
        ),
        # no chart named and the column is not rank-like
        ("what song reached the highest rank?", 'SELECT MAX("US Rap") FROM "t"', CHART),
        # numbers too big to be places
        ("the highest rank on the charts?", 'SELECT MAX("Sales") FROM "t"', ["1200", "5300"]),
        # two columns' extremes
        ("the highest rank on the charts?", 'SELECT MAX("US"), MAX("UK") FROM "t"', CHART),
        # no rank asked
        ("which song sold the most?", 'SELECT MAX("Rank") FROM "t"', CHART),
    ],
)
def test_left_alone(question: str, sql: str, cells: list[str]) -> None:
    assert best_rank_first(question, sql, cells_of(cells)) is None
