"""DuckDB's dynamic ``PIVOT t ON col USING …`` made static: ``ON col IN ('a', 'b', …)``.

Without an ``IN`` list DuckDB first looks the values up and runs the pivot as a multi-statement
batch, which the locked engine refuses (it runs single SELECTs only). The values are looked up here
with one ordinary read-only query per pivoted column, in the order DuckDB itself would use (sorted,
NULL left out), so the result has the same columns as the dynamic form.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from tablepilot.errors import QueryError

#: more columns than this is a pivot on the wrong column (an id or an amount), not a useful table
MAX_PIVOT_VALUES = 200

Lookup = Callable[[str], Sequence[Sequence[Any]]]


def is_dynamic_pivot(sql: str) -> bool:
    root = _parse(sql)
    return root is not None and any(not isinstance(e, exp.In) for e in root.expressions)


def _parse(sql: str) -> exp.Pivot | None:
    if "pivot" not in sql.lower():
        return None
    try:
        root = sqlglot.parse_one(sql, read="duckdb")
    except ParseError:
        return None
    return root if isinstance(root, exp.Pivot) and not root.args.get("unpivot") else None


def static_pivot(sql: str, lookup: Lookup, *, max_values: int = MAX_PIVOT_VALUES) -> str:
    """``sql`` with an ``IN`` list for every pivoted column that lacks one; other SQL unchanged.

    ``lookup`` runs a read-only query and returns its rows (the engine's ``execute``).
    """
    root = _parse(sql)
    if root is None or all(isinstance(e, exp.In) for e in root.expressions):
        return sql
    source = root.this
    with_ = root.args.get("with_") or root.args.get("with")
    prefix = f"{with_.sql(dialect='duckdb')} " if isinstance(with_, exp.Expr) else ""
    fixed = []
    for on in root.expressions:
        if isinstance(on, exp.In):
            fixed.append(on)
            continue
        expr = on.sql(dialect="duckdb")
        query = (
            f"{prefix}SELECT CAST(v AS VARCHAR) FROM (SELECT DISTINCT {expr} AS v FROM "
            f"{source.sql(dialect='duckdb')} WHERE {expr} IS NOT NULL) ORDER BY v LIMIT {max_values + 1}"
        )
        values = [row[0] for row in lookup(query)]
        if len(values) > max_values:
            raise QueryError(
                f"pivoting on {expr} would make more than {max_values} columns",
                hint="pivot on a column with few distinct values (a month, a region), not on an id or amount",
                sql=sql,
            )
        if not values:
            raise QueryError(
                f"the pivot column {expr} has no values", hint="pivot on a column that has values", sql=sql
            )
        fixed.append(exp.In(this=on.copy(), expressions=[exp.Literal.string(str(v)) for v in values]))
    rewritten = root.copy()
    rewritten.set("expressions", fixed)
    return rewritten.sql(dialect="duckdb")
