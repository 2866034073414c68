"""Pointing unknown table names at the only loaded table."""

from __future__ import annotations

import pytest

from tablepilot.sql.retarget import respelled_tables, retarget_single_table


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ('SELECT count(*) AS n FROM "销售"', 'SELECT COUNT(*) AS n FROM "sales" AS "销售"'),
        ('SELECT "销售"."地区" FROM "销售"', 'SELECT "销售"."地区" FROM "sales" AS "销售"'),
        (
            "SELECT s.a FROM tbl s JOIN tbl t ON s.a = t.a",
            'SELECT s.a FROM "sales" AS s JOIN "sales" AS t ON s.a = t.a',
        ),
    ],
)
def test_unknown_names_are_replaced(sql: str, expected: str) -> None:
    assert retarget_single_table(sql, "sales") == expected


@pytest.mark.parametrize(
    "sql",
    ["SELECT * FROM sales", "WITH x AS (SELECT 1 AS a) SELECT a FROM x", "SELECT 1", "SELEC nonsense FROM"],
)
def test_nothing_to_do_gives_none(sql: str) -> None:
    assert retarget_single_table(sql, "sales") is None


def test_rename_table_keeps_qualified_columns_resolving() -> None:
    from tablepilot.sql.retarget import rename_table

    sql = 'SELECT "t_totals"."a" FROM "t_totals" ORDER BY "b" DESC LIMIT 1'
    assert (
        rename_table(sql, "t_totals", "t")
        == 'SELECT "t_totals"."a" FROM "t" AS "t_totals" ORDER BY "b" DESC LIMIT 1'
    )
    assert rename_table('SELECT x.a FROM "T_Totals" AS x', "t_totals", "t") == 'SELECT x.a FROM "t" AS "x"'
    assert rename_table('SELECT "a" FROM "t_totals"', "t_totals", "t") == 'SELECT "a" FROM "t"'
    assert rename_table("SELECT a FROM other", "t_totals", "t") is None


def test_a_table_spelt_nearly_as_one_loaded_is_read_as_it() -> None:
    sql = "SELECT T1.amount FROM Claims_Headers AS T1 JOIN Policies AS T2 ON T1.policy_id = T2.policy_id"
    loaded = ["claim_headers", "claims_documents", "Policies"]
    assert respelled_tables(sql, loaded) == (
        'SELECT T1.amount FROM "claim_headers" AS "T1" JOIN Policies AS T2 ON T1.policy_id = T2.policy_id'
    )
    assert respelled_tables("SELECT x FROM Claim", loaded) is None  # near none
    assert respelled_tables("SELECT x FROM Policies", loaded) is None  # nothing unknown
