"""Which source column each output column of a query passes through unchanged, if any.

An answer shows a looked-up cell the way the sheet wrote it ("-700,450.60"); that needs to know that
``SELECT "2020年度" AS "损失金额"`` returns the cells of "2020年度" untouched, while
``SUM("2020年度")`` computes new values.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from tablepilot.sql.dialects import read_dialect


def passthrough_columns(sql: str, *, dialect: str = "duckdb") -> list[str | None]:
    """Per output column of the top-level SELECT: the column whose cells it returns, else None.

    ``[]`` when the query cannot be read or is not a single SELECT (a UNION, a star …).
    """
    try:
        tree = sqlglot.parse_one(sql, read=read_dialect(dialect))
    except (sqlglot.errors.ParseError, RecursionError):
        return []
    if not isinstance(tree, exp.Select) or any(isinstance(e, exp.Star) for e in tree.expressions):
        return []
    sources: list[str | None] = []
    for expression in tree.expressions:
        inner = expression.this if isinstance(expression, exp.Alias) else expression
        if isinstance(inner, exp.AggFunc) and isinstance(inner.this, exp.Column):
            # MAX/MIN return a cell as is; a SUM/AVG equal to a cell of the column is that same
            # number, so showing it as written is still the truth
            inner = inner.this
        sources.append(
            inner.name if isinstance(inner, exp.Column) and not isinstance(inner.this, exp.Star) else None
        )
    return sources
