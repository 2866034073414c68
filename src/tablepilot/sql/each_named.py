"""One aggregate over several named rows, when the question asks for each of them.

"A与B这两个小区的平均房价分别是多少？" answered with ``SELECT AVG("成交均价") … WHERE "项目名称" IN
('A', 'B')``: one number made of two, where two were asked ("分别", "respectively", "each", or an
average of a column that already holds each row's average: no one asks for an average of those). The
same query grouped by the column that names them gives one row per named value, its name first so
that each number says whose it is.
"""

from __future__ import annotations

import re

from sqlglot import exp

from tablepilot.sql.clauses import conjuncts
from tablepilot.sql.dialects import parse_sql, read_dialect

_PER_ROW = (exp.Avg, exp.Sum, exp.Max, exp.Min)
#: a column that already holds an average or a rate: "成交均价", "Average speed", "Win rate"
_ALREADY_AVERAGED = re.compile(r"(?i)均|\b(avg|average|mean|rate|ratio|per)\b|率|比例|%")


def averages_averages(sql: str, *, dialect: str = "duckdb") -> bool:
    """The query's only outputs are averages of columns that already hold an average (``AVG("成交均价")``
    over two named estates: "这两个小区的平均房价是多少" asks for each one's average price)."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select) or not tree.expressions:
        return False
    for selected in tree.expressions:
        avg = selected.unalias()
        column = avg.this if isinstance(avg, exp.Avg) else None
        if not isinstance(column, exp.Column) or not _ALREADY_AVERAGED.search(column.name):
            return False
    return True


def grouped_by_named(
    sql: str, column: str, values: tuple[str, ...], *, dialect: str = "duckdb"
) -> str | None:
    """``sql`` grouped by ``column`` with it selected first, when ``sql`` is an ungrouped SELECT of
    averages, sums, maxima or minima only, whose WHERE keeps ``column`` to exactly ``values`` (``IN``
    or ``=`` joined by ``OR``); None for any other query."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select) or tree.args.get("group") or tree.args.get("distinct"):
        return None
    if tree.args.get("joins") or not tree.expressions:
        return None
    for selected in tree.expressions:
        if not isinstance(selected.unalias(), _PER_ROW):
            return None
    where = tree.args.get("where")
    if where is None:
        return None
    keys = [c for c in conjuncts(where) if _keeps_to(c, column, values)]
    if len(keys) != 1:
        return None
    name = next(c for c in keys[0].find_all(exp.Column) if c.name.casefold() == column.casefold())
    tree.set("expressions", [name.copy(), *(s.copy() for s in tree.expressions)])
    tree.set("group", exp.Group(expressions=[name.copy()]))
    return tree.sql(dialect=read_dialect(dialect))


def _keeps_to(condition: exp.Expr, column: str, values: tuple[str, ...]) -> bool:
    """``column IN (values)`` or ``column = v1 OR column = v2 …``, with exactly ``values``."""
    wanted = {v.casefold() for v in values}
    condition = condition.unnest()
    if isinstance(condition, exp.In):
        named = condition.this
        listed = condition.expressions
        return (
            isinstance(named, exp.Column)
            and named.name.casefold() == column.casefold()
            and all(isinstance(v, exp.Literal) and v.is_string for v in listed)
            and {str(v.this).casefold() for v in listed} == wanted
        )
    equalities: list[exp.Expr] = []
    node: exp.Expr = condition
    while isinstance(node, exp.Or):
        equalities.append(node.expression)
        node = node.this
    equalities.append(node)
    seen = set()
    for eq in equalities:
        eq = eq.unnest()
        if not (
            isinstance(eq, exp.EQ)
            and isinstance(eq.this, exp.Column)
            and eq.this.name.casefold() == column.casefold()
            and isinstance(eq.expression, exp.Literal)
            and eq.expression.is_string
        ):
            return False
        seen.add(str(eq.expression.this).casefold())
    return len(equalities) >= 2 and seen == wanted
