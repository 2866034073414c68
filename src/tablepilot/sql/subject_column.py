"""A question's noun selected as a column the table lacks, read as the table's row names.

"Which team had four gold medals and one bronze?" over ``Rank | Nation | Gold | …`` becomes
``SELECT "Team" FROM …``, and "…was won in what year?" over ``Event | Gold | …`` (events named
'1984 Winter Paralympics') ``SELECT "Year"``. The query cannot run, and a small model told so writes
the same query again. When a one-table query selects (among its outputs) one word of the question
that is no column of the table (or a name holding one: "Hometown" for "which town"), it is read as the table's first text column, the names of its rows; the
answer's notes say so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from sqlglot import exp

from tablepilot.sql.dialects import parse_sql, read_dialect

#: plain text only (narrower than ``pattern_casts.is_text_type``: a UUID or JSON column names no rows)
_TEXT_TYPES = re.compile(r"(?i)^(VARCHAR|TEXT|STRING|CHAR)")


def _row_names(columns: Sequence[str], types: Mapping[str, str]) -> str | None:
    """The first text column that is not the kept original of a typed column (``X_text``)."""
    names = {c.casefold() for c in columns}
    for c in columns:
        if not _TEXT_TYPES.match(types.get(c, "")):
            continue
        if c.casefold().endswith("_text") and c.casefold()[: -len("_text")] in names:
            continue
        return c
    return None


def words(text: str) -> set[str]:
    """The casefolded words of ``text``."""
    return {w.casefold() for w in re.findall(r"\w+", text)}


def _named_by(missing: str, question: str) -> bool:
    """Whether the question uses every word of the missing name, or the name holds a word of the
    question of four letters or more ("Hometown" for "which town")."""
    named, asked = words(missing), words(question)
    if not named:
        return False
    name = missing.casefold()
    return named <= asked or any(len(w) >= 4 and w in name for w in asked)


def subject_for_missing(
    sql: str,
    question: str,
    columns: Mapping[str, Sequence[str]],
    types: Mapping[str, Mapping[str, str]],
    *,
    dialect: str = "duckdb",
) -> tuple[str, str, str] | None:
    """``sql`` selecting the table's row names in place of a missing column named by a word of the
    question, that column and its stand-in; None for any other query (several tables, no or
    several missing outputs, a name the question does not use, no text column)."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select) or tree.args.get("joins"):
        return None
    read = {t.name.casefold() for t in tree.find_all(exp.Table)}  # a subquery may read it again
    table = next((t for t in columns if t.casefold() in read), None)
    if table is None or len(read) != 1:
        return None
    known = {c.casefold() for c in columns[table]}
    unknown = [e for e in tree.expressions if isinstance(e, exp.Column) and e.name.casefold() not in known]
    if len(unknown) != 1:
        return None
    output = unknown[0]
    missing = output.name
    if not _named_by(missing, question):
        return None
    if sum(1 for c in tree.find_all(exp.Column) if c.name.casefold() == missing.casefold()) != 1:
        return None  # also used in a filter or an order: more than a name for the rows
    stand_in = _row_names(columns[table], types.get(table, {}))
    if stand_in is None:
        return None
    output.replace(exp.column(stand_in, table=output.table or None, quoted=True))
    return tree.sql(dialect=read_dialect(dialect)), missing, stand_in


def name_for_table(
    sql: str, columns: Mapping[str, Sequence[str]], *, dialect: str = "duckdb"
) -> tuple[str, str, str] | None:
    """``SELECT "wine" FROM "wine" JOIN …`` (DuckDB reads a table's name as its whole row) with the
    table's one name column in its place ("Name", "wine_name"); (sql, table, column), or None when
    no output is such a table name or the table has no single name column."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select):
        return None
    read = {t.alias_or_name.casefold(): t.name for t in tree.find_all(exp.Table)}
    tables = {t.casefold(): t for t in columns}
    known = {c.casefold() for t in read.values() for c in columns.get(tables.get(t.casefold(), ""), ())}
    for output in tree.expressions:
        column = output.unalias()
        if not isinstance(column, exp.Column) or column.table or column.name.casefold() in known:
            continue
        table = tables.get(read.get(column.name.casefold(), "").casefold())
        if table is None:
            continue
        named = [c for c in columns[table] if c.casefold() in ("name", f"{table.casefold()}_name")]
        if len(named) != 1:
            return None
        column.replace(exp.column(named[0], table=column.name, quoted=True))
        return tree.sql(dialect=read_dialect(dialect)), table, named[0]
    return None
