"""Rows that meet each of two conditions asked with "both": one query per condition, intersected.

"Which committees have delegates from both the democratic party and the liberal party?" is
answered with ``WHERE "Party" = 'Democratic' OR "Party" = 'Liberal'`` (either party), or with
``"Party" IN ('Democratic', 'Liberal')``, or with ``"Age" < 30 AND "Age" > 40``, which no single row
meets. Each row holds one party; the committee is the thing that has both, so the query is asked
once per condition and the answers intersected (``INTERSECT``), as SQL writes "both".
"""

from __future__ import annotations

import re

from sqlglot import exp

from tablepilot.sql.clauses import conjuncts
from tablepilot.sql.dialects import parse_sql, read_dialect

#: "both A and B", "A 和 B 都…", "既…又…"
ASKS_BOTH = re.compile(r"(?i)\bboth\b|既.+又|同时.+和")


def intersected(sql: str, *, dialect: str = "duckdb") -> str | None:
    """``sql`` as the INTERSECT of two copies, each keeping one of its two alternatives (an OR of
    two, an IN of two values, or two conditions on one column); None when it has no such pair, or
    is grouped, aggregated, limited or not one plain SELECT (an ORDER BY without a LIMIT is dropped)."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select) or tree.args.get("group"):
        return None
    if tree.args.get("limit") or any(e.find(exp.AggFunc) for e in tree.expressions):
        return None
    tree.set("order", None)  # a set has no order; without a LIMIT the order picked nothing
    where = tree.args.get("where")
    if where is None:
        return None
    terms = conjuncts(where)
    split = _split(terms)
    if split is None:
        return None
    drop, first, second = split
    rest = [t for i, t in enumerate(terms) if i not in drop]
    copies = []
    for one in (first, second):
        copy = tree.copy()
        copy.set("where", exp.Where(this=exp.and_(*(t.copy() for t in rest), one.copy())))
        copies.append(copy)
    both = exp.Intersect(this=copies[0], expression=copies[1], distinct=True)
    return both.sql(dialect=read_dialect(dialect))


def _split(terms: list[exp.Expr]) -> tuple[set[int], exp.Expr, exp.Expr] | None:
    """(the terms replaced, the first alternative, the second)."""
    for i, term in enumerate(terms):
        inner = term.unnest()
        if isinstance(inner, exp.Or) and not isinstance(inner.this.unnest(), exp.Or):
            return {i}, inner.this.unnest(), inner.expression.unnest()
        if isinstance(inner, exp.In) and len(inner.expressions) == 2 and not inner.args.get("query"):
            a, b = inner.expressions
            return (
                {i},
                exp.EQ(this=inner.this.copy(), expression=a.copy()),
                exp.EQ(this=inner.this.copy(), expression=b.copy()),
            )
    on_column: dict[str, list[int]] = {}
    for i, term in enumerate(terms):
        compares = isinstance(term, (exp.EQ, exp.GT, exp.GTE, exp.LT, exp.LTE))
        if compares and isinstance(term.this, exp.Column) and isinstance(term.expression, exp.Literal):
            on_column.setdefault(term.this.sql().casefold(), []).append(i)
    pairs = [found for found in on_column.values() if len(found) == 2]
    if len(pairs) != 1:
        return None
    i, j = pairs[0]
    a, b = terms[i], terms[j]
    if isinstance(a, exp.EQ) != isinstance(b, exp.EQ) or (
        isinstance(a, exp.EQ) and a.expression == b.expression
    ):
        return None
    if not isinstance(a, exp.EQ) and not _apart(a, b):
        return None
    return {i, j}, a, b


def _apart(a: exp.Expr, b: exp.Expr) -> bool:
    """Two bounds no value meets at once: ``< 30`` and ``> 40`` (not ``> 10`` and ``< 20``, a range)."""
    below = (exp.LT, exp.LTE)
    above = (exp.GT, exp.GTE)
    try:
        x, y = float(a.expression.this), float(b.expression.this)
    except (TypeError, ValueError):
        return False
    if isinstance(a, below) and isinstance(b, above):
        return x <= y
    if isinstance(a, above) and isinstance(b, below):
        return y <= x
    return False
