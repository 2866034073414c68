"""Names compared with key columns: ``discipline_enrollments.campus = 'San Jose State University'``.

A small model filters a foreign-key column (an integer id) by the name the question gives, because
the name is what it read. DuckDB cannot convert the text ("Could not convert string … to INT64"),
and the model's repair tends to send the same condition back. The key's referenced table holds
that name in one of its text columns, so the condition is read as the id of the row so named:
``campus IN (SELECT "id" FROM "Campuses" WHERE "campus" = 'San Jose State University')``. Such a
condition can never be true as written, so the rewrite cannot change a query that works.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from sqlglot import exp

from tablepilot.cells import parse_number
from tablepilot.engines.joins import ForeignKey
from tablepilot.sql.clauses import column_type, parsed_scopes, table_of, typed_names
from tablepilot.sql.dialects import read_dialect
from tablepilot.sql.pattern_casts import is_text_type

#: (table, value) → the column of ``table`` that holds ``value`` as the question names it, or None
NamedIn = Callable[[str, str], "str | None"]


def names_on_keys(
    sql: str,
    types: Mapping[str, Mapping[str, str]],
    foreign_keys: Sequence[ForeignKey],
    named_in: NamedIn,
    *,
    dialect: str = "duckdb",
) -> str | None:
    """``sql`` with each ``key = 'name'`` on a one-column foreign key of a non-text type read as the
    id of the referenced row holding that name; None when there is none (or it does not parse).
    ``types``: table → column → type name."""
    known = typed_names(types)
    keys = {
        (fk.table.casefold(), fk.columns[0].casefold()): fk for fk in foreign_keys if len(fk.columns) == 1
    }
    parsed = parsed_scopes(sql, dialect)
    if parsed is None:
        return None
    tree, scopes = parsed
    changed = False
    for scope, tables in scopes:
        for condition in list(scope.find_all(exp.EQ)):
            column, value = condition.this, condition.expression
            if not (isinstance(column, exp.Column) and isinstance(value, exp.Literal) and value.is_string):
                continue
            if parse_number(value.this) is not None:
                continue  # '42' converts: the id itself
            table = table_of(column, tables, known)
            type_name = column_type(column, table, known)
            fk = keys.get(((table or "").casefold(), column.name.casefold()))
            if fk is None or type_name is None or is_text_type(type_name):
                continue
            holder = named_in(fk.ref_table, value.this)
            if holder is None:
                continue
            ref = exp.to_identifier(fk.ref_table, quoted=True)
            ids = (
                exp.select(exp.column(fk.ref_columns[0], table=ref.copy(), quoted=True))
                .from_(exp.Table(this=ref.copy()))
                .where(
                    exp.EQ(this=exp.column(holder, table=ref.copy(), quoted=True), expression=value.copy())
                )
            )
            condition.replace(exp.In(this=column.copy(), query=exp.Subquery(this=ids)))
            changed = True
    return tree.sql(dialect=read_dialect(dialect)) if changed else None
