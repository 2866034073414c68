"""Database files: SQLite (Python's sqlite3; DuckDB's sqlite extension cannot be fetched offline) and
DuckDB database files. Every table and view is copied into memory under its own name, so the source
file is opened read-only and never touched again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from tablepilot.data.arrays import table_from_columns
from tablepilot.data.names import clean_column_names, quote_ident, table_name_from
from tablepilot.data.raw import RawTable
from tablepilot.errors import LoadError


def _unreadable(path: Path, kind: str, exc: BaseException) -> LoadError:
    return LoadError(
        f"cannot read {path.name} as a {kind} database: {str(exc).splitlines()[0] if str(exc) else exc!r}",
        hint=f"check that the file is an intact {kind} database and not open in another program",
        path=str(path),
    )


def _no_tables(path: Path, kind: str) -> LoadError:
    return LoadError(f"{path.name} has no tables", hint=f"the {kind} database is empty", path=str(path))


def read_sqlite(path: Path) -> list[RawTable]:
    """Every table and view of a SQLite file (opened immutable: no journal, no lock, no writes)."""
    try:
        con = sqlite3.connect(path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise _unreadable(path, "SQLite", exc) from exc
    tables: list[RawTable] = []
    try:
        objects = con.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' "
            "ORDER BY type, rowid"
        ).fetchall()
        for (name,) in objects:
            declared = {
                r[1]: (r[2] or "").upper() for r in con.execute(f"PRAGMA table_info({quote_ident(name)})")
            }
            cur = con.execute(f"SELECT * FROM {quote_ident(name)}")
            raw_names = [d[0] for d in cur.description]
            rows = cur.fetchall()
            names, notes = clean_column_names(raw_names)
            columns = [[row[i] for row in rows] for i in range(len(names))]
            table, text_columns = table_from_columns(names, columns)
            # declared TEXT stays text; untyped and date/time columns are typed by content
            infer = {
                new
                for new, old in zip(names, raw_names, strict=True)
                if new in text_columns
                and (
                    declared.get(old, "") == ""
                    or "DATE" in declared.get(old, "")
                    or "TIME" in declared.get(old, "")
                )
            }
            renamed = dict(zip(raw_names, names, strict=True))
            tables.append(
                RawTable(
                    name=table_name_from(name),
                    table=table,
                    source=str(path),
                    notes=notes,
                    infer_columns=frozenset(infer),
                    foreign_keys=_sqlite_foreign_keys(con, name, renamed),
                )
            )
    except sqlite3.Error as exc:
        raise _unreadable(path, "SQLite", exc) from exc
    finally:
        con.close()
    if not tables:
        raise _no_tables(path, "SQLite")
    return tables


def _sqlite_foreign_keys(
    con: sqlite3.Connection, table: str, renamed: dict[str, str]
) -> tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...]:
    """The table's foreign keys (PRAGMA foreign_key_list: id, seq, table, from, to, …), one per
    constraint, in the column names loading gave; the prompt shows them as join paths."""
    rows = con.execute(f"PRAGMA foreign_key_list({quote_ident(table)})").fetchall()
    return tuple(
        (tuple(renamed.get(c, c) for c in columns), table_name_from(ref_table), refs)
        for columns, ref_table, refs in foreign_key_groups(rows)
    )


def foreign_key_groups(
    rows: Sequence[Sequence[Any]],
) -> list[tuple[tuple[str, ...], str, tuple[str, ...]]]:
    """PRAGMA foreign_key_list rows (id, seq, table, from, to, …) as one (columns, referenced table,
    referenced columns) per constraint; a referenced column SQLite leaves unnamed is ''."""
    groups: dict[int, list[Sequence[Any]]] = {}
    for row in rows:
        groups.setdefault(int(row[0]), []).append(row)
    out = []
    for _, parts in sorted(groups.items()):
        parts = sorted(parts, key=lambda r: int(r[1]))
        out.append(
            (
                tuple(str(r[3]) for r in parts),
                str(parts[0][2]),
                tuple("" if r[4] is None else str(r[4]) for r in parts),
            )
        )
    return out


def read_duckdb(path: Path) -> list[RawTable]:
    """Every table and view of a DuckDB database file, opened read-only."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise _unreadable(path, "DuckDB", exc) from exc
    tables: list[RawTable] = []
    try:
        objects = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT internal "
            "AND database_name = current_database() "
            "UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal "
            "AND database_name = current_database()"
        ).fetchall()
        for schema, name in objects:
            table = con.sql(f"SELECT * FROM {quote_ident(schema)}.{quote_ident(name)}").to_arrow_table()
            names, notes = clean_column_names(table.column_names)
            wanted = name if schema == "main" else f"{schema}_{name}"
            tables.append(
                RawTable(
                    name=table_name_from(wanted),
                    table=table.rename_columns(names),
                    source=str(path),
                    notes=notes,
                )
            )
    except duckdb.Error as exc:
        raise _unreadable(path, "DuckDB", exc) from exc
    finally:
        con.close()
    if not tables:
        raise _no_tables(path, "DuckDB")
    return tables
