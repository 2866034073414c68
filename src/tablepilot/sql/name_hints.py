"""What to tell a model whose query named a column that does not exist.

Listing every column of every table after such an error reads a thousand tokens on a wide
database (Spider's baseball_1 has 261 columns) and the model still guesses: it wrote
``first_name`` again where the column is ``"player"."name_first"``. Naming the tables that hold the
missing column, or its closest spellings, and listing only the columns of the tables the query used
is shorter and points at the fix.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from sqlglot import exp

from tablepilot.catalog import TableInfo
from tablepilot.sql.dialects import parse_sql

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+|[^\W\d_]+")


def name_words(name: str) -> frozenset[str]:
    """Words of an identifier whatever its style: 'first_name', 'FirstName', 'name first' → {first, name}."""
    return frozenset(w.lower() for w in _WORD.findall(name))


def close_columns(missing: str, tables: Sequence[TableInfo], *, limit: int = 4) -> list[tuple[str, str]]:
    """(table, column) pairs named like ``missing``: the same name first, then the same words in
    another order or style ('name_first' for 'first_name'), then near spellings."""
    want = missing.lower()
    want_words = name_words(missing)
    scored: list[tuple[float, str, str]] = []
    for table in tables:
        for col in table.columns:
            have = col.name.lower()
            if have == want:
                score = 3.0
            else:
                words = name_words(col.name)
                overlap = len(want_words & words) / max(1, len(want_words | words))
                ratio = difflib.SequenceMatcher(None, want.replace("_", ""), have.replace("_", "")).ratio()
                score = 1.0 + overlap if overlap >= 0.5 else ratio if ratio >= 0.75 else 0.0
            if score > 0:
                scored.append((score, table.name, col.name))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    return [(t, c) for _, t, c in scored[:limit]]


def table_names(sql: str, dialect: str) -> set[str]:
    """The names (lower case) of the tables a query reads from; empty if it does not parse."""
    tree = parse_sql(sql, dialect)
    if tree is None:
        return set()
    return {t.name.lower() for t in tree.find_all(exp.Table)}


def used_columns(sql: str, dialect: str) -> set[str] | None:
    """The names (lower case) of the columns a query uses, leaving out mere ``IS [NOT] NULL`` tests
    (they keep rows, they do not use the values); None if it does not parse."""
    tree = parse_sql(sql, dialect)
    if tree is None:
        return None
    return {c.name.lower() for c in tree.find_all(exp.Column) if not isinstance(c.parent, exp.Is)}


def tables_in(sql: str, dialect: str, tables: Sequence[TableInfo]) -> list[TableInfo]:
    """The known tables a query reads from, in the order of ``tables`` (none if it does not parse)."""
    used = table_names(sql, dialect)
    return [t for t in tables if t.name.lower() in used]
