"""Ordering by a date written without its year ('September 9') in the file's own order.

Such a column stays text (its typed view has only ``_month`` and ``_day``), so ``ORDER BY "Date"``
sorts it alphabetically: "when is the first game?" picks 'January 1' from a season that opens on
'September 9'. Even by month and day a season that crosses the new year reads wrong. When the file
lists the rows in date order, with at most one turn of the year, that order is the calendar's, and
the query is run ordered by the row number instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from sqlglot import exp

from tablepilot.cells import parse_date
from tablepilot.sql.dialects import parse_sql, read_dialect

#: share of the non-empty cells that must read as dates without a year
_DATED_SHARE = 0.8


def file_order_direction(texts: Sequence[str | None]) -> bool | None:
    """For a column's cells in the file's order: True when they are yearless dates listed from the
    earliest on (one turn of the year allowed), False when listed from the latest back, None when
    they are no such dates or in no date order."""
    cells = [t for t in texts if t is not None and t.strip()]
    dates = [parse_date(t) for t in cells]
    days = [(d.month, d.day or 0) for d in dates if d is not None and d.month is not None]
    if len(days) < 3 or len(days) < _DATED_SHARE * len(cells):
        return None
    if any(d is not None and d.year is not None for d in dates):
        return None
    steps = list(pairwise(days))
    up = sum(b > a for a, b in steps)
    down = sum(b < a for a, b in steps)
    if up and down <= 1 and (not down or days[-1] <= days[0]):
        return True
    if down and up <= 1 and (not up or days[-1] >= days[0]):
        return False
    return None


def ordered_key(sql: str, dialect: str) -> tuple[str, str] | None:
    """(table, column) of a one-table query ordered by one plain column; None for any other."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select) or tree.args.get("joins"):
        return None
    order = tree.args.get("order")
    tables = list(tree.find_all(exp.Table))
    if order is None or len(order.expressions) != 1 or len(tables) != 1:
        return None
    key = order.expressions[0].this
    return (tables[0].name, key.name) if isinstance(key, exp.Column) else None


def ordered_by_rowid(sql: str, ascending_file: bool, dialect: str) -> str | None:
    """The query from :func:`ordered_key` ordered by the row number: the same way when the file
    runs from the earliest date, the other way when it runs from the latest."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select) or tree.args.get("order") is None:
        return None
    ordered = tree.args["order"].expressions[0]
    ordered.set("this", exp.column("rowid"))
    if not ascending_file:
        ordered.set("desc", not ordered.args.get("desc"))
    ordered.set("nulls_first", None)
    return tree.sql(dialect=read_dialect(dialect))
