"""Dates written as the sheet writes them, compared with DATE columns (run on real DuckDB)."""

from __future__ import annotations

import duckdb
import pytest

from tablepilot.sql.date_literals import iso_date_literals

TYPES = {"t": {"State": "VARCHAR", "Last": "DATE", "Last_text": "VARCHAR"}}


@pytest.fixture()
def db() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute('CREATE TABLE t ("State" VARCHAR, "Last" DATE, "Last_text" VARCHAR)')
    con.execute(
        "INSERT INTO t VALUES ('Arizona', '2013-10-23', '23 October 2013'), "
        "('Alabama', '2013-07-25', '25 July 2013'), ('Ohio', '2013-10-02', '2 October 2013')"
    )
    return con


def rows(db: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[object, ...]]:
    mended = iso_date_literals(sql, TYPES)
    assert mended is not None, sql
    return db.execute(mended).fetchall()


def test_a_date_as_the_sheet_writes_it_is_compared_as_a_date(db: duckdb.DuckDBPyConnection) -> None:
    sql = 'SELECT "State" FROM t WHERE "Last" = \'23 October 2013\''
    with pytest.raises(duckdb.ConversionException):
        db.execute(sql)
    assert rows(db, sql) == [("Arizona",)]
    assert rows(
        db, 'SELECT "State" FROM t WHERE "Last" < \'October 23, 2013\' ORDER BY "Last" DESC LIMIT 1'
    ) == [("Ohio",)]
    in_list = "SELECT COUNT(*) FROM t WHERE \"Last\" IN ('25 July 2013', '2013-10-02')"
    between = "SELECT COUNT(*) FROM t WHERE \"Last\" BETWEEN '1 July 2013' AND 'October 2, 2013'"
    assert rows(db, in_list) == [(2,)] and rows(db, between) == [(2,)]


def test_a_month_of_a_year_compared_for_equality_is_that_month(db: duckdb.DuckDBPyConnection) -> None:
    assert rows(db, "SELECT COUNT(*) FROM t WHERE \"Last\" = 'October 2013'") == [(2,)]


def test_iso_dates_text_columns_and_ambiguous_dates_are_left_alone() -> None:
    for sql in (
        "SELECT * FROM t WHERE \"Last\" = '2013-10-23'",
        "SELECT * FROM t WHERE \"Last_text\" = '23 October 2013'",
        "SELECT * FROM t WHERE \"Last\" = '1-4-1915'",
        "SELECT * FROM t WHERE \"Last\" > 'soon'",
        "SELECT * FROM",
    ):
        assert iso_date_literals(sql, TYPES) is None, sql
