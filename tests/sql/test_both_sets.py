"""'Both A and B': one query per condition, intersected."""

from __future__ import annotations

import pytest

from tablepilot.sql.both_sets import ASKS_BOTH, intersected


@pytest.mark.parametrize(
    ("sql", "first", "second"),
    [
        (
            'SELECT "Committee" FROM "election" WHERE "Party" = \'Democratic\' OR "Party" = \'Liberal\'',
            "\"Party\" = 'Democratic'",
            "\"Party\" = 'Liberal'",
        ),
        (
            "SELECT name FROM f WHERE year > 2000 AND friend IN ('Dan', 'Alice')",
            "friend = 'Dan'",
            "friend = 'Alice'",
        ),
        ("SELECT address FROM member WHERE age < 30 AND age > 40", "age < 30", "age > 40"),
        ("SELECT name FROM t WHERE x = 'a' AND x = 'b' AND y = 1", "x = 'a'", "x = 'b'"),
    ],
)
def test_the_two_alternatives_are_asked_apart_and_intersected(sql: str, first: str, second: str) -> None:
    both = intersected(sql)
    assert both is not None
    left, right = both.split(" INTERSECT ")
    assert left.endswith(first) and right.endswith(second)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT address FROM member WHERE age > 10 AND age < 40",  # a range, met by one row
        "SELECT COUNT(*) FROM t WHERE x = 'a' OR x = 'b'",  # a count of either
        "SELECT name FROM t WHERE x = 'a' OR x = 'b' ORDER BY y LIMIT 1",
        "SELECT name FROM t WHERE x IN ('a', 'b', 'c')",
        "SELECT name FROM t WHERE x = 'a'",
    ],
)
def test_queries_without_two_alternatives_are_left_alone(sql: str) -> None:
    assert intersected(sql) is None


def test_both_is_asked_in_english_and_chinese() -> None:
    assert ASKS_BOTH.search("Which committees have delegates from both democratic party and liberal party?")
    assert ASKS_BOTH.search("哪位演员既演过喜剧又演过悲剧？")
    assert not ASKS_BOTH.search("Which committees have delegates from the democratic party?")
