"""PostgreSQL: queries run where the data lives, and the database itself refuses every write.

Defences that do not depend on the SQL guard:

* the session starts with ``default_transaction_read_only=on``; every query runs in its own
  ``READ ONLY`` transaction that takes a snapshot first (so ``SET transaction_read_only = off`` can
  no longer succeed) and is always rolled back (so a ``set_config(…, false)`` does not outlive it);
* the query is wrapped in a server-side cursor (``DECLARE … CURSOR FOR``): PostgreSQL accepts only a
  single SELECT/VALUES there, over the extended protocol, so a second statement, a bare DELETE or a
  writable CTE is a syntax error before anything runs;
* ``SET LOCAL statement_timeout`` stops long queries on the server; ``fetchmany`` caps the rows.

A read-only role (docs/databases.md) is still recommended: it also covers what a read-only
transaction allows, such as ``pg_terminate_backend`` or a superuser's file functions.

Profiling and the value index run DuckDB SQL, so ``profile_connection()`` copies a sample of each
table (all rows of small tables) into an in-memory DuckDB database under the same names.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa

from tablepilot.answer import ResultTable
from tablepilot.catalog import ColumnInfo, TableInfo
from tablepilot.engines.base import capped_result, timeout_error
from tablepilot.engines.joins import ForeignKey
from tablepilot.engines.sampling import arrow_column, sample_table
from tablepilot.engines.server import ServerEngine
from tablepilot.errors import ConfigError, LoadError, QueryError

_INSTALL = "pip install 'tablepilot[postgres]'  (or: pip install 'psycopg[binary]')"

#: PostgreSQL type (format_type without modifiers) → (name shown to the model and the profiler, Arrow type)
_TYPES: dict[str, tuple[str, pa.DataType]] = {
    "smallint": ("SMALLINT", pa.int16()),
    "integer": ("INTEGER", pa.int32()),
    "bigint": ("BIGINT", pa.int64()),
    "real": ("REAL", pa.float32()),
    "double precision": ("DOUBLE", pa.float64()),
    "numeric": ("NUMERIC", pa.float64()),
    "money": ("VARCHAR", pa.string()),
    "text": ("TEXT", pa.string()),
    "character varying": ("VARCHAR", pa.string()),
    "character": ("CHAR", pa.string()),
    "name": ("VARCHAR", pa.string()),
    "citext": ("TEXT", pa.string()),
    "uuid": ("UUID", pa.string()),
    "boolean": ("BOOLEAN", pa.bool_()),
    "date": ("DATE", pa.date32()),
    "timestamp without time zone": ("TIMESTAMP", pa.timestamp("us")),
    "timestamp with time zone": ("TIMESTAMPTZ", pa.timestamp("us", tz="UTC")),
}
_AS_TEXT_NUMBERS = ("numeric",)  # Decimal → float for the sample (the engine's own results keep Decimal)


def _qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _import_psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise ConfigError("PostgreSQL support needs the psycopg package", hint=_INSTALL) from exc
    return psycopg


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@dataclass(frozen=True)
class _Relation:
    schema: str
    name: str  # the SQL name the model uses: bare when first on the search path, else "schema.table"
    kind: str
    comment: str | None
    estimate: int


class PostgresEngine(ServerEngine):
    """One connection to one PostgreSQL database; the tables of ``schemas`` (default: all user schemas)."""

    dialect = "postgres"

    def __init__(
        self,
        url: str,
        *,
        schemas: Sequence[str] | None = None,
        sample_rows: int = 20_000,
        exact_count_max: int = 2_000_000,
        connect_timeout_s: int = 10,
    ) -> None:
        psycopg = _import_psycopg()
        self.url = url
        self._sample_rows = sample_rows
        self._mutex = threading.RLock()
        self._profile_con: duckdb.DuckDBPyConnection | None = None
        try:
            self._conn: Any = psycopg.connect(
                url,
                connect_timeout=connect_timeout_s,
                application_name="tablepilot",
                options="-c default_transaction_read_only=on",
            )
        except psycopg.Error as exc:
            raise LoadError(
                f"cannot connect to PostgreSQL at {_redact(url)}: {_first_line(exc)}",
                hint="check host, port, database name, user and password (postgresql://user:pass@host:5432/db)",
                path=_redact(url),
            ) from exc
        self._conn.read_only = True  # psycopg opens each transaction with BEGIN READ ONLY
        try:
            self._relations = self._introspect_relations(schemas)
            self._foreign_keys = self._introspect_foreign_keys()
            self._tables = self._introspect_tables(exact_count_max)
            self.superuser = bool(self._scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
        except BaseException:
            self._conn.close()
            raise

    # -- introspection -----------------------------------------------------------------------------

    def _scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self._mutex, self._conn.cursor() as cur:
            try:
                cur.execute(sql, params or None)
                row = cur.fetchone()
            finally:
                self._conn.rollback()
        return row[0] if row else None

    def _introspect_relations(self, schemas: Sequence[str] | None) -> dict[tuple[str, str], _Relation]:
        rows = self._rows(
            """
            SELECT n.nspname, c.relname, c.relkind, obj_description(c.oid, 'pg_class'), c.reltuples::bigint
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
              AND NOT c.relispartition AND has_table_privilege(c.oid, 'SELECT')
            ORDER BY n.nspname <> 'public', n.nspname, c.relname
            """
        )
        if schemas is not None:
            wanted = list(schemas)
            rows = [r for r in rows if r[0] in wanted]
            rows.sort(key=lambda r: (wanted.index(r[0]), r[1]))
        path = list(dict.fromkeys(r[0] for r in rows))
        if path:  # bare names resolve through the search path, in the order above
            with self._mutex, self._conn.cursor() as cur:
                cur.execute("SELECT set_config('search_path', %s, false)", [", ".join(_qi(s) for s in path)])
                self._conn.commit()  # a read-only transaction may change session settings
        relations: dict[tuple[str, str], _Relation] = {}
        taken: set[str] = set()
        for schema, name, kind, comment, estimate in rows:
            sql_name = name if name not in taken else f"{schema}.{name}"
            taken.add(name)
            relations[(schema, name)] = _Relation(schema, sql_name, str(kind), comment, int(estimate))
        return relations

    def _introspect_foreign_keys(self) -> list[ForeignKey]:
        rows = self._rows(
            """
            SELECT sn.nspname, s.relname, tn.nspname, t.relname,
                   ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
                         JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i),
                   ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
                         JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i)
            FROM pg_constraint con
            JOIN pg_class s ON s.oid = con.conrelid JOIN pg_namespace sn ON sn.oid = s.relnamespace
            JOIN pg_class t ON t.oid = con.confrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace
            WHERE con.contype = 'f' ORDER BY s.relname, con.conname
            """
        )
        out = []
        for s_schema, s_name, t_schema, t_name, cols, ref_cols in rows:
            src, dst = self._relations.get((s_schema, s_name)), self._relations.get((t_schema, t_name))
            if src and dst:
                out.append(ForeignKey(src.name, tuple(cols), dst.name, tuple(ref_cols)))
        return out

    def _introspect_tables(self, exact_count_max: int) -> list[TableInfo]:
        columns = self._rows(
            """
            SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, NULL),
                   format_type(a.atttypid, a.atttypmod), col_description(c.oid, a.attnum),
                   COALESCE(a.attnum = ANY(pk.conkey), false)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_constraint pk ON pk.conrelid = c.oid AND pk.contype = 'p'
            WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            ORDER BY n.nspname, c.relname, a.attnum
            """
        )
        by_table: dict[tuple[str, str], list[ColumnInfo]] = {}
        keys: dict[tuple[str, str], list[str]] = {}
        self._pg_types: dict[tuple[str, str], str] = {}
        for schema, table, column, base, full, comment, is_pk in columns:
            if (schema, table) not in self._relations:
                continue
            shown = _TYPES.get(str(base), (str(full).upper(), pa.string()))[0]
            if base in ("numeric", "character varying", "character") and "(" in str(full):
                shown += str(full)[str(full).index("(") :]
            by_table.setdefault((schema, table), []).append(
                ColumnInfo(str(column), shown, description=comment)
            )
            self._pg_types[(self._relations[(schema, table)].name, str(column))] = str(base)
            if is_pk:
                keys.setdefault((schema, table), []).append(str(column))
        infos = []
        for key, rel in self._relations.items():
            notes: list[str] = []
            count = rel.estimate
            if rel.kind in ("v", "f") or count < 0 or count <= exact_count_max:
                try:
                    count = int(
                        self._scalar(f"SELECT count(*) FROM {_qi(rel.schema)}.{_qi(rel.name.split('.')[-1])}")
                    )
                except Exception:  # noqa: BLE001 - a view that fails to count is still listed
                    count = max(rel.estimate, 0)
                    notes.append("row count unknown (counting failed)")
            else:
                notes.append("row count estimated from PostgreSQL statistics")
            infos.append(
                TableInfo(
                    name=rel.name,
                    columns=tuple(by_table.get(key, [])),
                    row_count=count,
                    source=f"{_redact(self.url)} {rel.schema}.{key[1]}",
                    description=self._describe(rel, keys.get(key, [])),
                    notes=tuple(notes),
                )
            )
        return infos

    def _describe(self, rel: _Relation, primary_key: list[str]) -> str | None:
        parts = [rel.comment] if rel.comment else []
        if rel.kind in ("v", "m"):
            parts.append("view")
        if primary_key:
            parts.append("primary key (" + ", ".join(_qi(c) for c in primary_key) + ")")
        parts.extend(f"join {fk.join_sql()}" for fk in self._foreign_keys if fk.table == rel.name)
        return "; ".join(parts) or None

    # -- querying ----------------------------------------------------------------------------------

    def execute(self, sql: str, *, max_rows: int = 1000, timeout_s: float = 30.0) -> ResultTable:
        """Run one query in a read-only transaction that is always rolled back; see the module docstring."""
        psycopg = _import_psycopg()
        try:
            with self.read_only_transaction(timeout_s) as conn, conn.cursor(name="tablepilot_query") as cur:
                cur.execute(sql.strip().rstrip(";"))
                rows = cur.fetchmany(max_rows + 1)
                columns = [d.name for d in cur.description or []]
        except psycopg.errors.QueryCanceled as exc:
            raise timeout_error(sql, timeout_s) from exc
        except psycopg.Error as exc:
            raise QueryError(_first_line(exc), hint=self._hint(exc), sql=sql) from exc
        return capped_result(columns, rows, max_rows)

    @contextmanager
    def read_only_transaction(self, timeout_s: float) -> Iterator[Any]:
        """The connection inside a READ ONLY transaction with a server-side time limit; rolled back after.

        Holds the engine's lock throughout: one query at a time per connection.
        """
        with self._mutex:
            try:
                with self._conn.cursor() as setup:
                    setup.execute(f"SET LOCAL statement_timeout = {max(1, int(timeout_s * 1000))}")
                    setup.execute("SET LOCAL cursor_tuple_fraction = 1.0")  # plan for all rows, not the first
                    setup.execute("SELECT 1")  # the first snapshot: no switch to read-write after this
                yield self._conn
            finally:
                self._rollback()

    def _rollback(self) -> None:
        with suppress(Exception):  # a broken connection surfaces on the next query
            self._conn.rollback()

    def _hint(self, exc: Exception) -> str:
        psycopg = _import_psycopg()
        errors = psycopg.errors
        if isinstance(exc, errors.ReadOnlySqlTransaction):
            return "the database is opened read-only; write a SELECT that only reads"
        if isinstance(exc, errors.InsufficientPrivilege):
            return "the database role may not read this; use only the listed tables"
        if isinstance(exc, (errors.UndefinedTable, errors.UndefinedColumn)):
            names = ", ".join(_qi(t.name) for t in self._tables) or "(none)"
            return f"use only the listed tables and their columns; tables: {names}; quote mixed-case names"
        if isinstance(exc, errors.SyntaxError):
            return "send a single SELECT query in PostgreSQL syntax"
        if isinstance(exc, (errors.UndefinedFunction, errors.DatatypeMismatch)):
            return "PostgreSQL is strict about types: cast explicitly, e.g. CAST(x AS numeric) or x::text"
        if isinstance(exc, errors.OperationalError):
            return "the connection to PostgreSQL failed; check that the server is up"
        return "check the SQL against the table descriptions (PostgreSQL dialect)"

    # -- profiling ---------------------------------------------------------------------------------

    def _samples(self) -> Iterator[tuple[str, pa.Table]]:
        for info, rel in zip(self._tables, self._relations.values()):
            yield info.name, self._sample(info, rel)

    def _sample(self, info: TableInfo, rel: _Relation) -> pa.Table:
        pg_types = [self._pg_types.get((info.name, c.name), "") for c in info.columns]
        select = ", ".join(
            _qi(c.name) if t in _TYPES and t != "money" else f"{_qi(c.name)}::text"
            for c, t in zip(info.columns, pg_types)
        )
        source = f"{_qi(rel.schema)}.{_qi(rel.name.split('.')[-1])}"
        if info.row_count > self._sample_rows and rel.kind in ("r", "p", "m"):
            percent = min(100.0, 300.0 * self._sample_rows / max(1, info.row_count))
            source += f" TABLESAMPLE SYSTEM ({percent:.6f}) REPEATABLE (7)"
        rows = (
            self._rows(f"SELECT {select or 'NULL'} FROM {source} LIMIT {self._sample_rows}") if select else []
        )
        arrays = {}
        for i, (c, t) in enumerate(zip(info.columns, pg_types)):
            arrow_type = _TYPES.get(t, ("", pa.string()))[1]
            values = [r[i] for r in rows]
            if t in _AS_TEXT_NUMBERS:
                values = [None if v is None else float(v) if isinstance(v, Decimal) else v for v in values]
            arrays[c.name] = arrow_column(values, arrow_type)
        return sample_table(arrays)

    def close(self) -> None:
        with self._mutex:
            self._close_profile()
            self._conn.close()


def _redact(url: str) -> str:
    """The URL without its password, for messages and provenance."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        host = parts.hostname or ""
        netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    return url
