"""The default engine: an in-memory DuckDB database that, once loaded, is locked down.

Life cycle: ``load()`` / ``register_arrow()`` copy data into in-memory tables (files are materialised,
never queried in place, so no file access is needed later) → ``lock()`` turns off external access
(files, network, extensions), locks the configuration and applies the memory and thread limits →
``execute()`` runs model-written queries (and locks first if nobody did). Loading more sources after
the lock still works: they are parsed on a separate temporary connection and arrive as Arrow. The SQL guard is the first line of defence; the lock is the
second, so a query that slips past the guard still cannot read files, write files, attach databases,
install extensions or raise its own limits.

``execute()`` additionally accepts only single SELECT/EXPLAIN statements (DuckDB's own parser), so an
in-memory ``ATTACH ':memory:'`` or ``CREATE TABLE`` is refused too. Calls are serialised by a lock:
the engine may be shared between threads but runs one query at a time.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb
import pyarrow as pa

from tablepilot.answer import ResultTable
from tablepilot.catalog import ColumnInfo, TableInfo
from tablepilot.data.coerce import plan_casts
from tablepilot.data.loader import read_sources
from tablepilot.data.names import clean_column_names, quote_ident, quote_literal, unique_name
from tablepilot.data.raw import RawTable
from tablepilot.engines.base import TIMEOUT_HINT, Engine, capped_result, timeout_error
from tablepilot.engines.joins import ForeignKey
from tablepilot.errors import LoadError, QueryError
from tablepilot.typed_columns import add_typed_columns

#: messy-cell typing parses every distinct text in Python; beyond this many rows tables keep their text
MESSY_TYPING_MAX_ROWS = 2_000_000
#: display forms pair every row's text with its typed value in Python; bigger tables show typed values
DISPLAY_FORMS_MAX_ROWS = 200_000

_ALLOWED_STATEMENTS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class DuckDBEngine(Engine):
    """Loaded tables in one in-memory DuckDB database; see the module docstring for the life cycle."""

    dialect = "duckdb"

    def __init__(
        self, *, memory_limit: str = "2GB", threads: int | None = None, temp_directory: str | None = None
    ) -> None:
        self._memory_limit = memory_limit
        self._threads = threads
        self._temp_directory = temp_directory or tempfile.mkdtemp(prefix="tablepilot-duckdb-")
        # an engine nobody closed (a script, an interrupted run) must not leave its spill folder behind
        self._remove_temp = (
            weakref.finalize(self, shutil.rmtree, self._temp_directory, ignore_errors=True)
            if temp_directory is None
            else None
        )
        self._con = duckdb.connect(
            ":memory:",
            config={
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
            },
        )
        self._tables: dict[str, TableInfo] = {}
        self._foreign_keys: list[ForeignKey] = []
        self._pending_keys: list[ForeignKey] = []  # to a table not loaded (yet)
        self._display: dict[str, Mapping[str, Mapping[Any, str]]] = {}
        self._locked = False
        self._mutex = threading.RLock()

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The raw connection, for trusted internal use only (e.g. profiling with quoted identifiers)."""
        return self._con

    @property
    def locked(self) -> bool:
        return self._locked

    @property
    def foreign_keys(self) -> list[ForeignKey]:
        """Join paths declared by the source (a SQLite file's foreign keys): the prompt shows them."""
        return list(self._foreign_keys)

    def declare_foreign_keys(self, keys: Sequence[ForeignKey]) -> None:
        """Record foreign keys between loaded tables. Names are matched without regard to case (SQLite
        ignores it); a key to a table not loaded yet waits for it, one to a missing column is dropped,
        and a key that names no referenced column points at the column of the same name."""
        with self._mutex:
            for key in keys:
                table, ref = self._table_named(key.table), self._table_named(key.ref_table)
                if table is None or ref is None:
                    if key not in self._pending_keys:
                        self._pending_keys.append(key)
                    continue
                columns = [_column_named(table, c) for c in key.columns]
                refs = [
                    _column_named(ref, r or c) for c, r in zip(key.columns, key.ref_columns, strict=False)
                ]
                if None in columns or None in refs or len(refs) != len(columns):
                    continue
                found = ForeignKey(table.name, tuple(map(str, columns)), ref.name, tuple(map(str, refs)))
                if found not in self._foreign_keys:
                    self._foreign_keys.append(found)

    def _table_named(self, name: str) -> TableInfo | None:
        exact = self._tables.get(name)
        if exact is not None:
            return exact
        return next((t for n, t in self._tables.items() if n.casefold() == name.casefold()), None)

    # -- loading -----------------------------------------------------------------------------------

    def load(self, sources: Sequence[str | os.PathLike[str]]) -> list[TableInfo]:
        """Read every source into in-memory tables; raises ``LoadError`` for a bad file.

        Before ``lock()`` the engine's own connection parses the files; after it, a temporary
        connection does (the locked one cannot open files), and the rows arrive as Arrow tables.
        """
        with self._mutex:
            raws = read_sources(sources, taken=self._tables, con=None if self._locked else self._con)
            return [self._register(raw) for raw in raws]

    def register_arrow(
        self,
        name: str,
        table: pa.Table,
        *,
        source: str = "",
        sheet: str | None = None,
        notes: Sequence[str] = (),
        infer_types: bool = False,
    ) -> TableInfo:
        """Add an Arrow table; the name gets ``_2``… if already taken.

        Types are kept as they are, unless ``infer_types``: then text columns are typed as a CSV's
        would be (clean casts, then messy numbers/dates parsed, the text kept where parsing lost some).
        Works after ``lock()`` too: it reads memory, not files.
        """
        names, name_notes = clean_column_names(table.column_names)
        renamed = table.rename_columns(names)
        text_columns = frozenset(
            f.name for f in renamed.schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
        )
        with self._mutex:
            raw = RawTable(
                name=unique_name(name, self._tables),
                table=renamed,
                source=source,
                sheet=sheet,
                notes=list(notes) + name_notes,
                infer_columns=text_columns if infer_types else frozenset(),
                messy_types=infer_types,
            )
            return self._register(raw)

    def _register(self, raw: RawTable) -> TableInfo:
        con = self._con
        view = "__tablepilot_incoming"
        con.register(view, raw.table)
        try:
            to_type = [c for c in raw.table.column_names if c in raw.infer_columns]
            casts = {c.name: c for c in plan_casts(con, raw.table, view, to_type)}
            select = ", ".join(
                f"{casts[c].expr} AS {quote_ident(c)}" if c in casts else quote_ident(c)
                for c in raw.table.column_names
            )
            con.execute(f"CREATE TABLE {quote_ident(raw.name)} AS SELECT {select} FROM {quote_ident(view)}")
        except duckdb.Error as exc:
            where = raw.source or raw.name
            raise LoadError(
                f"cannot store {where}{f' (sheet {raw.sheet})' if raw.sheet else ''}: {_first_line(exc)}",
                hint="the data has a shape or type DuckDB cannot hold; convert it to plain columns first",
                path=raw.source,
            ) from exc
        finally:
            con.unregister(view)
        notes = list(raw.notes) + [c.note for c in casts.values() if c.note]
        described: dict[str, ColumnInfo] = {}
        messy = [c for c in to_type if c not in casts or casts[c].type.upper() == "VARCHAR"]
        if messy and raw.messy_types and raw.table.num_rows <= MESSY_TYPING_MAX_ROWS:
            typed = add_typed_columns(con, raw.name, columns=messy)
            notes += typed.notes
            described = {c.name: c for c in typed.columns}
        if to_type and raw.table.num_rows <= DISPLAY_FORMS_MAX_ROWS:
            self._display[raw.name] = self._display_forms(raw)
        info = TableInfo(
            name=raw.name,
            columns=tuple(
                ColumnInfo(n, t, described[n].source_column, described[n].description)
                if n in described
                else ColumnInfo(name=n, type=t)
                for n, t in self._describe(raw.name)
            ),
            row_count=raw.table.num_rows,
            source=raw.source,
            sheet=raw.sheet,
            notes=tuple(notes),
        )
        self._tables[raw.name] = info
        pending, self._pending_keys = self._pending_keys, []
        self.declare_foreign_keys(
            pending
            + [ForeignKey(raw.name, cols, ref_table, refs) for cols, ref_table, refs in raw.foreign_keys]
        )
        return info

    def _display_forms(self, raw: RawTable) -> dict[str, dict[Any, str]]:
        """For each text column that loading typed: typed value → the text the source wrote.

        Rows keep their order through casts and typing, so the source text and the stored value
        of a row pair up; the first text seen for a value is its display form.
        """
        final = dict(self._describe(raw.name))
        forms: dict[str, dict[Any, str]] = {}
        for field in raw.table.schema:
            typed = final.get(field.name, "VARCHAR").upper() != "VARCHAR"
            if not typed or not (pa.types.is_string(field.type) or pa.types.is_large_string(field.type)):
                continue
            texts = raw.table.column(field.name).to_pylist()
            values = self._con.execute(
                f"SELECT {quote_ident(field.name)} FROM {quote_ident(raw.name)}"
            ).fetchall()
            if len(values) != len(texts):
                continue
            column: dict[Any, str] = {}
            for (value,), text in zip(values, texts, strict=True):
                if value is not None and text is not None:
                    column.setdefault(value, str(text).strip())
            forms[field.name] = column
        return forms

    def _describe(self, table: str) -> list[tuple[str, str]]:
        rows = self._con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() "
            f"AND schema_name = 'main' AND table_name = {quote_literal(table)} ORDER BY column_index"
        ).fetchall()
        return [(str(n), str(t)) for n, t in rows]

    # -- lock-down ---------------------------------------------------------------------------------

    def lock(self) -> None:
        """Turn off file/network/extension access and freeze the limits. Idempotent."""
        with self._mutex:
            if self._locked:
                return
            con = self._con
            con.execute(f"SET memory_limit = {quote_literal(self._memory_limit)}")
            if self._threads is not None:
                con.execute(f"SET threads = {int(self._threads)}")
            con.execute(f"SET temp_directory = {quote_literal(self._temp_directory)}")
            con.execute("SET autoinstall_known_extensions = false")
            con.execute("SET autoload_known_extensions = false")
            con.execute("SET allow_community_extensions = false")
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
            self._locked = True

    # -- querying ----------------------------------------------------------------------------------

    def tables(self) -> list[TableInfo]:
        return list(self._tables.values())

    def display_forms(self) -> dict[str, Mapping[Any, str]]:
        """Column name → (typed value → the text the source wrote), over all tables.

        Lets an answer show a cell the way the sheet shows it; a name shared by two tables merges.
        """
        merged: dict[str, dict[Any, str]] = {}
        for forms in self._display.values():
            for column, values in forms.items():
                target = merged.setdefault(column, {})
                for value, text in values.items():
                    target.setdefault(value, text)
        return dict(merged)

    def execute(self, sql: str, *, max_rows: int = 1000, timeout_s: float = 30.0) -> ResultTable:
        """Run one read-only query with a time limit; at most ``max_rows`` rows come back.

        Locks the engine first if nobody has, so model SQL never meets an open connection.
        One query at a time: concurrent callers wait for each other.
        """
        with self._mutex:
            self.lock()
            self._check_statement(sql)
            with self._timed_cursor(sql, timeout_s) as cursor:
                cursor.execute(sql)
                columns = [d[0] for d in cursor.description or []]
                rows = cursor.fetchmany(max_rows + 1)
        return capped_result(columns, rows, max_rows)

    @contextmanager
    def _timed_cursor(
        self, sql: str, timeout_s: float, *, what: str = "the query", hint: str = TIMEOUT_HINT
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor interrupted after ``timeout_s``; its DuckDB errors become ``QueryError`` for ``sql``."""
        cursor = self._con.cursor()
        timer = threading.Timer(timeout_s, cursor.interrupt)
        timer.daemon = True
        timer.start()
        try:
            yield cursor
        except duckdb.InterruptException as exc:
            raise timeout_error(sql, timeout_s, what=what, hint=hint) from exc
        except duckdb.Error as exc:
            raise QueryError(_first_line(exc), hint=self._hint(exc), sql=sql) from exc
        finally:
            timer.cancel()
            cursor.close()

    # -- the session's derived tables (trusted host code; see ``tablepilot.workspace``) --------------

    def create_table(self, name: str, select_sql: str, *, timeout_s: float = 30.0) -> list[tuple[str, str]]:
        """``CREATE TABLE name AS select_sql`` for a query the guard accepted; returns (column, type) pairs.

        Host code, not the model, writes the CREATE: the SELECT must still be one read-only statement
        (checked again here), and the lock stays on, so it can only read loaded tables. The new table
        is not one of ``tables()``: the workspace decides who sees it.
        """
        with self._mutex:
            self.lock()
            self._check_statement(select_sql)
            if name in self._tables:
                raise QueryError(f"{name} is a loaded table", hint="choose another name", sql=select_sql)
            with self._timed_cursor(
                select_sql,
                timeout_s,
                what="making the table",
                hint="filter or aggregate first, or make a smaller table",
            ) as cursor:
                cursor.execute(f"CREATE TABLE {quote_ident(name)} AS {select_sql}\n")
            return self._describe(name)

    def drop_table(self, name: str) -> None:
        """Drop a table ``create_table`` made (loaded tables are never dropped)."""
        with self._mutex:
            if name not in self._tables:
                self._con.execute(f"DROP TABLE IF EXISTS {quote_ident(name)}")

    def read_arrow(self, name: str) -> pa.Table:
        """Every row of a loaded or created table, with its types, in table order."""
        with self._mutex:
            cursor = self._con.cursor()
            try:
                return cursor.sql(f"SELECT * FROM {quote_ident(name)}").to_arrow_table()
            except duckdb.Error as exc:
                raise QueryError(_first_line(exc), hint=self._hint(exc)) from exc
            finally:
                cursor.close()

    def _check_statement(self, sql: str) -> None:
        try:
            statements = self._con.extract_statements(sql)
        except duckdb.Error as exc:
            raise QueryError(_first_line(exc), hint="fix the SQL syntax", sql=sql) from exc
        if len(statements) != 1:
            raise QueryError(
                f"expected exactly one SQL statement, got {len(statements)}",
                hint="send a single SELECT query",
                sql=sql,
            )
        if statements[0].type not in _ALLOWED_STATEMENTS:
            kind = str(statements[0].type).rsplit(".", 1)[-1]
            raise QueryError(
                f"only SELECT queries may run here, not {kind}",
                hint="rewrite it as a single read-only SELECT",
                sql=sql,
            )

    def _hint(self, exc: duckdb.Error) -> str:
        if isinstance(exc, duckdb.PermissionException):
            return "queries may only read the loaded tables; files, network and settings are off limits"
        if isinstance(exc, duckdb.OutOfMemoryException):
            return "the query needs too much memory; aggregate or filter before joining"
        if isinstance(exc, (duckdb.CatalogException, duckdb.BinderException)):
            names = ", ".join(quote_ident(t) for t in self._tables) or "(none)"
            return f"use only the loaded tables and their columns; tables: {names}; quote non-ASCII names"
        if isinstance(exc, duckdb.ParserException):
            return "fix the SQL syntax (DuckDB dialect)"
        return "check the SQL against the table descriptions"

    def close(self) -> None:
        with self._mutex:
            self._con.close()
            if self._remove_temp is not None:
                self._remove_temp()


def open_sources(sources: Sequence[str | os.PathLike[str]], **engine_kwargs: object) -> DuckDBEngine:
    """A locked engine holding every table of ``sources``; closes it again if loading fails."""
    engine = DuckDBEngine(**engine_kwargs)  # type: ignore[arg-type]
    try:
        engine.load(sources)
        engine.lock()
    except BaseException:
        engine.close()
        raise
    return engine


def _column_named(table: TableInfo, name: str) -> str | None:
    names = table.column_names
    return name if name in names else next((n for n in names if n.casefold() == name.casefold()), None)
