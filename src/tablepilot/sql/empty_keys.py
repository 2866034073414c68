"""Leave out rows whose key is empty when a query picks the top of an ordered list.

"Which month were the least games held in?" over a table with one undated row ("Bye") becomes
``GROUP BY DATE_PART('month', "Date") ORDER BY COUNT(*) LIMIT 1``, and the empty month, with its
one row, is the answer. An empty group is never what "which" or "the most" points at, so the same
query is run again with ``<key> IS NOT NULL``.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from tablepilot.sql.clauses import refers_to
from tablepilot.sql.dialects import parse_sql, read_dialect


def without_empty_keys(
    sql: str, positions: Sequence[int], *, dialect: str = "duckdb"
) -> tuple[str, list[str]] | None:
    """``sql`` keeping only rows where the group keys selected at ``positions`` are not NULL, and
    those keys as written; None unless ``sql`` is one grouped SELECT that orders and limits (a pick
    of the top group), or when no selected key is at ``positions``. An empty context column of an
    ungrouped pick is left alone: the row may still be the one asked for."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select) or tree.args.get("order") is None or tree.args.get("limit") is None:
        return None
    group = tree.args.get("group")
    if group is None:
        return None
    write = read_dialect(dialect)
    keys = []
    for i in positions:
        if i >= len(tree.expressions):
            continue
        selected = tree.expressions[i]
        key = selected.unalias()
        if not refers_to(group.expressions, selected, i, dialect):
            continue
        if key.find(exp.AggFunc, exp.Window, exp.Subquery) or not key.find(exp.Column):
            continue
        keys.append(key.copy())
    if not keys:
        return None
    for key in keys:
        tree.where(exp.Not(this=exp.Is(this=key.copy(), expression=exp.Null())), copy=False)
    return tree.sql(dialect=write), [k.sql(dialect=write) for k in keys]
