"""``a AND b AND c ILIKE '%x%' OR c ILIKE '%y%'``: two alternatives for one column, cut apart by AND.

SQL binds AND tighter than OR, so that condition reads as "(a and b and c is x) or c is y" and the
second alternative ignores every other condition. A model writing two patterns for the same column
side by side meant them as alternatives within the rest: ``a AND b AND (c ILIKE '%x%' OR c ILIKE
'%y%')``. Only that shape is regrouped: the OR's right side compares the very column that the last
condition before it compares.
"""

from __future__ import annotations

from sqlglot import exp

from tablepilot.sql.dialects import parse_sql, read_dialect

_COMPARISONS = (exp.EQ, exp.NEQ, exp.Like, exp.ILike, exp.In, exp.GT, exp.GTE, exp.LT, exp.LTE)


def _column(condition: exp.Expr) -> str | None:
    if isinstance(condition, _COMPARISONS) and isinstance(condition.this, exp.Column):
        return condition.this.sql().casefold()
    return None


def grouped_alternatives(sql: str, *, dialect: str = "duckdb") -> str | None:
    """``sql`` with each ``… AND c op x OR c op y`` regrouped as ``… AND (c op x OR c op y)``; None
    when no WHERE has that shape."""
    tree = parse_sql(sql, dialect)
    if tree is None:
        return None
    changed = False
    for where in list(tree.find_all(exp.Where)):
        top = where.this
        if not isinstance(top, exp.Or):
            continue
        alternatives = list(top.flatten())  # (a AND b AND c1), c2, c3 …
        head, rest = alternatives[0], alternatives[1:]
        if not isinstance(head, exp.And):
            continue
        *kept, last = list(head.flatten())
        column = _column(last)
        if column is None or not kept or any(_column(r) != column for r in rest):
            continue
        grouped = exp.Paren(this=exp.or_(last.copy(), *(r.copy() for r in rest)))
        where.set("this", exp.and_(*(k.copy() for k in kept), grouped))
        changed = True
    return tree.sql(dialect=read_dialect(dialect)) if changed else None
