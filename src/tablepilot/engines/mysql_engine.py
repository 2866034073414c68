"""MySQL and MariaDB: queries run where the data lives, and the server refuses every write.

Defences that do not depend on the SQL guard:

* the session is ``READ ONLY`` (``SET SESSION TRANSACTION READ ONLY``), so even a statement that
  commits implicitly runs in a read-only transaction; every query runs inside ``START TRANSACTION
  READ ONLY`` and is rolled back;
* the driver never enables multi-statements or ``LOAD DATA LOCAL``: ``…; DELETE …`` is a syntax error;
* a server-side time limit (``max_execution_time`` in MySQL, ``max_statement_time`` in MariaDB)
  and a row cap (an unbuffered cursor, ``fetchmany``).

``SELECT … INTO OUTFILE`` and ``LOAD_FILE()`` are not writes to tables: a role without the global
``FILE`` privilege (docs/databases.md) is what stops them on the server.

The session uses ``ANSI_QUOTES``, so ``"name"`` is a name, as in the prompt and in the guard's
MySQL reading (``sql/dialects.py``). Profiling copies up to ``sample_rows`` rows of each table into an
in-memory DuckDB (``profile_connection``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import unquote, urlsplit

import duckdb
import pyarrow as pa

from tablepilot.answer import ResultTable
from tablepilot.catalog import ColumnInfo, TableInfo
from tablepilot.engines.base import capped_result, timeout_error
from tablepilot.engines.joins import ForeignKey
from tablepilot.engines.postgres_engine import _qi, _redact
from tablepilot.engines.sampling import arrow_column, sample_table
from tablepilot.engines.server import ServerEngine
from tablepilot.errors import ConfigError, InputError, LoadError, QueryError

_INSTALL = "pip install 'tablepilot[mysql]'  (or: pip install pymysql)"
SCHEMES = ("mysql", "mariadb", "mysql+pymysql")

#: information_schema DATA_TYPE → (name shown to the model and the profiler, Arrow type of the sample)
_TYPES: dict[str, tuple[str, pa.DataType]] = {
    **{t: ("INTEGER", pa.int64()) for t in ("tinyint", "smallint", "mediumint", "int", "integer", "year")},
    "bigint": ("BIGINT", pa.int64()),
    "decimal": ("DECIMAL", pa.float64()),
    "float": ("FLOAT", pa.float64()),
    "double": ("DOUBLE", pa.float64()),
    **{t: ("VARCHAR", pa.string()) for t in ("char", "varchar", "enum", "set", "json", "time")},
    **{t: ("TEXT", pa.string()) for t in ("tinytext", "text", "mediumtext", "longtext")},
    "date": ("DATE", pa.date32()),
    "datetime": ("DATETIME", pa.timestamp("us")),
    "timestamp": ("TIMESTAMP", pa.timestamp("us")),
}


def _import_pymysql() -> Any:
    try:
        import pymysql
    except ImportError as exc:
        raise ConfigError("MySQL/MariaDB support needs the pymysql package", hint=_INSTALL) from exc
    return pymysql


def _first_line(exc: BaseException) -> str:
    args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
    text = str(args[1]) if len(args) >= 2 else str(exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


@dataclass(frozen=True)
class _Url:
    host: str
    port: int
    user: str | None
    password: str | None
    database: str
    socket: str | None


def parse_url(url: str) -> _Url:
    """``mysql://user:pass@host:3306/db`` (``?unix_socket=/path`` for a socket)."""
    parts = urlsplit(url)
    database = unquote(parts.path.lstrip("/"))
    if not database:
        raise InputError(f"{_redact(url)} names no database", hint="write mysql://user@host:3306/database")
    query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
    return _Url(
        host=parts.hostname or "localhost",
        port=parts.port or 3306,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        database=database,
        socket=unquote(query["unix_socket"]) if "unix_socket" in query else None,
    )


