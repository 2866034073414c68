"""Self-describing files: Parquet, JSON (an array of objects, or one object) and JSON Lines.

Their values are already typed, so nothing is typed by content here.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from tablepilot.data.names import clean_column_names, quote_literal, table_name_from
from tablepilot.data.raw import RawTable
from tablepilot.errors import LoadError


def _read(path: Path, con: duckdb.DuckDBPyConnection, sql: str, what: str) -> RawTable:
    try:
        table = con.sql(sql).to_arrow_table()
    except duckdb.Error as exc:
        raise LoadError(
            f"cannot read {path.name} as {what}: {str(exc).splitlines()[0]}",
            hint=f"check that the file is valid {what}",
            path=str(path),
        ) from exc
    if table.num_columns == 0:
        raise LoadError(f"{path.name} has no columns", hint=f"the {what} holds no fields", path=str(path))
    names, notes = clean_column_names(table.column_names)
    return RawTable(
        name=table_name_from(path.stem), table=table.rename_columns(names), source=str(path), notes=notes
    )


def read_parquet(path: Path, con: duckdb.DuckDBPyConnection) -> list[RawTable]:
    return [_read(path, con, f"SELECT * FROM read_parquet({quote_literal(str(path))})", "Parquet")]


def read_json(path: Path, con: duckdb.DuckDBPyConnection) -> list[RawTable]:
    """JSON or JSON Lines; DuckDB tells the two apart by content."""
    sql = f"SELECT * FROM read_json({quote_literal(str(path))}, format='auto', sample_size=-1)"
    return [_read(path, con, sql, "JSON")]
