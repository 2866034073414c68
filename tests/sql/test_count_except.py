"""A count set-subtracted by ids is read as a count of the rows whose id is not among them."""

from __future__ import annotations

import duckdb

from tablepilot.sql.count_except import count_not_in

COLUMNS = {"people": ["People_ID", "Name"], "body_builder": ["Body_Builder_ID", "People_ID"]}


def test_count_except_ids_counts_the_rows_not_among_them() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE people AS SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, 'c')) v(People_ID, Name)"
    )
    con.execute(
        "CREATE TABLE body_builder AS SELECT * FROM (VALUES (10, 1), (11, 2)) v(Body_Builder_ID, People_ID)"
    )
    sql = 'SELECT COUNT(*) FROM "people" EXCEPT SELECT "People_ID" FROM "body_builder"'
    assert con.execute(sql).fetchall() == [(3,)]  # the slip: 3 is no id there, so the count stands
    mended = count_not_in(sql, COLUMNS)
    assert mended is not None and con.execute(mended).fetchall() == [(1,)]
    aliased = "SELECT COUNT(*) FROM people AS P WHERE P.Name <> 'z' EXCEPT SELECT People_ID FROM body_builder"
    mended = count_not_in(aliased, COLUMNS)
    assert mended is not None and con.execute(mended).fetchall() == [(1,)]


def test_other_set_differences_are_left_alone() -> None:
    assert (
        count_not_in("SELECT People_ID FROM people EXCEPT SELECT People_ID FROM body_builder", COLUMNS)
        is None
    )
    assert (
        count_not_in("SELECT COUNT(*) FROM people EXCEPT SELECT Body_Builder_ID FROM body_builder", COLUMNS)
        is None
    )
    assert count_not_in("SELECT COUNT(*) FROM people", COLUMNS) is None
    assert count_not_in("SELECT FROM", COLUMNS) is None
