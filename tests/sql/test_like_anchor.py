"""A LIKE pattern is anchored where the question says the text ends or starts."""

from __future__ import annotations

import duckdb
import pytest

from tablepilot.sql.like_anchor import anchored_patterns


@pytest.mark.parametrize(
    ("question", "pattern", "anchored"),
    [
        ("first names that end with the letter m", "%m%", "%m"),
        ('names starting with "Th"', "%th%", "th%"),
        ("which streets begin with 'North'?", "%North%", "North%"),
        ("以公司结尾的名称有哪些？", "%公司%", "%公司"),
        ("以北京开头的项目", "%北京%", "北京%"),
    ],
)
def test_anchored(question: str, pattern: str, anchored: str) -> None:
    sql = f"SELECT n FROM t WHERE n LIKE '{pattern}'"
    assert anchored_patterns(question, sql) == f"SELECT n FROM t WHERE n LIKE '{anchored}'"


@pytest.mark.parametrize(
    ("question", "sql"),
    [
        ("names containing the letter m", "SELECT n FROM t WHERE n LIKE '%m%'"),
        ("names that end with m", "SELECT n FROM t WHERE n LIKE '%a%'"),  # another text
        ("names that end with m", "SELECT n FROM t WHERE n LIKE '%m'"),  # anchored already
        ("names that end with m", "SELECT n FROM t WHERE n = 'm'"),
    ],
)
def test_left_alone(question: str, sql: str) -> None:
    assert anchored_patterns(question, sql) is None


def test_the_anchored_pattern_keeps_only_the_names_that_end_so() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES ('Adam'), ('James'), ('William'), ('Ismael')) v(n)")
    sql = anchored_patterns("first names that end with the letter m", "SELECT n FROM t WHERE n LIKE '%m%'")
    assert sql is not None
    assert sorted(r[0] for r in con.execute(sql).fetchall()) == ["Adam", "William"]
