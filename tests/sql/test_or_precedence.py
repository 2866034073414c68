"""Two alternatives for one column, cut apart from the other conditions by AND, are grouped."""

from __future__ import annotations

import pytest

from tablepilot.sql.or_precedence import grouped_alternatives


def test_alternatives_for_the_last_column_are_grouped_within_the_rest() -> None:
    sql = "SELECT y FROM t WHERE p = 'ZX' AND n ILIKE '%business%' OR n ILIKE '%sim%' OR n = 'x'"
    assert grouped_alternatives(sql) == (
        "SELECT y FROM t WHERE p = 'ZX' AND (n ILIKE '%business%' OR n ILIKE '%sim%' OR n = 'x')"
    )


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT x FROM t WHERE a = 1 AND b = 2 OR c = 3",  # another column: meant as written, maybe
        "SELECT x FROM t WHERE a = 1 OR a = 3",
        "SELECT x FROM t WHERE a = 1 AND (b = 2 OR b = 3)",
        "not sql (",
    ],
)
def test_other_conditions_are_left_as_written(sql: str) -> None:
    assert grouped_alternatives(sql) is None
