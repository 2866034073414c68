"""Hints for a query that named a missing column."""

from __future__ import annotations

from tablepilot.catalog import ColumnInfo, TableInfo
from tablepilot.sql.name_hints import close_columns, name_words, tables_in, used_columns


def table(name: str, *columns: str) -> TableInfo:
    return TableInfo(name, tuple(ColumnInfo(c, "VARCHAR") for c in columns), 10)


PLAYER = table("player", "player_id", "name_first", "name_last", "birth_country")
TEAM = table("team", "team_id", "name", "attendance")
STAFF = table("Employee", "EmployeeId", "FirstName", "LastName")


def test_words_of_any_identifier_style() -> None:
    assert (
        name_words("first_name") == name_words("FirstName") == name_words("name first") == {"first", "name"}
    )
    assert name_words("HTTPStatus2") == {"http", "status", "2"}


def test_the_same_words_in_another_order_or_style_come_first() -> None:
    assert close_columns("first_name", [PLAYER, TEAM, STAFF]) == [
        ("Employee", "FirstName"),
        ("player", "name_first"),
        ("team", "name"),
    ]


def test_an_exact_name_of_another_table_beats_a_near_spelling() -> None:
    assert close_columns("attendance", [PLAYER, TEAM])[0] == ("team", "attendance")
    assert close_columns("atendance", [PLAYER, TEAM]) == [("team", "attendance")]


def test_an_unrelated_name_has_no_hint() -> None:
    assert close_columns("salary", [PLAYER, TEAM]) == []


def test_tables_a_query_reads() -> None:
    sql = 'SELECT T1.x FROM player AS T1 JOIN "team" AS T2 ON T1.team_id = T2.team_id'
    assert [t.name for t in tables_in(sql, "duckdb", [STAFF, TEAM, PLAYER])] == ["team", "player"]
    assert tables_in("SELECT FROM WHERE (", "duckdb", [PLAYER]) == []


def test_used_columns_leave_out_null_tests() -> None:
    sql = 'SELECT "本期" FROM "t" WHERE "项目" = \'x\' AND "上年同期" IS NOT NULL ORDER BY "Rank"'
    assert used_columns(sql, "duckdb") == {"本期", "项目", "rank"}
    assert used_columns("SELECT FROM WHERE", "duckdb") is None
