"""Tracing output columns back to the source columns they return unchanged."""

from __future__ import annotations

import pytest

from tablepilot.sql.lineage import passthrough_columns


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ('SELECT "2020年度" AS "损失金额" FROM t', ["2020年度"]),
        ('SELECT t."Name", SUM(x) AS s FROM t GROUP BY 1', ["Name", "x"]),
        ("SELECT MAX(a), COUNT(*), SUM(a + b) FROM t", ["a", None, None]),
        ("SELECT a + 1 AS a FROM t", [None]),
        ("WITH c AS (SELECT a FROM t) SELECT a FROM c", ["a"]),
        ("SELECT * FROM t", []),
        ("SELECT a FROM t UNION SELECT b FROM u", []),
        ("not sql at all (", []),
    ],
)
def test_passthrough_columns(sql: str, expected: list[str | None]) -> None:
    assert passthrough_columns(sql) == expected
