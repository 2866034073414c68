"""Leaving the named row out of "the others that share its value".

"Which high school left the same year as Fenton?" becomes
``… WHERE "Left" = (SELECT "Left" FROM t WHERE "High School" = 'Fenton')``, which lists Fenton
itself among the answers. When the question asks for the same value as a named row (or for the
others, who also…), the query is run without the row its subquery names.
"""

from __future__ import annotations

import re

from sqlglot import exp

from tablepilot.sql.clauses import conjuncts
from tablepilot.sql.dialects import parse_sql, read_dialect

#: "the same year as X", "other directors from X's state", "who also won …"
ASKS_OTHERS = re.compile(r"(?i)\b(same|other|others|also|another|besides)\b|同一|相同|其他|其它|另外")


def _pinned_row(query: exp.Expr) -> exp.EQ | None:
    """The one ``column = 'text'`` condition of a subquery's WHERE."""
    where = query.args.get("where") if isinstance(query, exp.Select) else None
    if where is None:
        return None
    named = [
        c
        for c in conjuncts(where)
        if isinstance(c, exp.EQ) and isinstance(c.this, exp.Column) and isinstance(c.expression, exp.Literal)
    ]
    return named[0] if len(named) == 1 and named[0].expression.is_string else None


def without_named_row(sql: str, *, dialect: str = "duckdb") -> tuple[str, str, str] | None:
    """``sql`` with ``AND key <> 'Z'`` for its condition ``x = (SELECT x … WHERE key = 'Z')`` on
    the same table, that key condition as written and Z; None for any other query."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select) or tree.args.get("joins") or tree.args.get("where") is None:
        return None
    source = tree.args.get("from_")
    outer = {t.name.casefold() for t in source.find_all(exp.Table)} if source is not None else set()
    found = []
    for condition in conjuncts(tree.args["where"]):
        if not isinstance(condition, (exp.EQ, exp.In)):
            continue
        sub = condition.expression if isinstance(condition, exp.EQ) else condition.args.get("query")
        inner = sub.this if isinstance(sub, exp.Subquery) else sub
        if not isinstance(inner, exp.Select):
            continue
        read = {t.name.casefold() for t in inner.find_all(exp.Table)}
        pinned = _pinned_row(inner)
        if pinned is not None and read == outer and len(outer) == 1:
            found.append(pinned)
    if len(found) != 1:
        return None
    pinned = found[0]
    key = exp.column(pinned.this.name, quoted=True)
    already = any(
        isinstance(c, exp.NEQ) and isinstance(c.this, exp.Column) and c.this.name == key.name
        for c in conjuncts(tree.args["where"])
    )
    if already:
        return None
    tree.where(exp.NEQ(this=key, expression=pinned.expression.copy()), copy=False)
    write = read_dialect(dialect)
    return tree.sql(dialect=write), pinned.sql(dialect=write), str(pinned.expression.this)
