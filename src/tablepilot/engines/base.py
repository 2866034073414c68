"""Where queries run. One small interface so DuckDB, PostgreSQL and Spark plug in the same way."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, Self

import duckdb

from tablepilot.answer import ResultTable
from tablepilot.catalog import TableInfo
from tablepilot.errors import QueryError

TIMEOUT_HINT = "simplify it: filter early, aggregate before joining, avoid cross joins"


def timeout_error(
    sql: str, timeout_s: float, *, what: str = "the query", hint: str = TIMEOUT_HINT
) -> QueryError:
    """The error every engine raises when its time limit stops a query, so the model reads one message."""
    return QueryError(f"{what} took longer than {timeout_s:g} s and was stopped", hint=hint, sql=sql)


def capped_result(columns: list[str], rows: Sequence[Sequence[Any]], max_rows: int) -> ResultTable:
    """Rows fetched up to ``max_rows + 1``, cut to ``max_rows``: the extra row tells that there were more."""
    return ResultTable(
        columns=columns, rows=[list(r) for r in rows[:max_rows]], truncated=len(rows) > max_rows
    )


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

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
