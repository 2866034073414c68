"""Execution suites on PostgreSQL: load Spider-style databases into it, and answer questions there.

``load_spider_suite`` puts each ``dbs/<db>/`` of a suite into its own schema of one PostgreSQL
database, typed exactly as ``tables.spider_database`` types them for DuckDB (through SQLite's
affinity), with every name lower-cased so the gold SQL's unquoted, any-case names resolve. Primary
and foreign keys from schema.sql are added where the data allows, so the engine can show join paths.

``postgres_engine_factory(url)`` plugs into ``run_suite(engine_factory=…)``: the runner registers a
question's tables with the engine it gets; this engine notes which schema they came from and then
runs every query in PostgreSQL, read-only, on those tables only.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from tablepilot.answer import ResultTable
from tablepilot.catalog import TableInfo
from tablepilot.engines.base import Engine
from tablepilot.engines.joins import ForeignKey
from tablepilot.engines.postgres_engine import PostgresEngine
from tablepilot.errors import LoadError
from tablepilot.evaluation.tables import LoadedTable, spider_database

_PG_TYPES = {pa.int64(): "bigint", pa.float64(): "double precision", pa.string(): "text"}


def schema_name(db_dir: Path) -> str:
    """The PostgreSQL schema of one suite database: its folder name, lower-cased."""
    return re.sub(r"[^a-z0-9_]", "_", db_dir.name.lower())


def _qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def load_spider_suite(suite_dir: Path, url: str, *, progress: bool = True) -> int:
    """Create one schema per ``dbs/<db>`` (replacing it) in the database at ``url``; returns the count."""
    import psycopg

    dbs = sorted(p for p in (Path(suite_dir) / "dbs").iterdir() if p.is_dir())
    with psycopg.connect(url, autocommit=True) as conn:
        for i, db_dir in enumerate(dbs, 1):
            load_spider_database(conn, db_dir)
            if progress:
                print(f"\r{i}/{len(dbs)} {db_dir.name:40}", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    return len(dbs)


def load_spider_database(conn: Any, db_dir: Path) -> None:
    """One database folder → one schema (dropped first); keys are best-effort."""
    schema = _qi(schema_name(db_dir))
    tables = spider_database(db_dir)
    with conn.transaction():
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
        for t in tables:
            _create_table(conn, schema, t)
    for t in tables:  # keys one at a time: dirty data may refuse one and not the others
        if t.primary_key:
            cols = ", ".join(_qi(c.lower()) for c in t.primary_key)
            _try(conn, f"ALTER TABLE {schema}.{_qi(t.name.lower())} ADD PRIMARY KEY ({cols})")
    for t in tables:
        for fk in t.foreign_keys:
            if not fk.ref_columns or not all(fk.ref_columns):
                continue
            cols = ", ".join(_qi(c.lower()) for c in fk.columns)
            refs = ", ".join(_qi(c.lower()) for c in fk.ref_columns)
            _try(
                conn,
                f"ALTER TABLE {schema}.{_qi(t.name.lower())} ADD FOREIGN KEY ({cols}) "
                f"REFERENCES {schema}.{_qi(fk.ref_table.lower())} ({refs}) NOT VALID",
            )


def _create_table(conn: Any, schema: str, t: LoadedTable) -> None:
    names = [n.lower() for n in t.data.column_names]
    columns = ", ".join(f"{_qi(n)} {_PG_TYPES.get(f.type, 'text')}" for n, f in zip(names, t.data.schema))
    target = f"{schema}.{_qi(t.name.lower())}"
    conn.execute(f"CREATE TABLE {target} ({columns})")
    rows = zip(*(col.to_pylist() for col in t.data.columns)) if t.data.num_columns else iter(())
    with conn.cursor() as cur, cur.copy(f"COPY {target} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _try(conn: Any, sql: str) -> bool:
    import psycopg

    try:
        with conn.transaction():
            conn.execute(sql)
        return True
    except psycopg.Error:
        return False


class SuiteQuestionEngine(Engine):
    """What the runner gets per question: collects the table names, then delegates to PostgreSQL."""

    dialect = "postgres"

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self._url = url
        self._kwargs = engine_kwargs
        self._schema: str | None = None
        self._wanted: set[str] = set()
        self._engine: PostgresEngine | None = None

    def register_arrow(
        self,
        name: str,
        table: pa.Table,
        *,
        source: str = "",
        notes: Sequence[str] = (),
        infer_types: bool = False,
    ) -> TableInfo:
        """The table already lives in PostgreSQL (typed by its schema); only note which one is wanted."""
        if not source:
            raise LoadError(f"table {name} has no source file", hint="suite tables come from dbs/<db>/*.csv")
        self._schema = schema_name(Path(source).parent)
        self._wanted.add(name.lower())
        return TableInfo(name=name.lower(), columns=(), row_count=table.num_rows, source=source)

    @property
    def engine(self) -> PostgresEngine:
        if self._engine is None:
            if self._schema is None:
                raise LoadError(
                    "no tables were registered", hint="the runner registers a question's tables first"
                )
            self._engine = PostgresEngine(self._url, schemas=[self._schema], **self._kwargs)
        return self._engine

    def tables(self) -> list[TableInfo]:
        return [t for t in self.engine.tables() if t.name in self._wanted]

    @property
    def foreign_keys(self) -> list[ForeignKey]:
        return [fk for fk in self.engine.foreign_keys if {fk.table, fk.ref_table} <= self._wanted]

    def execute(self, sql: str, *, max_rows: int = 1000, timeout_s: float = 30.0) -> ResultTable:
        return self.engine.execute(sql, max_rows=max_rows, timeout_s=timeout_s)

    def profile_connection(self) -> duckdb.DuckDBPyConnection:
        return self.engine.profile_connection()

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()


def postgres_engine_factory(url: str, **engine_kwargs: Any) -> Callable[[], Engine]:
    """For ``run_suite(engine_factory=…)``: each question's db is a schema of the database at ``url``."""
    return lambda: SuiteQuestionEngine(url, **engine_kwargs)


def gold_to_postgres(sql: str, read: str = "mysql") -> str:
    """A gold query in PostgreSQL syntax, names lower-cased as ``load_spider_suite`` stores them."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read=read)
    for ident in tree.find_all(exp.Identifier):
        ident.set("this", ident.this.lower())
    return tree.sql(dialect="postgres")


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m tablepilot.evaluation.pg_suite SUITE_DIR URL``: load a suite's databases (scripts/pg-ci)."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("suite_dir", type=Path)
    parser.add_argument("url")
    args = parser.parse_args(argv)
    count = load_spider_suite(args.suite_dir, args.url, progress=sys.stderr.isatty())
    print(f"loaded {count} databases of {args.suite_dir} into {args.url}")


if __name__ == "__main__":
    main()
