"""Aggregates of aggregates, which no SQL engine runs, read the one way each can mean.

"What is the least number of ways…" comes back as ``SELECT MIN(COUNT(*)) FROM t WHERE …``, and a
small model sends the same nesting back in its repair ("aggregate function calls cannot be
nested"). Before the guard:

- without a GROUP BY there is one group, so the outer aggregate of its one value is that value:
  ``MIN(COUNT(*))`` is ``COUNT(*)``;
- with a GROUP BY the outer aggregate is over the groups: ``SELECT MAX(SUM(x)) … GROUP BY k`` is
  ``SELECT MAX(v) FROM (SELECT SUM(x) AS v … GROUP BY k)``.

A query with no nested aggregate is returned as None, so one that runs is never changed.
"""

from __future__ import annotations

from sqlglot import exp

from tablepilot.sql.dialects import parse_sql, read_dialect

_OUTER = (exp.Min, exp.Max, exp.Sum, exp.Avg, exp.Count)


def unnested_aggregates(sql: str, *, dialect: str = "duckdb") -> str | None:
    """``sql`` with its selected aggregates of aggregates read as above; None when it has none (in
    its outer SELECT), selects anything besides them, or does not parse."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select):
        return None
    selected = [e.unalias() for e in tree.expressions]
    nested = [e for e in selected if isinstance(e, _OUTER) and isinstance(e.this, exp.AggFunc)]
    if not nested or len(nested) != len(selected):
        return None
    write = read_dialect(dialect)
    if tree.args.get("group") is None:
        for outer in nested:
            outer.replace(outer.this.copy())
        return tree.sql(dialect=write)
    if len(nested) != 1:
        return None
    outer = nested[0]
    inner = tree.copy()
    inner.set("expressions", [exp.alias_(outer.this.copy(), "v", quoted=True)])
    for clause in ("order", "limit", "offset"):
        inner.set(clause, None)
    alias = tree.expressions[0].alias
    value = type(outer)(this=exp.column("v", quoted=True))
    query = exp.select(exp.alias_(value, alias, quoted=True) if alias else value).from_(
        exp.Subquery(this=inner, alias=exp.TableAlias(this=exp.to_identifier("groups")))
    )
    return query.sql(dialect=write)
