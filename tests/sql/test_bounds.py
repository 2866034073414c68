"""Reading "at least N" as ``>= N``."""

from __future__ import annotations

import pytest

from tablepilot.sql.bounds import asked_bound, bounded


def typed(column: str) -> str | None:
    return {"Acts_text": "Acts", "Cost": "Cost"}.get(column)


@pytest.mark.parametrize(
    ("question", "bound"),
    [
        ("how many operas on this list have at least 3 acts?", (3, True)),
        ("what is one type that has at least a relative cost of 1.0?", (1.0, True)),
        ("how many countries appear at least four times?", (4, True)),
        ("how many drivers won at least twice?", (2, True)),
        ("which teams scored 5 or more goals?", (5, True)),
        ("how many games had at most 2 losses?", (2, False)),
        ("how many athletes took at least an hour and 32 minutes?", None),  # no number right after it
        ("at least how many parties have won?", None),
        ("at least 2 wins and at most 5 losses?", None),
        ("how many wins?", None),
    ],
)
def test_asked_bound(question: str, bound: tuple[float, bool] | None) -> None:
    assert asked_bound(question) == bound


@pytest.mark.parametrize(
    ("sql", "n", "at_least", "read"),
    [
        (
            'SELECT COUNT(*) FROM "t" WHERE "Acts_text" = \'3 acts\'',
            3,
            True,
            'SELECT COUNT(*) FROM "t" WHERE "Acts" >= 3',
        ),
        ('SELECT "Type" FROM "t" WHERE "Cost" = 1.0', 1.0, True, 'SELECT "Type" FROM "t" WHERE "Cost" >= 1'),
        (
            'SELECT COUNT(*) FROM (SELECT "Nation" FROM "t" GROUP BY "Nation" HAVING COUNT(*) = 4)',
            4,
            True,
            'SELECT COUNT(*) FROM (SELECT "Nation" FROM "t" GROUP BY "Nation" HAVING COUNT(*) >= 4)',
        ),
        ('SELECT "Team" FROM "t" WHERE "Losses" = 2', 2, False, 'SELECT "Team" FROM "t" WHERE "Losses" <= 2'),
        # a place: at least 2nd is 2nd or better, a number no larger than 2
        (
            'SELECT "Year" FROM "t" WHERE "Position" = 2',
            2,
            True,
            'SELECT "Year" FROM "t" WHERE "Position" <= 2',
        ),
    ],
)
def test_a_number_pinned_exactly_is_bounded_as_asked(sql: str, n: float, at_least: bool, read: str) -> None:
    mended = bounded(sql, n, at_least, typed)
    assert mended is not None and mended[0] == read


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT COUNT(*) FROM "t" WHERE "Acts" >= 3',  # already bounded
        'SELECT COUNT(*) FROM "t" WHERE "Acts" = 4',  # another number
        'SELECT COUNT(*) FROM "t" WHERE "Acts" = 3 AND "Scenes" = 3',  # which one is meant?
        'SELECT COUNT(*) FROM "t" WHERE "Genre" = \'3 acts\'',  # text with no typed number
        "SELECT COUNT(*) FROM",
    ],
)
def test_left_alone(sql: str) -> None:
    assert bounded(sql, 3, True, typed) is None
