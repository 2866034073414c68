"""Profiling for engines whose data lives elsewhere (PostgreSQL, MySQL/MariaDB, Spark).

Profiling and the value index run DuckDB SQL, so these engines copy a sample of each table into an
in-memory DuckDB database under the same names (``profile_connection``), built once on first use.
"""

from __future__ import annotations

import threading
from abc import abstractmethod
from collections.abc import Iterator
from typing import Any

import duckdb
import pyarrow as pa

from tablepilot.data.names import quote_ident
from tablepilot.engines.base import Engine


def store_sample(con: duckdb.DuckDBPyConnection, name: str, data: pa.Table) -> None:
    """Copy an Arrow table into ``con`` as table ``name``: profiling SQL then reads it like any table."""
    con.register("__tablepilot_sample", data)
    con.execute(f"CREATE TABLE {quote_ident(name)} AS SELECT * FROM __tablepilot_sample")
    con.unregister("__tablepilot_sample")


def arrow_column(values: list[Any], arrow_type: pa.DataType) -> pa.Array:
    """``values`` as ``arrow_type``, or as text when they do not fit: one odd value must not stop profiling."""
    try:
        return pa.array(values, type=arrow_type)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def sample_table(arrays: dict[str, pa.Array]) -> pa.Table:
    """The sample's columns as a table; a placeholder column when there are none (DuckDB needs one)."""
    return pa.table(arrays) if arrays else pa.table({"_": pa.array([], type=pa.null())})


class SampledEngine(Engine):
    """An engine that profiles samples of its tables, copied into an in-memory DuckDB once."""

    _mutex: threading.RLock
    _profile_con: duckdb.DuckDBPyConnection | None

    @abstractmethod
    def _samples(self) -> Iterator[tuple[str, pa.Table]]:
        """(table name, sample) for every table, fetched lazily."""

    def profile_connection(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB with a sample of every table (all rows up to ``sample_rows``), same names."""
        with self._mutex:
            if self._profile_con is None:
                con = duckdb.connect(":memory:")
                for name, data in self._samples():
                    store_sample(con, name, data)
                self._profile_con = con
            return self._profile_con

    def _close_profile(self) -> None:
        """Close the sample database (it is built again on the next ``profile_connection``)."""
        with self._mutex:
            if self._profile_con is not None:
                self._profile_con.close()
                self._profile_con = None
