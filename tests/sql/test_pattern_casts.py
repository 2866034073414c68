"""LIKE on a date or number column: cast to text, and only there."""

from __future__ import annotations

from tablepilot.sql.pattern_casts import is_text_type, patterns_on_text

TYPES = {"games": {"Date": "DATE", "Team": "VARCHAR", "Year": "BIGINT"}, "notes": {"Date": "VARCHAR"}}


def test_a_date_or_number_column_under_like_is_cast_to_text() -> None:
    sql = 'SELECT SUM("Pts") FROM "games" WHERE "Date" LIKE \'2008-12%\' AND "Team" ILIKE \'%fc%\''
    assert patterns_on_text(sql, TYPES) == (
        'SELECT SUM("Pts") FROM "games" WHERE CAST("Date" AS TEXT) LIKE \'2008-12%\' AND "Team" ILIKE \'%fc%\''
    )
    assert patterns_on_text("SELECT 1 FROM games WHERE NOT \"Year\" LIKE '19%'", TYPES) == (
        "SELECT 1 FROM games WHERE NOT CAST(\"Year\" AS TEXT) LIKE '19%'"
    )


def test_the_column_is_looked_up_in_its_own_table() -> None:
    sql = (
        "SELECT 1 FROM games AS a JOIN notes AS b ON a.x = b.x WHERE a.Date LIKE '2008%' AND b.Date LIKE 'x'"
    )
    assert patterns_on_text(sql, TYPES) == (
        "SELECT 1 FROM games AS a JOIN notes AS b ON a.x = b.x WHERE CAST(a.Date AS TEXT) LIKE '2008%' "
        "AND b.Date LIKE 'x'"
    )
    # unqualified and in both tables: not certain, left alone (the engine will say which)
    both = "SELECT 1 FROM games AS a JOIN notes AS b ON a.x = b.x WHERE Date LIKE '2008%'"
    assert patterns_on_text(both, TYPES) is None
    inner = 'SELECT 1 FROM games WHERE "Year" IN (SELECT 1 FROM notes WHERE "Date" LIKE \'x\')'
    assert patterns_on_text(inner, TYPES) is None


def test_text_columns_and_unparsable_queries_are_left_alone() -> None:
    assert patterns_on_text("SELECT 1 FROM games WHERE \"Team\" LIKE 'a%'", TYPES) is None
    assert patterns_on_text("SELECT FROM WHERE (", TYPES) is None
    assert is_text_type("VARCHAR") and is_text_type("character varying") and not is_text_type("DATE")
