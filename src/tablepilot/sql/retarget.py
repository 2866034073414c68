"""Point a query that names a table that does not exist at the only table there is.

Small models translate or guess table names ("销售" for "sales", "table" for a sheet). With one
table loaded there is no doubt which one is meant, so the names are replaced on the AST and the
result goes through the guard again like any other query.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import sqlglot
from sqlglot import exp

from tablepilot.sql.dialects import parse_sql, read_dialect


def retarget_single_table(sql: str, table: str, *, dialect: str = "duckdb") -> str | None:
    """``sql`` with every unknown table name replaced by ``table``; None when nothing needed it."""
    try:
        tree = sqlglot.parse_one(sql, read=read_dialect(dialect))
    except (sqlglot.errors.ParseError, RecursionError):  # a query too deep for the parser is not mended
        return None
    ctes = {cte.alias_or_name.casefold() for cte in tree.find_all(exp.CTE)}
    changed = False
    for node in tree.find_all(exp.Table):
        name = node.name
        if not name or name.casefold() in ctes or name.casefold() == table.casefold():
            continue
        alias = node.alias
        replacement = exp.table_(table, quoted=True)
        if alias:
            replacement.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
        else:
            # columns qualified with the wrong name ("销售"."地区") must keep resolving
            replacement.set("alias", exp.TableAlias(this=exp.to_identifier(name, quoted=True)))
        node.replace(replacement)
        changed = True
    return tree.sql(dialect=read_dialect(dialect)) if changed else None


def rename_table(sql: str, old: str, new: str, *, dialect: str = "duckdb") -> str | None:
    """``sql`` reading ``new`` wherever it read ``old`` (columns qualified with the old name keep
    resolving through an alias); None when it does not read ``old`` or does not parse."""
    tree = parse_sql(sql, dialect)
    if tree is None:
        return None
    changed = False
    qualified = any(c.table.casefold() == old.casefold() for c in tree.find_all(exp.Column))
    for node in tree.find_all(exp.Table):
        if node.name.casefold() != old.casefold():
            continue
        replacement = exp.table_(new, quoted=True)
        if node.alias or qualified:
            replacement.set(
                "alias", exp.TableAlias(this=exp.to_identifier(node.alias or node.name, quoted=True))
            )
        node.replace(replacement)
        changed = True
    return tree.sql(dialect=read_dialect(dialect)) if changed else None


#: how alike (difflib ratio, case aside) a written table name and a loaded one must be
_NEAR = 0.9


def respelled_tables(sql: str, tables: Sequence[str], *, dialect: str = "duckdb") -> str | None:
    """``sql`` with each table name that is not loaded read as the one loaded table spelt nearly the
    same ("Claims_Headers" → claim_headers); None when some unknown name has no such table, or two."""
    tree = parse_sql(sql, dialect)
    if tree is None:
        return None
    loaded = {t.casefold(): t for t in tables}
    ctes = {cte.alias_or_name.casefold() for cte in tree.find_all(exp.CTE)}
    unknown = {
        n.name
        for n in tree.find_all(exp.Table)
        if n.name and n.name.casefold() not in loaded and n.name.casefold() not in ctes
    }
    if not unknown:
        return None
    for name in sorted(unknown):
        near = [
            t
            for key, t in loaded.items()
            if difflib.SequenceMatcher(None, name.casefold(), key).ratio() >= _NEAR
        ]
        if len(near) != 1:
            return None
        renamed = rename_table(sql, name, near[0], dialect=dialect)
        if renamed is None:
            return None
        sql = renamed
    return sql
