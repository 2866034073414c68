"""Columns qualified with the wrong joined table are moved to the one table that has them."""

from __future__ import annotations

from tablepilot.sql.requalify import requalify_columns

COLUMNS = {"people": ["id", "first_name", "team_id"], "teams": ["id", "name"]}


def test_a_column_under_the_wrong_alias_moves_to_the_table_that_has_it() -> None:
    sql = "SELECT T1.first_name, T1.name FROM people AS T2 JOIN teams AS T1 ON T1.id = T2.team_id"
    assert requalify_columns(sql, COLUMNS) == (
        "SELECT T2.first_name, T1.name FROM people AS T2 JOIN teams AS T1 ON T1.id = T2.team_id"
    )


def test_quoted_aliases_stay_quoted_for_case_sensitive_databases() -> None:
    sql = 'SELECT "T1"."first_name" FROM "people" AS "T2" JOIN "teams" AS "T1" ON "T1"."id" = "T2"."team_id"'
    assert requalify_columns(sql, COLUMNS, dialect="postgres") == sql.replace('"T1"."first_name"', '"T2"."first_name"')


def test_nothing_to_do_or_no_single_answer() -> None:
    assert requalify_columns("SELECT T1.first_name FROM people AS T1", COLUMNS) is None  # right already
    assert requalify_columns("SELECT T1.id FROM people AS T2 JOIN teams AS T1 ON T1.id = T2.team_id", COLUMNS) is None
    # "nickname" is nowhere; "id" would be in both tables: both left for the repair loop
    assert requalify_columns("SELECT T1.nickname FROM people AS T2 JOIN teams AS T1 ON T1.id = T2.team_id", COLUMNS) is None
    assert requalify_columns("SELECT FROM WHERE", COLUMNS) is None
