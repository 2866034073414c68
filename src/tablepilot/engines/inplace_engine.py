"""Big Parquet/CSV files queried where they lie: views over ``read_parquet``/``read_csv``, nothing copied.

The base engine copies every file into memory, which is right for spreadsheets and wrong for a
100M-row dataset. Here each file (or glob) becomes a view; the glob is expanded once, and exactly
those files go into ``allowed_paths`` before external access is switched off, so queries read them
and nothing else. DuckDB streams the scans under ``memory_limit`` and spills to the temp directory.

Profiling a view would scan every row, so ``profile_connection()`` is a separate in-memory database
holding a sample of each table (rows spread over the files); Parquet row counts are exact (metadata).
A big CSV is parsed once in the background into a cached Parquet copy (``csv_cache.py``): its row
count is estimated from the file size until then, and exact on every later open.
"""

from __future__ import annotations

import glob
import os
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import duckdb

from tablepilot.answer import ResultTable
from tablepilot.catalog import ColumnInfo, TableInfo
from tablepilot.data.names import clean_column_names, quote_ident, quote_literal, table_name_from, unique_name
from tablepilot.engines import csv_cache
from tablepilot.engines.duckdb_engine import DuckDBEngine
from tablepilot.engines.sampling import store_sample
from tablepilot.errors import LoadError

IN_PLACE_SUFFIXES = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".tsv": "csv"}
#: single files at least this big are read in place; smaller ones are loaded (and their messy cells typed)
IN_PLACE_MIN_BYTES = 256 * 1024 * 1024
_SAMPLE_FILES = 16


def is_glob(source: str) -> bool:
    return any(ch in source for ch in "*?[")


def in_place_candidate(source: str) -> bool:
    """A glob (of Parquet/CSV files: ``expand`` checks), or one Parquet/CSV file large enough not to copy."""
    if is_glob(source):
        return True
    if Path(source).suffix.lower() not in IN_PLACE_SUFFIXES:
        return False
    try:
        return os.path.getsize(source) >= IN_PLACE_MIN_BYTES
    except OSError:
        return False


def expand(source: str) -> list[str]:
    """The files of a glob (sorted) or the one path; ``LoadError`` when nothing matches."""
    files = sorted(glob.glob(os.path.expanduser(source), recursive=True)) if is_glob(source) else [source]
    files = [os.path.abspath(f) for f in files if os.path.isfile(f)]
    if not files:
        raise LoadError(f"no file matches {source}", hint="check the path or the glob pattern", path=source)
    kinds = {IN_PLACE_SUFFIXES.get(Path(f).suffix.lower()) for f in files}
    if None in kinds or len(kinds) != 1:
        raise LoadError(
            f"{source} matches files of different or unsupported kinds",
            hint="a glob must match only Parquet files or only CSV files",
            path=source,
        )
    return files


