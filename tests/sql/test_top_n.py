"""The N rows with the largest values, not the one row holding the largest."""

from __future__ import annotations

import pytest

from tablepilot.sql.top_n import top_n_instead_of_extreme


@pytest.mark.parametrize(
    ("sql", "read"),
    [
        (
            'SELECT "项目名称" FROM "t" WHERE "成交均价" IN (SELECT MAX("成交均价") FROM "t") LIMIT 5',
            'SELECT "项目名称" FROM "t" ORDER BY "成交均价" DESC LIMIT 5',
        ),
        (
            "SELECT name FROM t WHERE year = 2000 AND height = (SELECT MIN(height) FROM t WHERE year = 2000)",
            "SELECT name FROM t WHERE year = 2000 ORDER BY height ASC LIMIT 5",
        ),
    ],
)
def test_the_extreme_row_becomes_the_top_n(sql: str, read: str) -> None:
    assert top_n_instead_of_extreme(sql, 5) == read


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT name FROM t WHERE height = (SELECT MAX(width) FROM t)",  # another column's extreme
        "SELECT name FROM t ORDER BY height DESC LIMIT 1",
        "SELECT MAX(height) FROM t WHERE height = (SELECT MAX(height) FROM t)",
        "SELECT name FROM t WHERE height > (SELECT AVG(height) FROM t)",
    ],
)
def test_other_queries_are_left_alone(sql: str) -> None:
    assert top_n_instead_of_extreme(sql, 5) is None
