"""An offset written next to a name inside a subquery, moved onto the subquery (run on real DuckDB)."""

from __future__ import annotations

import duckdb
import pytest

from tablepilot.sql.misplaced_offset import offset_outside


@pytest.fixture()
def db() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute('CREATE TABLE race ("Rank" BIGINT, "Name" VARCHAR)')
    con.execute("INSERT INTO race VALUES (1, 'Tina Maze'), (2, 'Federica Brignone'), (3, 'Tessa Worley')")
    return con


@pytest.mark.parametrize(("sign", "expected"), [("+", "Tessa Worley"), ("-", "Tina Maze")])
def test_the_offset_applies_to_the_subquery(db: duckdb.DuckDBPyConnection, sign: str, expected: str) -> None:
    sql = f'SELECT "Name" FROM race WHERE "Rank" = (SELECT "Rank" FROM race WHERE "Name" = \'Federica Brignone\' {sign} 1)'
    with pytest.raises(duckdb.BinderException):
        db.execute(sql)
    mended = offset_outside(sql)
    assert mended is not None and mended.endswith(f"WHERE \"Name\" = 'Federica Brignone') {sign} 1")
    assert db.execute(mended).fetchall() == [(expected,)]


def test_offsets_already_outside_numbers_and_plain_queries_are_left_alone() -> None:
    for sql in (
        'SELECT "Name" FROM race WHERE "Rank" = (SELECT "Rank" FROM race WHERE "Name" = \'X\') + 1',
        'SELECT "Name" FROM race WHERE "Rank" = (SELECT "Rank" FROM race WHERE "Rank" = 2 + 1)',
        'SELECT "Name" FROM race WHERE "Name" = \'X\' + 1',  # no subquery: no value to move it to
        "SELECT FROM",
    ):
        assert offset_outside(sql) is None, sql
