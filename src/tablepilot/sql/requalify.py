"""Move a column to the joined table that has it, when the model qualified it with the wrong one.

``SELECT T1.first_name FROM people AS T2 JOIN teams AS T1 …`` fails with "T1 does not have a
column named first_name", and small models repeat such a slip in their repair. When exactly one
other table of the same SELECT has the column, there is no doubt which one was meant. Likewise
``Students.last_name`` in ``FROM Students AS T2`` ("Referenced table Students not found") is
``T2.last_name``. The query is rewritten on the AST and then goes through the guard like any other.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.scope import traverse_scope

from tablepilot.sql.dialects import read_dialect


def requalify_columns(
    sql: str, columns: Mapping[str, Collection[str]], *, dialect: str = "duckdb"
) -> str | None:
    """``sql`` with wrongly qualified columns moved to the one joined table that has them; None
    when nothing needed it (or the query does not parse)."""
    known = {t.casefold(): {c.casefold() for c in cols} for t, cols in columns.items()}
    try:
        tree = sqlglot.parse_one(sql, read=read_dialect(dialect))
        scopes = traverse_scope(tree)
    except (sqlglot.errors.SqlglotError, RecursionError):
        return None
    changed = False
    for scope in scopes:
        tables, quoted = {}, {}
        for alias, src in scope.sources.items():
            if isinstance(src, exp.Table) and src.name.casefold() in known:
                tables[alias] = known[src.name.casefold()]
                ident = src.args["alias"].this if src.args.get("alias") else src.this
                quoted[alias] = bool(getattr(ident, "quoted", False))
        aliased = {  # a table's own name → its alias, where the SELECT renamed it
            src.name.casefold(): alias
            for alias, src in scope.sources.items()
            if isinstance(src, exp.Table) and alias in tables and alias.casefold() != src.name.casefold()
        }
        for column in scope.columns:
            where = column.table
            renamed = aliased.get(where.casefold()) if where and where not in tables else None
            if renamed is not None and column.name.casefold() in tables[renamed]:
                column.set("table", exp.to_identifier(renamed, quoted=quoted[renamed]))
                changed = True
                continue
            if where not in tables or column.name.casefold() in tables[where]:
                continue
            holders = [alias for alias, cols in tables.items() if column.name.casefold() in cols]
            if len(holders) == 1:
                column.set("table", exp.to_identifier(holders[0], quoted=quoted[holders[0]]))
                changed = True
    return tree.sql(dialect=read_dialect(dialect)) if changed else None
