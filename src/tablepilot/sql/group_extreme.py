"""The one group with the largest (smallest) measure, where every group's measure came back.

"哪个地区的销售额最高？" answered with ``SELECT "地区", MAX("销售额") FROM sales GROUP BY "地区"``
lists every region beside its measure and leaves the pick to the reader. The question asks for the
top one, so the ask loop orders the groups by that measure and keeps the first:
``… GROUP BY "地区" ORDER BY MAX("销售额") DESC LIMIT 1``. The model's measure (MAX, SUM, COUNT)
is kept as written; only the pick it left out is added.
"""

from __future__ import annotations

from sqlglot import exp

from tablepilot.sql.dialects import parse_sql, read_dialect


def top_group(sql: str, largest: bool, *, dialect: str = "duckdb") -> str | None:
    """``sql`` ordered by its one aggregate output (descending when ``largest``) and cut at one row;
    None unless ``sql`` is a grouped SELECT that neither orders nor limits and outputs exactly one
    aggregate beside plain columns."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select) or tree.args.get("group") is None:
        return None
    if tree.args.get("order") is not None or tree.args.get("limit") is not None:
        return None
    outputs = [e.unalias() for e in tree.expressions]
    measures = [e for e in outputs if e.find(exp.AggFunc)]
    if len(measures) != 1 or not all(isinstance(e, exp.Column) for e in outputs if e is not measures[0]):
        return None
    tree.set("order", exp.Order(expressions=[exp.Ordered(this=measures[0].copy(), desc=largest)]))
    tree.set("limit", exp.Limit(expression=exp.Literal.number(1)))
    return tree.sql(dialect=read_dialect(dialect))
