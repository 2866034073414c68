"""The probe for ties at a LIMIT, on real DuckDB."""

from __future__ import annotations

import duckdb
import pytest

from tablepilot.sql.ties import tie_probe, tied


def rows(sql: str) -> list[list[object]]:
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES ('a', 3), ('b', 5), ('c', 5), ('d', 1)) v(name, n)")
    return [list(r) for r in con.execute(sql).fetchall()]


def test_a_tie_at_the_cut_is_found_and_none_where_the_next_row_differs() -> None:
    probe = tie_probe('SELECT "name" FROM t ORDER BY "n" DESC LIMIT 1')
    assert (
        probe is not None
        and probe.sql == 'SELECT "name", "n" AS "tie_key_0" FROM t ORDER BY "n" DESC LIMIT 2'
    )
    assert tied(probe, rows(probe.sql)) and probe.keys == ['"n"']
    two = tie_probe('SELECT "name" FROM t ORDER BY "n" DESC LIMIT 2')
    assert two is not None and not tied(two, rows(two.sql))  # the third row has 3, not 5
    least = tie_probe('SELECT "name" FROM t ORDER BY "n" LIMIT 1')
    assert least is not None and not tied(least, rows(least.sql))


def test_order_by_an_alias_or_a_position_probes_the_selected_expression() -> None:
    probe = tie_probe('SELECT "name", "n" * 2 AS d FROM t ORDER BY d DESC LIMIT 1')
    assert probe is not None and '"n" * 2 AS "tie_key_0"' in probe.sql
    assert tied(probe, rows(probe.sql))
    by_position = tie_probe('SELECT "name", "n" FROM t ORDER BY 2 DESC, 1 LIMIT 1')
    assert by_position is not None and not tied(by_position, rows(by_position.sql))  # the name breaks it


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT "name" FROM t ORDER BY "n"',
        'SELECT "name" FROM t ORDER BY "n" LIMIT 1 OFFSET 1',
        'SELECT DISTINCT "name" FROM t ORDER BY "name" LIMIT 1',
        'SELECT * FROM t ORDER BY "n" LIMIT 1',
        'SELECT "name" FROM t ORDER BY "n" LIMIT 50',
        'SELECT "name" FROM t UNION SELECT "name" FROM t ORDER BY 1 LIMIT 1',
    ],
)
def test_other_queries_get_no_probe(sql: str) -> None:
    assert tie_probe(sql) is None
