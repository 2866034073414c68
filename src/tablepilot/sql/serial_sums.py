"""A serial number summed: "what are the total number of temples in itano?" as ``SUM("No.")``.

A column that numbers the rows 1, 2, 3 … counts nothing; summing the numbers of the rows picked
(3 + 4 + 5 = 12) answers no question, while counting them (3) answers the one asked. Each
``SUM(column)`` over such a column becomes ``COUNT(column)``.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from tablepilot.sql.dialects import parse_sql, read_dialect


def counted_serials(
    sql: str, is_serial: Callable[[str], bool], *, dialect: str = "duckdb"
) -> tuple[str, str] | None:
    """(``sql`` with ``SUM(c)`` as ``COUNT(c)`` for each summed column ``is_serial`` accepts, the
    first such column); None when no sum is of a serial column."""
    tree = parse_sql(sql, dialect)
    if tree is None:
        return None
    changed: list[str] = []
    for total in list(tree.find_all(exp.Sum)):
        column = total.this
        if isinstance(column, exp.Column) and not total.args.get("distinct") and is_serial(column.name):
            total.replace(exp.Count(this=column.copy()))
            changed.append(column.name)
    if not changed:
        return None
    return tree.sql(dialect=read_dialect(dialect)), changed[0]
