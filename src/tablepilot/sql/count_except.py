"""Mend ``SELECT COUNT(*) FROM a EXCEPT SELECT id FROM b``: a count set-subtracted by ids.

"How many people are not body builders?" comes out of small models as a count EXCEPT a list of
ids. It runs, and returns the count unless some id happens to equal it: an answer that looks
right and is not. What was meant is a count of the rows of ``a`` whose id is not among ``b``'s,
so that is the query run instead (``WHERE id NOT IN (SELECT id FROM b)``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from sqlglot import exp

from tablepilot.sql.clauses import alias_identifier
from tablepilot.sql.dialects import parse_sql, read_dialect


def count_not_in(sql: str, columns: Mapping[str, Collection[str]], *, dialect: str = "duckdb") -> str | None:
    """``sql`` as ``SELECT COUNT(*) FROM a WHERE a.id NOT IN (SELECT id FROM b)``; None unless it is
    a lone ``SELECT COUNT(…) FROM a … EXCEPT SELECT <column> FROM b …`` whose column ``a`` also has."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Except):
        return None
    left, right = tree.this, tree.expression
    if not (isinstance(left, exp.Select) and isinstance(right, exp.Select)):
        return None
    if len(left.expressions) != 1 or not isinstance(left.expressions[0].unalias(), exp.Count):
        return None
    if left.args.get("group") or left.args.get("joins") or len(right.expressions) != 1:
        return None
    source = left.args.get("from_")
    taken = right.expressions[0].unalias()
    if source is None or not isinstance(source.this, exp.Table) or not isinstance(taken, exp.Column):
        return None
    held = {
        c.casefold(): c
        for t, cols in columns.items()
        if t.casefold() == source.this.name.casefold()
        for c in cols
    }
    own = held.get(taken.name.casefold())
    if own is None:
        return None
    key = exp.column(exp.to_identifier(own, quoted=True), table=alias_identifier(source.this))
    mended = left.copy()
    mended.where(exp.Not(this=exp.In(this=key, query=exp.Subquery(this=right.copy()))), copy=False)
    return mended.sql(dialect=read_dialect(dialect))