class InPlaceEngine(DuckDBEngine):
    """A DuckDB engine whose tables are views over files on disk, plus a sampled profiling database."""

    def __init__(self, *, sample_rows: int = 100_000, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._sample_rows = sample_rows
        self._allowed: list[str] = []
        self._profile = duckdb.connect(":memory:")
        self._pending: dict[str, csv_cache.Conversion] = {}

    def add_files(self, source: str, *, name: str | None = None) -> TableInfo:
        """One view over the files of ``source`` (a path or glob); call before ``lock()``."""
        if self.locked:
            raise LoadError(
                "files cannot be added after the engine is locked", hint="open all sources at once"
            )
        files = expand(source)
        reader = IN_PLACE_SUFFIXES[Path(files[0]).suffix.lower()]
        listing = "[" + ", ".join(quote_literal(f) for f in files) + "]"
        scan = (
            f"read_parquet({listing}, union_by_name = true)"
            if reader == "parquet"
            else f"read_csv({listing}, union_by_name = true, sample_size = 20480)"
        )
        con = self._con
        stem = Path(source).stem.replace("*", "").strip("_-. ") or Path(files[0]).parent.name
        table = unique_name(table_name_from(name or stem), self._tables)
        cache = csv_cache.cache_path(files) if reader == "csv" else None
        plural = "s" if len(files) != 1 else ""
        try:
            raw_names = [str(r[0]) for r in con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()]
            names, notes = clean_column_names(raw_names)
            select = ", ".join(f"{quote_ident(r)} AS {quote_ident(n)}" for r, n in zip(raw_names, names))
            if reader == "parquet":
                con.execute(f"CREATE VIEW {quote_ident(table)} AS SELECT {select} FROM {scan}")
                rows = self._count(table)
                note = f"queried in place from {len(files)} Parquet file{plural}; profiled from a sample"
            elif cache is not None and cache.is_file():  # parsed on an earlier open, files unchanged
                con.execute(f"CREATE VIEW {quote_ident(table)} AS SELECT * FROM {_parquet_scan(cache)}")
                rows = self._count(table)
                note = (
                    f"parsed from {len(files)} CSV file{plural} earlier, read from its Parquet copy {cache}"
                )
            elif cache is not None:  # a view over the CSV until the background parse is done
                con.execute(f"CREATE VIEW {quote_ident(table)} AS SELECT {select} FROM {scan}")
                rows = csv_cache.estimate_rows(files)
                self._pending[table] = csv_cache.Conversion(f"SELECT {select} FROM {scan}", cache)
                note = (
                    f"{len(files)} CSV file{plural} being parsed into a Parquet copy ({cache}); "
                    "row count estimated from the file sizes"
                )
            else:
                # CSV has no column statistics or pushdown: a query would parse every byte again, so it is
                # parsed once into a (compressed, spillable) table
                con.execute(f"CREATE TABLE {quote_ident(table)} AS SELECT {select} FROM {scan}")
                rows = self._count(table)
                note = f"parsed once from {len(files)} CSV file{plural} (DuckDB's reader)"
            columns = tuple(ColumnInfo(n, t) for n, t in self._describe(table))
            self._copy_sample(table, scan, select, files, rows)
        except duckdb.Error as exc:
            raise LoadError(
                f"cannot read {source}: {str(exc).splitlines()[0]}",
                hint=f"check that every matched file is valid {reader.upper()} with the same columns",
                path=source,
            ) from exc
        self._allowed.extend(files if reader == "parquet" or cache is not None else [])
        if cache is not None:
            self._allowed.append(str(cache))
        if reader == "csv" and "profiled" not in note:
            note += "; profiled from a sample"
        info = TableInfo(name=table, columns=columns, row_count=rows, source=source, notes=(*notes, note))
        self._tables[table] = info
        return info

    def _count(self, table: str) -> int:
        row = self._con.execute(f"SELECT count(*) FROM {quote_ident(table)}").fetchone()
        return int(row[0]) if row else 0

    def execute(self, sql: str, *, max_rows: int = 1000, timeout_s: float = 30.0) -> ResultTable:
        """As the base engine, after switching CSV views to their Parquet copies (waiting for the parse)."""
        started = time.monotonic()
        self._finish_conversions(timeout_s)
        left = max(0.1, timeout_s - (time.monotonic() - started))
        return super().execute(sql, max_rows=max_rows, timeout_s=left)

    def _finish_conversions(self, timeout_s: float) -> None:
        """Point each CSV view at its Parquet copy once written; a failed parse keeps the CSV view."""
        for table, conversion in list(self._pending.items()):
            if conversion.wait(timeout_s):
                with self._mutex:
                    self._con.execute(
                        f"CREATE OR REPLACE VIEW {quote_ident(table)} AS SELECT * FROM {_parquet_scan(conversion.target)}"
                    )
                    info = self._tables[table]
                    self._tables[table] = replace(info, row_count=self._count(table))
                del self._pending[table]
            elif not conversion.running:
                del self._pending[table]  # the CSV view stays: correct, only slower

    def _copy_sample(self, table: str, scan: str, select: str, files: list[str], rows: int) -> None:
        """Up to ``sample_rows`` rows from the heads of files spread over the list (so one file does not
        dominate); rows deep inside a single huge file are not sampled: a cheaper-than-a-scan trade-off."""
        con = self._con
        if rows <= self._sample_rows:
            data = con.sql(f"SELECT * FROM {quote_ident(table)}").to_arrow_table()
        else:
            step = max(1, len(files) // _SAMPLE_FILES)
            picked = files[::step][:_SAMPLE_FILES]
            share = max(1, self._sample_rows // len(picked))
            parts = []
            for f in picked:
                one = scan.replace(scan[scan.index("[") : scan.index("]") + 1], "[" + quote_literal(f) + "]")
                # the head of each file: a reservoir sample would scan every row, a LIMIT reads one row group
                parts.append(f"(SELECT {select} FROM {one} LIMIT {share})")
            data = con.sql(" UNION ALL ".join(parts)).to_arrow_table()
        store_sample(self._profile, table, data)

    def lock(self) -> None:
        """Allow exactly the added files, then lock as the base engine does."""
        with self._mutex:
            if not self.locked and self._allowed:
                listing = "[" + ", ".join(quote_literal(f) for f in self._allowed) + "]"
                self._con.execute(f"SET allowed_paths = {listing}")
            super().lock()

    def profile_connection(self) -> duckdb.DuckDBPyConnection:
        return self._profile

    def close(self) -> None:
        self._profile.close()
        super().close()


def _parquet_scan(path: os.PathLike[str] | str) -> str:
    return f"read_parquet([{quote_literal(str(path))}])"


def open_in_place(sources: Sequence[str], **engine_kwargs: object) -> InPlaceEngine:
    """A locked engine with one view per source (path or glob); closes it again if opening fails."""
    engine = InPlaceEngine(**engine_kwargs)  # type: ignore[arg-type]
    try:
        for source in sources:
            engine.add_files(source)
        engine.lock()
    except BaseException:
        engine.close()
        raise
    return engine
