"""A subquery's output column written with the outer query's table is read as the subquery's own."""

from __future__ import annotations

import duckdb
import pytest

from tablepilot.sql.subquery_columns import own_subquery_columns

TABLES = {
    "wine": ["Name", "Grape", "Price"],
    "grapes": ["ID", "Grape", "Color"],
}
WINES = (
    'SELECT "wine"."Name" FROM "wine" WHERE "wine"."Grape" IN '
    '(SELECT "wine"."Grape" FROM "grapes" WHERE "grapes"."Color" = \'Red\') AND "Price" > 50'
)


def test_the_outer_column_becomes_the_subquerys_own_and_the_filter_works() -> None:
    out = own_subquery_columns(WINES, TABLES)
    assert out is not None
    sql, moved = out
    assert moved == ["Grape"]
    assert '(SELECT "grapes"."Grape" FROM "grapes" WHERE' in sql
    db = duckdb.connect()
    db.execute(
        "CREATE TABLE wine AS SELECT * FROM (VALUES ('A', 'Merlot', 60), ('B', 'Chablis', 70)) t(Name, Grape, Price)"
    )
    db.execute(
        "CREATE TABLE grapes AS SELECT * FROM (VALUES (1, 'Merlot', 'Red'), (2, 'Chablis', 'White')) t(ID, Grape, Color)"
    )
    assert sorted(db.execute(WINES).fetchall()) == [("A",), ("B",)]  # as written: always true
    assert db.execute(sql).fetchall() == [("A",)]


def test_an_alias_keeps_its_spelling() -> None:
    sql = (
        "SELECT Name FROM wine AS W WHERE W.Grape IN (SELECT W.Grape FROM grapes AS g WHERE g.Color = 'Red')"
    )
    out = own_subquery_columns(sql, TABLES)
    assert out is not None and "(SELECT g.Grape FROM grapes AS g" in out[0]


@pytest.mark.parametrize(
    "sql",
    [
        # a correlated condition is meant
        "SELECT Name FROM wine AS w WHERE EXISTS (SELECT 1 FROM grapes AS g WHERE g.Grape = w.Grape)",
        # the subquery's own column already
        "SELECT Name FROM wine WHERE Grape IN (SELECT grapes.Grape FROM grapes WHERE Color = 'Red')",
        # the subquery's tables have no such column
        "SELECT Name FROM wine WHERE Price IN (SELECT wine.Price FROM grapes WHERE Color = 'Red')",
        # not a subquery
        "SELECT wine.Name FROM wine JOIN grapes ON grapes.Grape = wine.Grape",
    ],
)
def test_left_alone(sql: str) -> None:
    assert own_subquery_columns(sql, TABLES) is None
