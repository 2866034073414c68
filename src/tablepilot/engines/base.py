"""Where queries run. One small interface so DuckDB, PostgreSQL and Spark plug in the same way."""

from __future__ import annotations

from abc import ABC, abstractmethod

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

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