class MySQLEngine(ServerEngine):
    """One connection to one MySQL/MariaDB database (its tables and views)."""

    dialect = "mysql"

    def __init__(self, url: str, *, sample_rows: int = 20_000, connect_timeout_s: int = 10) -> None:
        pymysql = _import_pymysql()
        self.url = url
        target = parse_url(url)
        self.database = target.database
        self._sample_rows = sample_rows
        self._mutex = threading.RLock()
        self._profile_con: duckdb.DuckDBPyConnection | None = None
        try:
            self._conn: Any = pymysql.connect(
                host=target.host,
                port=target.port,
                user=target.user,
                password=target.password or "",
                database=target.database,
                unix_socket=target.socket,
                connect_timeout=connect_timeout_s,
                charset="utf8mb4",
                autocommit=False,
                local_infile=False,
                init_command="SET SESSION TRANSACTION READ ONLY",
            )
        except pymysql.Error as exc:
            raise LoadError(
                f"cannot connect to MySQL at {_redact(url)}: {_first_line(exc)}",
                hint="check host, port, database name, user and password (mysql://user:pass@host:3306/db)",
                path=_redact(url),
            ) from exc
        try:
            version = str(self._rows("SELECT VERSION()")[0][0])
            self.mariadb = "mariadb" in version.lower()
            with self._conn.cursor() as cur:
                cur.execute("SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',ANSI_QUOTES')")
            self._foreign_keys: list[ForeignKey] = []
            self._tables = self._introspect()
        except BaseException:
            self._conn.close()
            raise

    # -- introspection -----------------------------------------------------------------------------

    def _introspect(self) -> list[TableInfo]:
        db = [self.database]
        relations = self._rows(
            "SELECT TABLE_NAME, TABLE_TYPE, TABLE_COMMENT FROM information_schema.TABLES "
            "WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME",
            db,
        )
        columns = self._rows(
            "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, COLUMN_COMMENT, COLUMN_KEY "
            "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME, ORDINAL_POSITION",
            db,
        )
        keys = self._rows(
            "SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME "
            "FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = %s "
            "AND REFERENCED_TABLE_SCHEMA = %s ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION",
            db + db,
        )
        grouped: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
        for table, name, column, ref_table, ref_column in keys:
            grouped.setdefault((str(table), str(name)), []).append((column, str(ref_table), ref_column))
        self._foreign_keys = [
            ForeignKey(t, tuple(c for c, _, _ in parts), parts[0][1], tuple(r for _, _, r in parts))
            for (t, _), parts in grouped.items()
        ]
        by_table: dict[str, list[ColumnInfo]] = {}
        self._types: dict[str, list[str]] = {}
        primary: dict[str, list[str]] = {}
        for table, column, data_type, column_type, comment, key in columns:
            base = str(data_type).lower()
            shown = _TYPES.get(base, (str(column_type).upper(), pa.string()))[0]
            if base in ("decimal", "char", "varchar"):
                shown = str(column_type).upper()
            by_table.setdefault(str(table), []).append(
                ColumnInfo(str(column), shown, description=comment or None)
            )
            self._types.setdefault(str(table), []).append(base)
            if key == "PRI":
                primary.setdefault(str(table), []).append(str(column))
        infos = []
        for table, kind, comment in relations:
            name = str(table)
            notes: list[str] = []
            try:
                count = int(self._rows(f"SELECT COUNT(*) FROM {self._q(name)}")[0][0])
            except Exception:  # noqa: BLE001 - a broken view is still listed
                count, notes = 0, ["row count unknown (counting failed)"]
            parts = [str(comment)] if comment and kind != "VIEW" else []
            if kind == "VIEW":
                parts.append("view")
            if primary.get(name):
                parts.append("primary key (" + ", ".join(_qi(c) for c in primary[name]) + ")")
            parts.extend(f"join {fk.join_sql()}" for fk in self._foreign_keys if fk.table == name)
            infos.append(
                TableInfo(
                    name=name,
                    columns=tuple(by_table.get(name, [])),
                    row_count=count,
                    source=f"{_redact(self.url)} {name}",
                    description="; ".join(parts) or None,
                    notes=tuple(notes),
                )
            )
        return infos

    @staticmethod
    def _q(name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    # -- querying ----------------------------------------------------------------------------------

    def execute(self, sql: str, *, max_rows: int = 1000, timeout_s: float = 30.0) -> ResultTable:
        """Run one query in a READ ONLY transaction under a server-side time limit; always rolled back."""
        pymysql = _import_pymysql()
        limit = (
            f"SET SESSION max_statement_time = {max(0.001, timeout_s):.3f}"
            if self.mariadb
            else f"SET SESSION max_execution_time = {max(1, int(timeout_s * 1000))}"
        )
        with self._mutex:
            try:
                with self._conn.cursor() as setup:
                    setup.execute("SET SESSION TRANSACTION READ ONLY")
                    setup.execute(limit)
                    setup.execute("START TRANSACTION READ ONLY")
                with self._conn.cursor(pymysql.cursors.SSCursor) as cur:
                    cur.execute(sql.strip().rstrip(";"))
                    columns = [d[0] for d in cur.description or []]
                    rows = list(cur.fetchmany(max_rows + 1)) if cur.description else []
            except pymysql.Error as exc:
                code = exc.args[0] if exc.args else 0
                if code in (1969, 3024):  # MariaDB / MySQL: query execution was interrupted (time limit)
                    raise timeout_error(sql, timeout_s) from exc
                raise QueryError(_first_line(exc), hint=_hint(int(code), self._tables), sql=sql) from exc
            finally:
                with suppress(Exception):  # a broken connection surfaces on the next query
                    self._conn.rollback()
        return capped_result(columns, rows, max_rows)

    # -- profiling ---------------------------------------------------------------------------------

    def _samples(self) -> Iterator[tuple[str, pa.Table]]:
        """The first ``sample_rows`` rows of every table."""
        for info in self._tables:
            yield info.name, self._sample(info)

    def _sample(self, info: TableInfo) -> pa.Table:
        types = self._types.get(info.name, [])
        if not info.columns:
            return sample_table({})
        select = ", ".join(self._q(c.name) for c in info.columns)
        rows = self._rows(f"SELECT {select} FROM {self._q(info.name)} LIMIT {self._sample_rows}")
        arrays = {}
        for i, (column, base) in enumerate(zip(info.columns, types)):
            values = [r[i] for r in rows]
            values = [float(v) if isinstance(v, Decimal) else v for v in values]
            arrow_type = _TYPES.get(base, ("", pa.string()))[1]
            arrays[column.name] = arrow_column(values, arrow_type)
        return pa.table(arrays)

    def close(self) -> None:
        with self._mutex:
            self._close_profile()
            with suppress(Exception):
                self._conn.close()


def _hint(code: int, tables: Sequence[TableInfo]) -> str:
    if code == 1792:
        return "the database is opened read-only; write a SELECT that only reads"
    if code in (1142, 1143, 1044, 1045):
        return "the database user may not read this; use only the listed tables"
    if code in (1146, 1054):
        names = ", ".join(_qi(t.name) for t in tables) or "(none)"
        return f"use only the listed tables and their columns; tables: {names}"
    if code == 1064:
        return 'send a single SELECT query in MySQL syntax; quote names with "double quotes"'
    if code in (2006, 2013):
        return "the connection to the server was lost; check that it is up"
    return "check the SQL against the table descriptions (MySQL dialect)"
