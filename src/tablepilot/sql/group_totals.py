"""Sum per group where "which X has the greatest total Y" was answered from single rows.

``SELECT "District" FROM t ORDER BY "Electorates" DESC LIMIT 1`` names the district of the one
largest row; when districts repeat, "the greatest *total*" asks for the district whose rows add up
to the most: ``GROUP BY "District" ORDER BY SUM("Electorates") DESC``. Only that plain shape is
rewritten (one table, plain selected columns, one plain ORDER BY column, a LIMIT); a column whose
name already says it is a total is ordered by as it is.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from sqlglot import exp

from tablepilot.sql.dialects import parse_sql, read_dialect

#: words that make "the most Y" a sum over the rows of each answer ("the most total points")
_TOTAL = re.compile(r"(?i)\b(total|combined|altogether|in all|cumulative)\b|总|合计|累计|一共|加起来")
#: a column that already holds a total
_TOTAL_COLUMN = re.compile(r"(?i)total|\bsum\b|\ball\b|总|合计|累计")


def asks_total(question: str) -> bool:
    return bool(_TOTAL.search(question))


class Grouped(NamedTuple):
    sql: str  # grouped by the selected columns, ordered by the sum
    repeats: str  # finds a row when some key value repeats (else every row is its own total)
    keys: list[str]
    measure: str


def summed_per_group(sql: str, *, dialect: str = "duckdb") -> Grouped | None:
    """``sql`` grouped by its selected columns and ordered by the SUM of its ORDER BY column; None
    unless ``sql`` is an ungrouped pick of the top rows of one table by one plain column."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select) or tree.args.get("limit") is None:
        return None
    if any(tree.args.get(k) for k in ("group", "having", "distinct", "joins", "qualify", "windows")):
        return None
    order = tree.args.get("order")
    if order is None or len(order.expressions) != 1 or not isinstance(order.expressions[0].this, exp.Column):
        return None
    ordered = order.expressions[0]
    measure: exp.Column = ordered.this
    source = tree.args.get("from_")
    if _TOTAL_COLUMN.search(measure.name) or not isinstance(source, exp.From):
        return None
    if not isinstance(source.this, exp.Table):
        return None
    keys: list[exp.Column] = []
    for i, item in enumerate(tree.expressions):
        column = item.unalias()
        if not isinstance(column, exp.Column) or isinstance(column.this, exp.Star):
            return None
        if column.name.casefold() == measure.name.casefold():
            summed = exp.Sum(this=column.copy())
            tree.expressions[i] = exp.alias_(summed, item.alias_or_name, quoted=True)
        else:
            keys.append(column)
    if not keys:
        return None
    write = read_dialect(dialect)
    probe = tree.copy()
    probe.set("expressions", [k.copy() for k in keys])
    probe.set("order", None)
    probe.set("group", exp.Group(expressions=[k.copy() for k in keys]))
    probe.set(
        "having", exp.Having(this=exp.GT(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(1)))
    )
    probe.set("limit", exp.Limit(expression=exp.Literal.number(1)))
    tree.set("group", exp.Group(expressions=[k.copy() for k in keys]))
    ordered.set("this", exp.Sum(this=measure.copy()))
    return Grouped(
        tree.sql(dialect=write),
        probe.sql(dialect=write),
        [k.sql(dialect=write) for k in keys],
        measure.sql(dialect=write),
    )
