"""``+ 1`` written inside a subquery's filter, next to a name, meant for the subquery's value.

"Who finished next after Federica Brignone?" becomes
``"Rank" = (SELECT "Rank" FROM t WHERE "Name" = 'Federica Brignone' + 1)``: the offset lands on the
name, which DuckDB cannot add to ("Could not choose a best candidate function for the function call
+(STRING_LITERAL, INTEGER_LITERAL)"), and the repair repeats it. Text plus a number has no other
reading, so before the guard the offset is moved onto the subquery:
``(SELECT "Rank" FROM t WHERE "Name" = 'Federica Brignone') + 1``.
"""

from __future__ import annotations

from sqlglot import exp

from tablepilot.sql.clauses import conjuncts
from tablepilot.sql.dialects import parse_sql, read_dialect


def offset_outside(sql: str, *, dialect: str = "duckdb") -> str | None:
    """``sql`` with each ``= 'text' ± n`` in a scalar subquery's WHERE written as the subquery ± n;
    None when there is none (or the query does not parse)."""
    tree = parse_sql(sql, dialect)
    if tree is None:
        return None
    changed = False
    for subquery in list(tree.find_all(exp.Subquery)):
        select = subquery.this
        where = select.args.get("where") if isinstance(select, exp.Select) else None
        if where is None or len(select.expressions) != 1:
            continue
        offsets = [c for c in conjuncts(where) if isinstance(c, exp.EQ) and _text_plus_number(c.expression)]
        if len(offsets) != 1:
            continue
        condition = offsets[0]
        arithmetic = condition.expression
        condition.set("expression", arithmetic.this.copy())
        moved = type(arithmetic)(this=subquery.copy(), expression=arithmetic.expression.copy())
        subquery.replace(exp.Paren(this=moved) if isinstance(subquery.parent, (exp.Sub, exp.Add)) else moved)
        changed = True
    return tree.sql(dialect=read_dialect(dialect)) if changed else None


def _text_plus_number(e: exp.Expr) -> bool:
    return (
        isinstance(e, (exp.Add, exp.Sub))
        and isinstance(e.this, exp.Literal)
        and e.this.is_string
        and isinstance(e.expression, exp.Literal)
        and not e.expression.is_string
    )
