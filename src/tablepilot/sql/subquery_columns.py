"""A subquery that selects the outer query's column instead of its own.

``WHERE wine.Grape IN (SELECT wine.Grape FROM grapes WHERE grapes.Color = 'Red')`` runs, but the
subquery hands back the outer row's own grape whenever any grape is red, so the condition is
always true and the filter does nothing. A subquery's output column written with a table that
only the outer query has, when one of the subquery's own tables has a column of that name, was
meant as that table's column: ``SELECT grapes.Grape FROM grapes …``. Conditions inside the
subquery may refer outside on purpose (a correlated subquery) and are left alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlglot import exp

from tablepilot.sql.clauses import written_aliases
from tablepilot.sql.dialects import parse_sql, read_dialect


def _own_sources(select: exp.Select) -> dict[str, str]:
    """alias (or name), casefolded → table name, for the tables in ``select``'s own FROM and JOINs."""
    sources: dict[str, str] = {}
    parts = [select.args.get("from_"), *(select.args.get("joins") or [])]
    for part in parts:
        if part is not None and isinstance(part.this, exp.Table):
            table = part.this
            sources[(table.alias or table.name).casefold()] = table.name
    return sources


def own_subquery_columns(
    sql: str, table_columns: Mapping[str, Sequence[str]], *, dialect: str = "duckdb"
) -> tuple[str, list[str]] | None:
    """(``sql`` with each such output column moved to the subquery's own table, the columns moved);
    None when no subquery selects an outer table's column."""
    tree = parse_sql(sql, dialect)
    if tree is None:
        return None
    columns = {t.casefold(): {c.casefold() for c in cols} for t, cols in table_columns.items()}
    moved: list[str] = []
    for select in list(tree.find_all(exp.Select)):
        if select is tree or select.find_ancestor(exp.Select) is None:
            continue
        own = _own_sources(select)
        outer = select.find_ancestor(exp.Select)
        outer_sources = _own_sources(outer) if outer is not None else {}
        for column in select.expressions:
            if not isinstance(column, exp.Column) or not column.table:
                continue
            qualifier = column.table.casefold()
            if qualifier in own or qualifier not in outer_sources:
                continue
            having = [a for a, t in own.items() if column.name.casefold() in columns.get(t.casefold(), set())]
            if len(having) != 1:
                continue
            column.set("table", written_aliases(select)[having[0]].copy())  # quoted as written there
            moved.append(column.name)
    return (tree.sql(dialect=read_dialect(dialect)), moved) if moved else None
