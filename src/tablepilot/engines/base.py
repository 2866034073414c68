"""Where queries run. One small interface so DuckDB, PostgreSQL and Spark plug in the same way."""

from __future__ import annotations

from abc import ABC, abstractmethod

import duckdb

from tablepilot.answer import ResultTable
from tablepilot.catalog import TableInfo


class Engine(ABC):
    #: the sqlglot dialect of the SQL this engine runs ("duckdb", "postgres", "spark")
    dialect: str = "duckdb"

    @abstractmethod
    def tables(self) -> list[TableInfo]:
        """The tables a question may use."""

    @abstractmethod
    def execute(self, sql: str, *, max_rows: int = 1000, timeout_s: float = 30.0) -> ResultTable:
        """Run one read-only query; raise ``QueryError`` on failure or timeout."""

    def profile_connection(self) -> duckdb.DuckDBPyConnection | None:
        """A DuckDB connection holding every table (or a sample of it) under the same name.

        Profiling and the value index run DuckDB SQL; an engine that is not DuckDB copies samples
        into one. The default is the engine's own ``connection`` when it has one.
        """
        con = getattr(self, "connection", None)
        return con if isinstance(con, duckdb.DuckDBPyConnection) else None

    def close(self) -> None:
        """Release connections."""
