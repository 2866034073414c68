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
    assert requalify_columns(sql, COLUMNS, dialect="postgres") == sql.replace(
        '"T1"."first_name"', '"T2"."first_name"'
    )


def test_nothing_to_do_or_no_single_answer() -> None:
    assert requalify_columns("SELECT T1.first_name FROM people AS T1", COLUMNS) is None  # right already
    assert (
        requalify_columns("SELECT T1.id FROM people AS T2 JOIN teams AS T1 ON T1.id = T2.team_id", COLUMNS)
        is None
    )
    # "nickname" is nowhere; "id" would be in both tables: both left for the repair loop
    assert (
        requalify_columns(
            "SELECT T1.nickname FROM people AS T2 JOIN teams AS T1 ON T1.id = T2.team_id", COLUMNS
        )
        is None
    )
    assert requalify_columns("SELECT FROM WHERE", COLUMNS) is None


def test_a_table_named_by_its_own_name_though_the_select_renamed_it_takes_the_alias() -> None:
    sql = "SELECT T1.name FROM teams AS T1 JOIN people AS T2 ON T1.id = T2.team_id WHERE People.first_name = 'Ann'"
    assert requalify_columns(sql, COLUMNS) == sql.replace("People.first_name", "T2.first_name")
    # the alias is not there to take when the table is not renamed, nor when the column is not its
    assert requalify_columns("SELECT people.first_name FROM people", COLUMNS) is None
    assert (
        requalify_columns(
            "SELECT T1.name FROM teams AS T1 JOIN people AS T2 ON T1.id = T2.team_id WHERE people.nickname = 'x'",
            COLUMNS,
        )
        is None
    )
