"""Text patterns on columns that are not text: ``"Date" LIKE '2008-12%'`` matched on the written form.

DuckDB has no LIKE for dates or numbers ("No function matches the given name and argument types
'~~(DATE, STRING_LITERAL)'"), and a small model sends the same query back in its repair. Such a
pattern is always written against the value's text form (``'2008-12%'``, ``'19%'``), so the
column is cast to text before the guard, the one reading the pattern can have.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlglot import exp

from tablepilot.sql.clauses import column_type, parsed_scopes, table_of, typed_names
from tablepilot.sql.dialects import read_dialect

_TEXT_TYPES = ("CHAR", "TEXT", "STRING", "CLOB", "JSON", "UUID", "ENUM")


def is_text_type(type_name: str) -> bool:
    upper = type_name.upper()
    return not upper or any(t in upper for t in _TEXT_TYPES)


def patterns_on_text(
    sql: str, types: Mapping[str, Mapping[str, str]], *, dialect: str = "duckdb"
) -> str | None:
    """``sql`` with every column of a known non-text type under LIKE/ILIKE cast to text; None when
    there is none (or the query does not parse). ``types``: table → column → type name."""
    known = typed_names(types)
    parsed = parsed_scopes(sql, dialect)
    if parsed is None:
        return None
    tree, scopes = parsed
    changed = False
    for scope, tables in scopes:
        for pattern in scope.find_all(exp.Like, exp.ILike):
            column = pattern.this
            if not isinstance(column, exp.Column):
                continue
            type_name = column_type(column, table_of(column, tables, known), known)
            if type_name is None or is_text_type(type_name):
                continue
            column.replace(exp.Cast(this=column.copy(), to=exp.DataType.build("VARCHAR")))
            changed = True
    return tree.sql(dialect=read_dialect(dialect)) if changed else None
