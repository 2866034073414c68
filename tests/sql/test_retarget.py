"""Pointing unknown table names at the only loaded table."""

from __future__ import annotations

import pytest

from tablepilot.sql.retarget import retarget_single_table


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ('SELECT count(*) AS n FROM "销售"', 'SELECT COUNT(*) AS n FROM "sales" AS "销售"'),
        ('SELECT "销售"."地区" FROM "销售"', 'SELECT "销售"."地区" FROM "sales" AS "销售"'),
        ("SELECT s.a FROM tbl s JOIN tbl t ON s.a = t.a", 'SELECT s.a FROM "sales" AS s JOIN "sales" AS t ON s.a = t.a'),
    ],
)
def test_unknown_names_are_replaced(sql: str, expected: str) -> None:
    assert retarget_single_table(sql, "sales") == expected


@pytest.mark.parametrize(
    "sql", ["SELECT * FROM sales", "WITH x AS (SELECT 1 AS a) SELECT a FROM x", "SELECT 1", "SELEC nonsense FROM"]
)
def test_nothing_to_do_gives_none(sql: str) -> None:
    assert retarget_single_table(sql, "sales") is None
