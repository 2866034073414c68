"""Asked for "the five most expensive", answered with the one most expensive: ``x = (SELECT MAX(x) …)``.

A small model reaches for the extreme value when the question asks for the N rows with the
largest (smallest) values, and the query returns the one row that holds it, or the few that tie.
The same query without that condition, ordered by the value and cut at N, is what was asked.
"""

from __future__ import annotations

from sqlglot import exp

from tablepilot.sql.clauses import conjuncts
from tablepilot.sql.dialects import parse_sql, read_dialect


def top_n_instead_of_extreme(sql: str, n: int, *, dialect: str = "duckdb") -> str | None:
    """``sql`` with its one ``x = (SELECT MAX(x) …)`` (or ``IN``, or ``MIN``) condition replaced by
    ``ORDER BY x DESC LIMIT n`` (``ASC`` for MIN); None for any other query (grouped, aggregated,
    already ordered, or with no such condition)."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select) or tree.args.get("group") or tree.args.get("order"):
        return None
    if any(e.find(exp.AggFunc) for e in tree.expressions):
        return None
    where = tree.args.get("where")
    if where is None:
        return None
    terms = conjuncts(where)
    found = [(i, pick) for i, t in enumerate(terms) if (pick := _extreme_pick(t)) is not None]
    if len(found) != 1:
        return None
    i, (column, largest) = found[0]
    rest = [t.copy() for j, t in enumerate(terms) if j != i]
    tree.set("where", exp.Where(this=exp.and_(*rest)) if rest else None)
    tree.set("order", exp.Order(expressions=[exp.Ordered(this=column.copy(), desc=largest)]))
    tree.set("limit", exp.Limit(expression=exp.Literal.number(n)))
    return tree.sql(dialect=read_dialect(dialect))


def _extreme_pick(term: exp.Expr) -> tuple[exp.Column, bool] | None:
    """(x, True for MAX) of ``x = (SELECT MAX(x) FROM …)`` or ``x IN (SELECT MAX(x) FROM …)``."""
    if isinstance(term, exp.EQ):
        column, query = term.this, term.expression
    elif isinstance(term, exp.In) and term.args.get("query") is not None:
        column, query = term.this, term.args["query"]
    else:
        return None
    query = query.this if isinstance(query, exp.Subquery) else query
    if not isinstance(column, exp.Column) or not isinstance(query, exp.Select) or len(query.expressions) != 1:
        return None
    agg = query.expressions[0].unalias()
    if not isinstance(agg, (exp.Max, exp.Min)) or not isinstance(agg.this, exp.Column):
        return None
    if agg.this.name.casefold() != column.name.casefold():
        return None
    return column, isinstance(agg, exp.Max)
