"""Sums and years of text columns, read before the guard (run on real DuckDB)."""

from __future__ import annotations

import duckdb
import pytest

from tablepilot.sql.text_numbers import numbers_from_text

TYPES = {
    "roads": {
        "Location": "VARCHAR",
        "Destinations": "VARCHAR",
        "Mile": "DOUBLE",
        "Time": "VARCHAR",
        "Time_seconds": "DOUBLE",
        "Rank_text": "VARCHAR",
        "Rank": "BIGINT",
        "Left office": "VARCHAR",
        "Took office": "DATE",
        "Season": "VARCHAR",
        "Season_year": "BIGINT",
    }
}


@pytest.fixture()
def db() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        'CREATE TABLE roads ("Location" VARCHAR, "Destinations" VARCHAR, "Mile" DOUBLE, "Time" VARCHAR, '
        '"Time_seconds" DOUBLE, "Rank_text" VARCHAR, "Rank" BIGINT, "Left office" VARCHAR, '
        '"Took office" DATE, "Season" VARCHAR, "Season_year" BIGINT)'
    )
    con.execute(
        "INSERT INTO roads VALUES "
        "('Hancock', 'US 522 south', 3.5, '1:05', 65, '1st', 1, 'January 25, 2013', '2011-01-10', '2010–11', 2010),"
        "('Hancock', 'Limestone Road north', 3.7, '1:10', 70, '2nd', 2, 'present', '2013-01-25', '2011–12', 2011),"
        "('Woodmont', 'Woodmont Road', 0.2, '2:00', 120, '3rd', 3, 'August 31, 2007', '2001-01-21', '2012–13', 2012)"
    )
    return con


def run(db: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[object, ...]]:
    mended = numbers_from_text(sql, TYPES)
    assert mended is not None, sql
    return db.execute(mended[0]).fetchall()


def test_a_sum_of_text_with_no_number_twin_counts_the_cells(db: duckdb.DuckDBPyConnection) -> None:
    sql = 'SELECT SUM("Destinations") FROM "roads" WHERE "Location" = \'Hancock\''
    with pytest.raises(duckdb.BinderException):
        db.execute(sql)
    assert run(db, sql) == [(2,)]


def test_a_sum_of_text_with_a_number_twin_sums_the_twin(db: duckdb.DuckDBPyConnection) -> None:
    assert run(db, 'SELECT SUM("Time") FROM "roads"') == [(255.0,)]
    assert run(db, 'SELECT SUM(r."Rank_text") FROM "roads" AS r') == [(6,)]
    mended = numbers_from_text('SELECT SUM(r."rank_text") FROM roads AS r', TYPES)
    assert mended is not None and 'SUM(r."Rank")' in mended[0]
    assert mended[1] == ['"rank_text" is text; its sum was taken over "Rank", its numbers.']


def test_an_average_of_text_is_of_its_twin_or_of_the_number_in_each_cell(
    db: duckdb.DuckDBPyConnection,
) -> None:
    sql = 'SELECT AVG("Season") FROM "roads"'
    with pytest.raises(duckdb.BinderException):
        db.execute(sql)
    assert run(db, 'SELECT AVG("Time") FROM "roads"') == [(85.0,)]
    db.execute("CREATE TABLE supply (amount VARCHAR)")
    db.execute("INSERT INTO supply VALUES ('25,000'), ('35000'), ('n/a')")
    mended = numbers_from_text("SELECT AVG(amount) FROM supply", {"supply": {"amount": "VARCHAR"}})
    assert mended is not None and db.execute(mended[0]).fetchall() == [(30000.0,)]
    assert mended[1] == ['"amount" is text; its average was taken over the number in each cell.']


def test_the_year_of_text_is_its_twin_or_the_year_written_in_it(db: duckdb.DuckDBPyConnection) -> None:
    sql = (
        'SELECT EXTRACT(YEAR FROM "Left office") - EXTRACT(YEAR FROM "Took office") FROM "roads" '
        'WHERE "Location" = \'Hancock\' ORDER BY "Mile"'
    )
    assert run(db, sql) == [(2,), (None,)]  # 'present' has no year: NULL, not an error
    assert run(db, 'SELECT YEAR("Season") FROM "roads" ORDER BY 1') == [(2010,), (2011,), (2012,)]
    assert run(db, "SELECT date_part('year', \"Left office\") FROM roads ORDER BY rowid") == [
        (2013,),
        (None,),
        (2007,),
    ]


def test_numbers_and_dates_and_other_parts_are_left_alone() -> None:
    for sql in (
        'SELECT SUM("Mile") FROM roads',
        'SELECT EXTRACT(YEAR FROM "Took office") FROM roads',
        'SELECT EXTRACT(MONTH FROM "Left office") FROM roads',
        'SELECT COUNT("Destinations") FROM roads',
        'SELECT SUM("Nope") FROM roads',
        "SELECT SUM(",
    ):
        assert numbers_from_text(sql, TYPES) is None, sql
    assert numbers_from_text('SELECT SUM("Destinations") FROM roads', TYPES, dialect="postgres") is None


def test_a_text_column_compared_with_a_number_is_read_as_numbers_and_ordered_so(
    db: duckdb.DuckDBPyConnection,
) -> None:
    db.execute('CREATE TABLE langs ("Language" VARCHAR, "Share" VARCHAR)')
    db.execute(
        "INSERT INTO langs VALUES ('Romanian', '9.5'), ('Polish', '12.3'), ('Other', '<0.01'), ('Czech', '1,002')"
    )
    types = {**TYPES, "langs": {"Language": "VARCHAR", "Share": "VARCHAR"}}
    sql = 'SELECT "Language" FROM "langs" WHERE "Share" > 0.01 ORDER BY "Share" DESC'
    with pytest.raises(duckdb.BinderException):
        db.execute(sql)
    read = numbers_from_text(sql, types)
    assert read is not None
    assert db.execute(read[0]).fetchall() == [("Czech",), ("Polish",), ("Romanian",)]  # 1,002 > 12.3 > 9.5
    assert read[1] == ['"Share" is text; it was compared with 0.01 as the number in each cell.']


def test_a_text_column_with_a_number_twin_is_compared_through_the_twin(db: duckdb.DuckDBPyConnection) -> None:
    sql = 'SELECT COUNT(*) FROM "roads" WHERE "Time" <= 70'
    with pytest.raises(duckdb.BinderException):
        db.execute(sql)
    read = numbers_from_text(sql, TYPES)
    assert read is not None and read[0] == 'SELECT COUNT(*) FROM "roads" WHERE "Time_seconds" <= 70'
    assert db.execute(read[0]).fetchall() == [(2,)]


def test_text_compared_with_text_or_numbers_with_numbers_is_left_alone() -> None:
    assert numbers_from_text('SELECT * FROM "roads" WHERE "Location" = \'5\' AND "Mile" > 3', TYPES) is None
