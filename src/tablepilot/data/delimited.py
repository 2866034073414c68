"""CSV, TSV and TXT files.

The encoding is ours to find (DuckDB reads UTF-8 only); the dialect (delimiter among ``,`` ``\\t``
``;`` ``|``, quote, escape) and whether the first row is a header come from DuckDB's sniffer. Every
cell is read as text and typed later by content, so codes such as ``007`` keep their zeros.
The header row is read as data and applied here, so blank and repeated names get our names and notes
rather than DuckDB's silent renames.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from tablepilot.data.encoding import detect_encoding, utf8_copy
from tablepilot.data.names import clean_column_names, quote_literal, table_name_from
from tablepilot.data.raw import RawTable
from tablepilot.errors import LoadError
from tablepilot.tidy.files import TidyResult, assign_names, tidy_sheet
from tablepilot.tidy.report import TidyReport

_DELIMITERS = {",", "\t", ";", "|"}
_EMPTY = "(empty)"  # how sniff_csv reports "no quote / no escape character"


def _sniff(con: duckdb.DuckDBPyConnection, path: Path, delimiter: str | None) -> dict[str, Any]:
    opts = f", delim={quote_literal(delimiter)}" if delimiter else ""
    row = con.execute(
        f"SELECT Delimiter, Quote, Escape, HasHeader FROM sniff_csv({quote_literal(str(path))}{opts})"
    ).fetchall()
    delim, quote, escape, has_header = (None if v == _EMPTY else v for v in row[0])
    if delimiter is None:
        fallback = _frequent_delimiter(path)
        if fallback and (delim not in _DELIMITERS or not _occurs(path, str(delim))):
            try:  # ragged rows made the sniffer give up on the real delimiter
                return _sniff(con, path, fallback)
            except duckdb.Error:
                return {"delim": fallback, "quote": '"', "escape": "", "header": True}
    if delim not in _DELIMITERS:
        delim = delimiter or ","
    return {"delim": delim, "quote": quote or '"', "escape": escape or "", "header": bool(has_header)}


def _sample_lines(path: Path) -> list[str]:
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        lines = [line for _, line in zip(range(100), f, strict=False)]
    return [line for line in lines if line.strip()]


def _occurs(path: Path, delim: str) -> bool:
    return any(delim in line for line in _sample_lines(path))


def _frequent_delimiter(path: Path) -> str | None:
    """The candidate delimiter found on most sample lines (at least half), if any."""
    lines = _sample_lines(path)
    counts = {d: sum(1 for line in lines if d in line) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if lines and counts[best] * 2 >= len(lines) else None


def _read_text(con: duckdb.DuckDBPyConnection, path: Path, dialect: dict[str, Any]) -> pa.Table:
    base = (
        f"SELECT * FROM read_csv({quote_literal(str(path))}, all_varchar=true, header=false, "
        f"delim={quote_literal(dialect['delim'])}, quote={quote_literal(dialect['quote'])}, "
        f"escape={quote_literal(dialect['escape'])}, null_padding=true, strict_mode=false"
    )
    try:
        return con.sql(base + ")").to_arrow_table()
    except duckdb.Error as exc:
        # DuckDB's parallel reader cannot pad short rows when quoted fields hold line breaks
        if "parallel" not in str(exc):
            raise
    return con.sql(base + ", parallel=false)").to_arrow_table()


def read_delimited(path: Path, con: duckdb.DuckDBPyConnection) -> list[RawTable]:
    """Read one delimited text file as all-text tables, using ``con`` to parse it."""
    return [r.raw for r in read_delimited_results(path, con)]


def read_delimited_results(path: Path, con: duckdb.DuckDBPyConnection) -> list[TidyResult]:
    """The tables of a delimited file with their tidy reports (docs/tidy.md)."""
    encoding = detect_encoding(path)
    notes = [] if encoding in ("utf-8", "utf_8") else [f"read as {encoding} text"]
    forced = "\t" if path.suffix.lower() in (".tsv", ".tab") else None
    with utf8_copy(path, encoding) as text_path:
        try:
            dialect = _sniff(con, text_path, forced)
            table = _read_text(con, text_path, dialect)
        except duckdb.Error as exc:
            raise LoadError(
                f"cannot read {path.name} as delimited text: {str(exc).splitlines()[0]}",
                hint="check that the file is a CSV/TSV export with one record per line",
                path=str(path),
            ) from exc
    if table.num_rows == 0 or table.num_columns == 0 or _all_blank(table):
        raise LoadError(
            f"{path.name} holds no data",
            hint="the file has no rows with values; export it again",
            path=str(path),
        )
    return _to_raw(path, table, dialect, notes)


def _all_blank(table: pa.Table) -> bool:
    for column in table.columns:
        trimmed = pc.utf8_trim_whitespace(column)
        if pc.any(pc.fill_null(pc.not_equal(trimmed, ""), False)).as_py():
            return False
    return True


#: above this many rows the grid is not tidied (Python rows would be slow); the header rule stays
TIDY_MAX_ROWS = 200_000


def _to_raw(path: Path, table: pa.Table, dialect: dict[str, Any], notes: list[str]) -> list[TidyResult]:
    if dialect["delim"] != ",":
        notes.append(f"delimiter {dialect['delim']!r}")
    if table.num_rows <= TIDY_MAX_ROWS:
        grid = [list(r) for r in zip(*(c.to_pylist() for c in table.columns), strict=True)]
        results = tidy_sheet(str(path), None, grid, notes=notes, first_row_header=bool(dialect["header"]))
        for r in results:
            r.raw.infer_columns = frozenset(
                c for c in r.raw.table.column_names if pa.types.is_string(r.raw.table.schema.field(c).type)
            )
        assign_names(results, table_name_from(path.stem))
        return results
    return [_plain(path, table, dialect, notes)]


def _plain(path: Path, table: pa.Table, dialect: dict[str, Any], notes: list[str]) -> TidyResult:
    """A very large file: first row header (if the sniffer says so), every other row data."""
    if dialect["header"]:
        header: list[object] = [table.column(i)[0].as_py() for i in range(table.num_columns)]
        table = table.slice(1)
    else:
        header = [f"column_{i}" for i in range(1, table.num_columns + 1)]
        notes.append("the first row looks like data, not a header; columns are named column_1, column_2, …")
    names, name_notes = clean_column_names(header)
    table = table.rename_columns(names)
    raw = RawTable(
        name=table_name_from(path.stem),
        table=table,
        source=str(path),
        notes=notes + name_notes + [f"more than {TIDY_MAX_ROWS} rows: read as is, without the tidy step"],
        infer_columns=frozenset(names),
    )
    return TidyResult(raw, TidyReport(source=str(path), table=raw.name, columns=names))
