"""Counting the groups a grouped count stands for.

"How many countries appear at least four times?" becomes
``SELECT COUNT(DISTINCT "Final") FROM t GROUP BY "Final" HAVING COUNT(*) >= 4``: one row per country,
each saying 1 (or each country's own count), where one number was asked, the count of such
countries. When a question asks for one number and the query counts within groups that a HAVING
picks (or counts its own group key), the ask loop counts the groups instead:
``SELECT COUNT(*) FROM (SELECT "Final" FROM t GROUP BY "Final" HAVING COUNT(*) >= 4)``.
"""

from __future__ import annotations

from sqlglot import exp

from tablepilot.sql.dialects import parse_sql, read_dialect


def _key_names(group: exp.Group) -> set[str]:
    return {k.name.casefold() for k in group.expressions if isinstance(k, exp.Column)}


def groups_counted(sql: str, *, dialect: str = "duckdb") -> str | None:
    """The count of the groups ``sql`` makes, for a query whose only output is a count per group
    (under a HAVING, or of the group key itself); None for any other query or one that does not
    parse. A query that orders or limits its groups picks one of them and is left alone."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select):
        return None
    group = tree.args.get("group")
    if group is None or tree.args.get("order") is not None or tree.args.get("limit") is not None:
        return None
    key_names = _key_names(group)
    outputs = [e.unalias() for e in tree.expressions]
    counts = [e for e in outputs if isinstance(e, exp.Count)]
    others = [e for e in outputs if not isinstance(e, exp.Count)]
    if len(counts) != 1 or not all(
        isinstance(e, exp.Column) and e.name.casefold() in key_names for e in others
    ):
        return None  # the count beside group keys only ("Final", COUNT(*)), nothing else
    arg = counts[0].this
    counted = (
        (arg.expressions[0] if len(arg.expressions) == 1 else None) if isinstance(arg, exp.Distinct) else arg
    )
    of_key = isinstance(counted, exp.Column) and counted.name.casefold() in key_names
    if tree.args.get("having") is None and not of_key:
        return None
    keys = [k.copy() for k in group.expressions]
    if not keys or any(isinstance(k, exp.Literal) for k in keys):
        return None  # GROUP BY 1: a position, which the inner select would no longer have
    inner = tree.copy()
    inner.set("expressions", keys)
    outer = exp.select(exp.Count(this=exp.Star())).from_(inner.subquery("groups"))
    return outer.sql(dialect=read_dialect(dialect))
