"""MySQL functions written with DuckDB's, checked on a real DuckDB."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from tablepilot.sql.foreign_functions import duckdb_functions


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    c.execute(
        "CREATE TABLE t AS SELECT '1997–2006' AS span, '2 December 1997' AS day, DATE '2020-03-04' AS d"
    )
    return c


@pytest.mark.parametrize(
    ("sql", "value"),
    [
        ("SELECT SUBSTRING_INDEX(span, '–', 1) FROM t", "1997"),
        ("SELECT SUBSTRING_INDEX(span, '–', -1) FROM t", "2006"),
        ("SELECT SUBSTRING_INDEX('a-b-c', '-', 2) FROM t", "a-b"),
        ("SELECT SUBSTRING_INDEX('a-b-c', '-', -2) FROM t", "b-c"),
        (
            "SELECT CAST(SUBSTRING_INDEX(span, '–', -1) AS INT) - CAST(SUBSTRING_INDEX(span, '–', 1) AS INT) FROM t",
            9,
        ),
        ("SELECT SUBSTRING_INDEX(SUBSTRING_INDEX('a-b-c', '-', 2), '-', -1) FROM t", "b"),  # nested
        ("SELECT LOCATE('9', span) FROM t", 2),
        ("SELECT MID(span, 6, 4) FROM t", "2006"),
        ("SELECT STR_TO_DATE(day, '%e %M %Y') FROM t", dt.date(1997, 12, 2)),
        ("SELECT DATE_FORMAT(d, '%M %e, %Y') FROM t", "March 4, 2020"),
    ],
)
def test_mysql_functions_run_as_duckdb_functions(
    con: duckdb.DuckDBPyConnection, sql: str, value: object
) -> None:
    with pytest.raises(duckdb.Error):
        con.execute(sql)  # as the model wrote it
    mended = duckdb_functions(sql)
    assert mended is not None
    row = con.execute(mended).fetchone()
    assert row is not None and row[0] == value


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT "Mid" FROM t',  # a column, not a call
        "SELECT split_part(span, '–', 1) FROM t",
        "SELECT 'LOCATE(' FROM t",  # inside a text, then nothing to change
    ],
)
def test_other_queries_stay_as_written(sql: str) -> None:
    assert duckdb_functions(sql) is None
