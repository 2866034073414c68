"""Getting the SQL out of the reply shapes small models actually produce."""

from __future__ import annotations

import pytest

from tablepilot.sql.extract import extract_sql
from tablepilot.sql.guard import check_readonly


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        # fenced, tagged
        ("```sql\nSELECT * FROM t;\n```", "SELECT * FROM t"),
        ("```sql\nSELECT * FROM t\n```\n\nThis query returns every row.", "SELECT * FROM t"),
        (
            "Here you go:\n\n```SQL\nSELECT a,\n       b\nFROM t;;\n```\nHope it helps!",
            "SELECT a,\n       b\nFROM t",
        ),
        ("```duckdb\nFROM t SELECT a\n```", "FROM t SELECT a"),
        ("~~~sql\nSELECT 4\n~~~", "SELECT 4"),
        # the last sql block wins, and a query beats a schema block
        ("```sql\nSELECT 1\n```\nBetter:\n```sql\nSELECT 2\n```", "SELECT 2"),
        ("```sql\nCREATE TABLE t (a INT);\n```\nQuery:\n```sql\nSELECT a FROM t;\n```", "SELECT a FROM t"),
        (
            "```sql\nSELECT a FROM t\n```\nSchema used:\n```sql\nCREATE TABLE t (a INT)\n```",
            "SELECT a FROM t",
        ),
        # untagged or other-tagged fences that look like SQL
        ("The query:\n```\nSELECT count(*) FROM t\n```", "SELECT count(*) FROM t"),
        (
            "```text\nResult: 3 rows\n```\n```\nWITH x AS (SELECT 1) SELECT * FROM x\n```",
            "WITH x AS (SELECT 1) SELECT * FROM x",
        ),
        ("```\n-- count rows\nSELECT count(*) FROM t\n```", "-- count rows\nSELECT count(*) FROM t"),
        # unterminated fence
        (
            "```sql\nSELECT region, SUM(amount)\nFROM sales\nGROUP BY region",
            "SELECT region, SUM(amount)\nFROM sales\nGROUP BY region",
        ),
        ("```sql SELECT 3 ```", "SELECT 3"),
        # no fence
        ("SQL: SELECT a FROM t", "SELECT a FROM t"),
        ("sql: select a from t", "select a from t"),
        (
            "SELECT a,\n  b\nFROM t\nWHERE a > 1;\nThis returns the rows with a > 1.",
            "SELECT a,\n  b\nFROM t\nWHERE a > 1",
        ),
        ("SELECT a\nFROM t\nThis query returns a.", "SELECT a\nFROM t"),
        ("select a from t\n\nThis selects column a.", "select a from t"),
        ("I will select the rows you need.\nSELECT * FROM t", "SELECT * FROM t"),
        (
            "With this query we count:\nWITH x AS (SELECT 1)\nSELECT * FROM x",
            "WITH x AS (SELECT 1)\nSELECT * FROM x",
        ),
        (
            "WITH a AS (\n  SELECT 1 AS x\n),\n\nb AS (SELECT 2 AS y)\n\nSELECT * FROM a, b\n\nExplanation: joins a and b.",
            "WITH a AS (\n  SELECT 1 AS x\n),\n\nb AS (SELECT 2 AS y)\n\nSELECT * FROM a, b",
        ),
        ("Use `SELECT max(a) FROM t` to get the maximum.", "SELECT max(a) FROM t"),
        (
            "查询：SELECT 地区, SUM(销售额) FROM 销售 GROUP BY 地区；\n这个查询按地区汇总。",
            "SELECT 地区, SUM(销售额) FROM 销售 GROUP BY 地区",
        ),
        ("SELECT a FROM t\n- a is the id\n- t is the table", "SELECT a FROM t"),
        # reasoning blocks are ignored
        ("<think>maybe SELECT 1 FROM nothing</think>\n```sql\nSELECT 2\n```", "SELECT 2"),
        ("<think>try SELECT * FROM x</think>\nSELECT * FROM t", "SELECT * FROM t"),
    ],
)
def test_extracts(reply: str, expected: str) -> None:
    assert extract_sql(reply) == expected


@pytest.mark.parametrize(
    "reply",
    [
        "",
        "Sorry, I cannot answer that from the data.",
        "You should select the region with the highest sales.",
        "```\nregion | total\nnorth  | 10\n```",
        "With pleasure! The answer is 42.",
        "<think>SELECT 1</think>I am not sure.",
    ],
)
def test_returns_none_without_a_query(reply: str) -> None:
    assert extract_sql(reply) is None


def test_extracted_sql_passes_the_guard() -> None:
    reply = '```sql\nSELECT "地区", SUM("销售额") AS total\nFROM "销售"\nGROUP BY ALL;\n```\n\n按地区汇总。'
    sql = extract_sql(reply)
    assert sql is not None
    assert check_readonly(sql, tables=["销售"]) == sql
