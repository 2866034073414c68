"""Read data files into raw tables with unique SQL names: the one entry point the engine calls.

Readers only read (never write or lock the user's files); every failure reaches the caller as a
one-line ``LoadError`` naming the file, never a traceback from a third-party library.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import duckdb

from tablepilot.data.columnar import read_json, read_parquet
from tablepilot.data.dbfiles import read_duckdb, read_sqlite
from tablepilot.data.delimited import read_delimited
from tablepilot.data.excel import read_xls, read_xlsx
from tablepilot.data.formats import sniff_format
from tablepilot.data.names import unique_name
from tablepilot.data.raw import RawTable
from tablepilot.errors import LoadError

Reader = Callable[[Path, duckdb.DuckDBPyConnection], list[RawTable]]

#: format (from ``sniff_format``) → reader; a reader gets a DuckDB connection it may use to parse
READERS: dict[str, Reader] = {
    "delimited": read_delimited,
    "json": read_json,
    "parquet": read_parquet,
    "xlsx": lambda path, _con: read_xlsx(path),
    "xls": lambda path, _con: read_xls(path),
    "sqlite": lambda path, _con: read_sqlite(path),
    "duckdb": lambda path, _con: read_duckdb(path),
}

_EXPECTED = {
    ".csv": "delimited",
    ".tsv": "delimited",
    ".tab": "delimited",
    ".txt": "delimited",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
}


def read_source(path: Path, con: duckdb.DuckDBPyConnection) -> list[RawTable]:
    """The tables of one file, named from the file (not yet unique)."""
    kind = sniff_format(path)
    try:
        tables = READERS[kind](path, con)
    except LoadError:
        raise
    except MemoryError as exc:
        raise LoadError(
            f"{path.name} is too large to load into memory", hint="load a smaller extract", path=str(path)
        ) from exc
    except Exception as exc:  # a reader's library failed in a way it does not document
        raise LoadError(
            f"cannot read {path.name}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
            hint="check that the file is intact; open and save it again in the program that made it",
            path=str(path),
        ) from exc
    expected = _EXPECTED.get(path.suffix.lower())
    if expected and expected != kind:
        for t in tables:
            t.notes.insert(0, f"named {path.suffix} but its content is {kind}; read as {kind}")
    return tables


def read_sources(
    sources: Sequence[str | os.PathLike[str]],
    taken: Iterable[str] = (),
    *,
    con: duckdb.DuckDBPyConnection | None = None,
) -> list[RawTable]:
    """All tables of all ``sources``, each with a name unique among them and ``taken``.

    ``con`` (an unlocked DuckDB connection) parses text and columnar files; without one a
    temporary connection is opened. Passing the engine's saves a connection per load.
    """
    scratch = duckdb.connect() if con is None else con.cursor()
    names = list(taken)
    out: list[RawTable] = []
    try:
        for source in sources:
            path = Path(os.fspath(source)).expanduser()
            for table in read_source(path, scratch):
                table.name = unique_name(table.name, names)
                names.append(table.name)
                out.append(table)
    finally:
        scratch.close()
    return out
