"""Aggregates of aggregates read before the guard (run on real DuckDB, which refuses them)."""

from __future__ import annotations

import duckdb
import pytest

from tablepilot.sql.nested_aggregates import unnested_aggregates


@pytest.fixture()
def db() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE forms (verb VARCHAR, form VARCHAR, uses BIGINT)")
    con.execute(
        "INSERT INTO forms VALUES ('be', 'esì', 3), ('be', 'està', 4), ('go', 'vai', 5), ('be', 'estè', 1)"
    )
    return con


def test_without_groups_the_outer_aggregate_of_one_value_is_that_value(db: duckdb.DuckDBPyConnection) -> None:
    sql = "SELECT MIN(COUNT(*)) FROM forms WHERE verb = 'be'"
    with pytest.raises(duckdb.BinderException, match="nested"):
        db.execute(sql)
    read = unnested_aggregates(sql)
    assert read == "SELECT COUNT(*) FROM forms WHERE verb = 'be'"
    assert db.execute(read).fetchall() == [(3,)]


def test_with_groups_the_outer_aggregate_is_over_the_groups(db: duckdb.DuckDBPyConnection) -> None:
    sql = "SELECT MAX(SUM(uses)) AS most FROM forms GROUP BY verb ORDER BY 1 DESC LIMIT 1"
    with pytest.raises(duckdb.BinderException, match="nested"):
        db.execute(sql)
    read = unnested_aggregates(sql)
    assert (
        read == 'SELECT MAX("v") AS "most" FROM (SELECT SUM(uses) AS "v" FROM forms GROUP BY verb) AS groups'
    )
    assert db.execute(read).fetchall() == [(8,)]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT MAX(uses) FROM forms",
        "SELECT COUNT(DISTINCT verb) FROM forms",
        "SELECT verb, MAX(SUM(uses)) FROM forms GROUP BY verb",  # a key beside it: no one reading
        "SELECT FROM WHERE (",
    ],
)
def test_queries_without_a_lone_nesting_are_left_alone(sql: str) -> None:
    assert unnested_aggregates(sql) is None
