"""A difference between two rows written as one row minus itself.

"What is the difference in medals for Fiji and Tonga?" becomes
``SELECT "Gold" - "Gold" FROM t WHERE "Nation" IN ('Tonga', 'Fiji')``: each row minus itself, 0 for
both, and ``WHERE "Location" = 'A' AND "Location" = 'B'`` finds no row at all. The query meant
the value of one named row minus that of the other, so it is run as two scalar subqueries, the
row the question names first minus the other, each keeping the query's other conditions.
"""

from __future__ import annotations

import re

from sqlglot import exp

from tablepilot.linking import normalize
from tablepilot.sql.clauses import conjuncts
from tablepilot.sql.dialects import parse_sql, read_dialect


def _pair(conditions: list[exp.Expr]) -> tuple[exp.Column, list[exp.Literal], list[exp.Expr]] | None:
    """The column two named rows are picked by, their two values, and the other conditions."""
    for i, c in enumerate(conditions):
        rest = conditions[:i] + conditions[i + 1 :]
        if isinstance(c, exp.In) and isinstance(c.this, exp.Column) and len(c.expressions) == 2:
            values = [v for v in c.expressions if isinstance(v, exp.Literal)]
            if len(values) == 2:
                return c.this, values, rest
        if isinstance(c, exp.Or):
            sides = [s.unnest() for s in (c.this, c.expression)]
            if all(isinstance(s, exp.EQ) and isinstance(s.expression, exp.Literal) for s in sides):
                columns = [s.this for s in sides]
                if all(isinstance(col, exp.Column) for col in columns) and _same(columns[0], columns[1]):
                    return columns[0], [s.expression for s in sides], rest
    equal = [
        c
        for c in conditions
        if isinstance(c, exp.EQ) and isinstance(c.this, exp.Column) and isinstance(c.expression, exp.Literal)
    ]
    for i, a in enumerate(equal):
        for b in equal[i + 1 :]:
            if _same(a.this, b.this) and a.expression.this != b.expression.this:
                rest = [c for c in conditions if c is not a and c is not b]
                return a.this, [a.expression, b.expression], rest
    return None


def _position(text: str, value: str) -> int:
    """Where ``value`` stands in ``text`` as a whole word, else anywhere; -1 when nowhere."""
    match = re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text)
    return match.start() if match else text.find(value)


def _same(a: exp.Expr, b: exp.Expr) -> bool:
    return isinstance(a, exp.Column) and isinstance(b, exp.Column) and a.name.casefold() == b.name.casefold()


def split_difference(sql: str, question: str, *, dialect: str = "duckdb") -> str | None:
    """``sql``'s ``"x" - "x"`` over two named rows as ``(x of the first named) - (x of the other)``;
    None for any other query."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select) or len(tree.expressions) != 1 or tree.args.get("joins"):
        return None
    if tree.args.get("group") is not None or tree.args.get("where") is None:
        return None
    output = tree.expressions[0].unalias()
    if not isinstance(output, exp.Sub) or not _same(output.this, output.expression):
        return None
    pair = _pair(conjuncts(tree.args["where"]))
    if pair is None:
        return None
    key, values, rest = pair
    asked = normalize(question)
    at = [_position(asked, normalize(str(v.this))) for v in values]
    if at[0] >= 0 and at[1] >= 0 and at[1] < at[0]:
        values = [values[1], values[0]]  # the row the question names first comes first

    def one(value: exp.Literal) -> exp.Expr:
        part = tree.copy()
        part.set("expressions", [output.this.copy()])
        part.set("limit", None)
        part.set("order", None)
        condition = exp.EQ(this=key.copy(), expression=value.copy())
        part.set("where", exp.Where(this=exp.and_(condition, *(c.copy() for c in rest))))
        return exp.Subquery(this=part)

    alias = tree.expressions[0].alias
    difference: exp.Expr = exp.Sub(this=one(values[0]), expression=one(values[1]))
    selected = exp.alias_(difference, alias) if alias else difference
    return exp.select(selected).sql(dialect=read_dialect(dialect))
