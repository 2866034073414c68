"""Load a suite question's data as Arrow tables, faithful to how the gold answers were computed.

Each suite family has its own CSV conventions (FORMAT.md). The execution suites' gold rows came
from SQLite (``shared/bench/sqlite_load.py``), so Spider databases are loaded *through* SQLite:
its column affinity decides every value, and we read the converted values back. A DuckDB column
needs one type, so a column is numeric only when every non-NULL value converted; otherwise it
stays text with each cell exactly as the CSV had it (nothing is lost).
"""

from __future__ import annotations

import csv
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa

from tablepilot.catalog import TableInfo
from tablepilot.errors import LoadError
from tablepilot.evaluation.suite import Question

csv.field_size_limit(1 << 30)

FORMATS = ("wtq", "imtqa", "retqa", "spider")


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]


@dataclass(frozen=True)
class LoadedTable:
    """A table ready to register: its SQL name, data, provenance and (Spider) keys."""

    name: str
    data: pa.Table
    source: str = ""
    notes: tuple[str, ...] = ()
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = field(default_factory=tuple)
    #: cells are untyped text (like a CSV a user drops in): let the engine type them the same way
    infer_types: bool = False

    def pair(self) -> tuple[str, pa.Table]:
        return (self.name, self.data)


class ArrowRegistry(Protocol):
    """The part of the DuckDB engine this module needs."""

    def register_arrow(
        self,
        name: str,
        table: pa.Table,
        *,
        source: str = "",
        notes: Sequence[str] = (),
        infer_types: bool = False,
    ) -> TableInfo: ...


# --------------------------------------------------------------------------- naming


def table_name_for(path: Path) -> str:
    """The SQL name of a loose table-QA CSV (one place, so the naming rule is easy to change)."""
    stem = "".join(c if c.isalnum() or c == "_" else "_" for c in path.stem)
    return f"t_{stem}"


def clean_column_names(header: Sequence[str]) -> tuple[list[str], list[str]]:
    """Strip names; blank → ``column_N``; repeats (case-insensitive, as SQL sees them) → ``name_2``."""
    names: list[str] = []
    notes: list[str] = []
    taken: set[str] = set()
    for i, raw in enumerate(header, 1):
        base = raw.strip() or f"column_{i}"
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            name = f"{base}_{n}"
        taken.add(name.lower())
        names.append(name)
        if name != raw:
            notes.append(f"column {i} {raw!r} is named {name!r}")
    return names, notes


def _rectangular(rows: list[list[str]], width: int) -> tuple[list[list[str | None]], int]:
    """Pad short rows with NULL and cut long ones; returns how many rows were changed."""
    changed = sum(1 for r in rows if len(r) != width)
    return [(list(r) + [None] * width)[:width] for r in rows], changed


def _text_table(names: list[str], rows: Sequence[Sequence[str | None]]) -> pa.Table:
    cols = list(zip(*rows)) if rows else [() for _ in names]
    return pa.table({n: pa.array(list(c), type=pa.string()) for n, c in zip(names, cols)})


def _read_csv(path: Path, **fmt: Any) -> list[list[str]]:
    try:
        with path.open(encoding="utf-8", newline="") as f:
            return list(csv.reader(f, **fmt))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise LoadError(
            f"cannot read {path}: {e}", hint="check the suite's data files", path=str(path)
        ) from e


def _grid_table(path: Path, header: list[str], body: list[list[str]], name: str) -> LoadedTable:
    names, notes = clean_column_names(header)
    rows, changed = _rectangular(body, len(names))
    if changed:
        notes.append(f"{changed} rows had a different number of cells than the header (padded with NULL)")
    return LoadedTable(name, _text_table(names, rows), source=str(path), notes=tuple(notes))


# --------------------------------------------------------------------------- WikiTableQuestions


def read_wtq_csv(path: Path) -> list[list[str]]:
    """WTQ quoting: every field quoted, ``\\"`` inside fields, no doubled quotes."""
    return _read_csv(path, escapechar="\\", doublequote=False)


def wtq_table(path: Path) -> LoadedTable:
    """All cells as text (typed views come later); the first row is the header."""
    grid = read_wtq_csv(path)
    return _grid_table(path, grid[0] if grid else [], grid[1:], table_name_for(path))


def without_totals(table: LoadedTable) -> list[LoadedTable]:
    """Total rows ('Total' in one of the first two cells) kept out of the data, as the tidy step
    does for a user's file: they would win every "which … the most" and count as one more item.
    They stay, as written, in ``<name>_totals``."""
    from tablepilot.tidy.totals import total_kind

    rows = table.data.to_pylist()
    names = table.data.column_names
    totals = [i for i, r in enumerate(rows) if total_kind([r[n] for n in names[:2]]) == "total"]
    if not totals or len(totals) == len(rows):
        return [table]
    aside = set(totals)
    keep = [i for i in range(len(rows)) if i not in aside]
    note = f"{len(totals)} total row(s) kept in {table.name}_totals"
    return [
        replace(table, data=table.data.take(keep), notes=(*table.notes, note)),
        replace(table, name=f"{table.name}_totals", data=table.data.take(totals), notes=()),
    ]


# --------------------------------------------------------------------------- IM-TQA


def imtqa_grid(path: Path) -> list[list[str]]:
    """The raw cell grid: no header row is designated (headers may be on top, left or both)."""
    return _read_csv(path)


def imtqa_table(path: Path) -> LoadedTable:
    """The grid tidied: top header rows combined, left key columns kept, key-value pairs as one row."""
    from tablepilot.tidy.text_grid import tidy_text_grid

    tidy = tidy_text_grid(imtqa_grid(path))
    table = _grid_table(path, tidy.columns, tidy.rows, table_name_for(path))
    return LoadedTable(table.name, table.data, source=table.source, notes=tuple(tidy.notes) + table.notes)


def with_wide_view(table: LoadedTable) -> list[LoadedTable]:
    """The table, and its name/value column pairs as one column per name (``tidy.pairs``) if it has them."""
    from tablepilot.tidy.pairs import wide_view

    view = wide_view(table.data.column_names, [list(r.values()) for r in table.data.to_pylist()])
    if view is None:
        return [table]
    data = pa.table(
        {
            name: pa.array([None if r[i] is None else str(r[i]) for r in view.rows], type=pa.string())
            for i, name in enumerate(view.columns)
        }
    )
    wide = LoadedTable(f"{table.name}_wide", data, source=table.source, notes=(view.line,), infer_types=True)
    return [table, wide]


# --------------------------------------------------------------------------- RETQA (typed like sqlite_load)

_INT = re.compile(r"[+-]?\d+")
_REAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def infer_column_type(values: Sequence[str | None]) -> str:
    """``INTEGER`` / ``REAL`` / ``TEXT`` exactly as the reference loader decides (empty = NULL)."""
    vals = [v for v in values if v is not None and v != ""]
    if not vals:
        return "TEXT"
    if all(_INT.fullmatch(v.strip()) for v in vals):
        return "INTEGER"
    if all(_REAL.fullmatch(v.strip()) for v in vals):
        return "REAL"
    return "TEXT"


def _typed_array(values: list[str | None], typ: str) -> pa.Array:
    if typ == "INTEGER":
        ints = [None if v is None else int(v) for v in values]
        try:
            return pa.array(ints, type=pa.int64())
        except OverflowError:  # beyond BIGINT: keep the magnitude as a double
            return pa.array([None if v is None else float(v) for v in ints], type=pa.float64())
    if typ == "REAL":
        return pa.array([None if v is None else float(v) for v in values], type=pa.float64())
    return pa.array(values, type=pa.string())


def csv_inferred_table(path: Path, name: str, null_token: str) -> LoadedTable:
    """A CSV with header; empty and ``null_token`` cells are NULL; INTEGER/REAL/TEXT inference."""
    grid = _read_csv(path)
    header, body = (grid[0], grid[1:]) if grid else ([], [])
    names, notes = clean_column_names(header)
    # the reference infers from zip(*rows), i.e. only from the columns that every row has
    columns = list(zip(*body)) if body else []
    types = [
        infer_column_type(
            [None if v in (null_token, "") else v for v in (columns[i] if i < len(columns) else [])]
        )
        for i in range(len(header))
    ]
    rows = [(list(r) + [""] * len(header))[: len(header)] for r in body]
    arrays = []
    for i, typ in enumerate(types):
        cells: list[str | None] = [None if r[i] in (null_token, "") else r[i] for r in rows]
        arrays.append(_typed_array(cells, typ))
    return LoadedTable(name, pa.table(dict(zip(names, arrays))), source=str(path), notes=tuple(notes))


def retqa_table(path: Path, name: str) -> LoadedTable:
    """RETQA: header row, ``None`` or empty = NULL, typed like the reference loader."""
    return csv_inferred_table(path, name, "None")


# --------------------------------------------------------------------------- Spider databases (via SQLite)

_ROW_ID = "__tablepilot_csv_row"


def sqlite_ddl(stmt: str) -> str:
    """One MySQL CREATE TABLE adapted to SQLite: no `db`. qualifier, no INDEX/KEY clauses."""
    stmt = re.sub(r"`[^`]+`\.`", "`", stmt.strip())
    m = re.match(r"(?s)(CREATE TABLE [^(]*\()\s*\n(.*)\n\s*\);?\s*$", stmt)
    if not m:
        return stmt
    parts = [p for p in re.split(r",\n", m.group(2)) if not re.match(r"\s*(INDEX|KEY)\s", p)]
    return m.group(1) + "\n" + ",\n".join(parts) + "\n);"


def sqlite_affinity(declared: str) -> str:
    """SQLite's affinity rules (datatype3.html §3.1), in their order of precedence."""
    t = declared.upper()
    if "INT" in t:
        return "INTEGER"
    if "CHAR" in t or "CLOB" in t or "TEXT" in t:
        return "TEXT"
    if "BLOB" in t or not t:
        return "BLOB"
    if "REAL" in t or "FLOA" in t or "DOUB" in t:
        return "REAL"
    return "NUMERIC"


def _qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _schema_statements(schema: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for stmt in schema.read_text(encoding="utf-8").split("\n\n"):
        m = re.search(r"CREATE TABLE\s+(?:`[^`]+`\.)?`([^`]+)`", stmt)
        if m:
            out.setdefault(m.group(1), stmt.strip())
    return out


def _spider_column(values: list[Any], originals: list[str | None], affinity: str) -> tuple[pa.Array, str]:
    """The narrowest DuckDB type holding every converted value; text (as in the CSV) otherwise."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, int) for v in present):
        try:
            return pa.array(values, type=pa.int64()), "BIGINT"
        except OverflowError:
            pass
    if present and all(isinstance(v, (int, float)) for v in present):
        return pa.array([None if v is None else float(v) for v in values], type=pa.float64()), "DOUBLE"
    if not present and affinity != "TEXT" and affinity != "BLOB":  # all NULL: keep the declared kind
        if affinity == "INTEGER":
            return pa.array(values, type=pa.int64()), "BIGINT"
        return pa.array(values, type=pa.float64()), "DOUBLE"
    return pa.array(originals, type=pa.string()), "VARCHAR"


def spider_database(db_dir: Path) -> list[LoadedTable]:
    """``dbs/<db>/``: create tables from schema.sql in SQLite, insert text, read back what affinity made."""
    csvs = {p.stem: p for p in sorted(db_dir.glob("*.csv"))}
    schema = db_dir / "schema.sql"
    statements = _schema_statements(schema) if schema.is_file() else {}
    con = sqlite3.connect(":memory:")
    try:
        created: set[str] = set()
        for table, stmt in statements.items():
            if table in csvs:
                try:
                    con.execute(sqlite_ddl(stmt))
                    created.add(table)
                except sqlite3.Error:
                    pass  # the reference falls back to CSV inference for it, as below
        return [_spider_table(con, table, path, table in created) for table, path in csvs.items()]
    finally:
        con.close()


def _spider_table(con: sqlite3.Connection, table: str, path: Path, from_schema: bool) -> LoadedTable:
    if not from_schema:
        inferred = csv_inferred_table(path, table, "NULL")
        note = "no usable CREATE TABLE in schema.sql: column types inferred from the CSV"
        return LoadedTable(
            inferred.name, inferred.data, source=inferred.source, notes=inferred.notes + (note,)
        )
    grid = _read_csv(path)
    header, body = (grid[0], grid[1:]) if grid else ([], [])
    width = len(header)
    rows = [[None if v == "NULL" else v for v in (list(r) + [""] * width)[:width]] for r in body]
    t = _qi(table)
    try:
        con.execute(f"ALTER TABLE {t} ADD COLUMN {_qi(_ROW_ID)} INTEGER")
        cols = ", ".join(_qi(h) for h in header)
        con.executemany(
            f"INSERT INTO {t} ({cols}, {_qi(_ROW_ID)}) VALUES ({', '.join('?' * (width + 1))})",
            [r + [i] for i, r in enumerate(rows)],
        )
        info = con.execute(f"PRAGMA table_info({t})").fetchall()
        fks = con.execute(f"PRAGMA foreign_key_list({t})").fetchall()
        # SQLite scans in rowid order: the order the gold queries saw the rows in
        stored = con.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
    except sqlite3.Error as e:
        raise LoadError(
            f"cannot load {path} into the schema of {table}: {e}",
            hint="the CSV header must match the table in schema.sql",
            path=str(path),
        ) from e
    position = {h.lower(): i for i, h in enumerate(header)}
    csv_row = [r[-1] for r in stored]
    arrays: dict[str, pa.Array] = {}
    notes: list[str] = []
    for c, (_, col, declared, *_rest) in enumerate(info[:-1]):
        pos = position.get(col.lower())
        originals = [rows[i][pos] if pos is not None else None for i in csv_row]
        affinity = sqlite_affinity(declared or "")
        arrays[col], duck_type = _spider_column([r[c] for r in stored], originals, affinity)
        if duck_type == "VARCHAR" and affinity in ("INTEGER", "REAL", "NUMERIC"):
            notes.append(
                f"column {col} is declared {declared} but has values that are not numbers: kept as text"
            )
    primary_key = tuple(col for _, col, *_m, pk in sorted(info[:-1], key=lambda r: r[5]) if pk)
    return LoadedTable(
        table,
        pa.table(arrays),
        source=str(path),
        notes=tuple(notes),
        primary_key=primary_key,
        foreign_keys=_foreign_keys(fks),
    )


def _foreign_keys(rows: Sequence[tuple[Any, ...]]) -> tuple[ForeignKey, ...]:
    """PRAGMA foreign_key_list rows grouped per constraint (``data.dbfiles.foreign_key_groups``)."""
    from tablepilot.data.dbfiles import foreign_key_groups

    return tuple(
        ForeignKey(columns, ref_table, refs) for columns, ref_table, refs in foreign_key_groups(rows)
    )


# --------------------------------------------------------------------------- per question


def detect_format(question: Question) -> str:
    """Which suite family's conventions a question's files follow."""
    if question.db is not None:
        return "spider"
    if "table_name" in question.extra:
        return "retqa"
    if any(re.fullmatch(r"\d+-csv", p.parent.name) for p in question.tables):
        return "wtq"
    return "imtqa"


def question_tables(question: Question, fmt: str | None = None) -> list[LoadedTable]:
    """Every table a question is about, named the way its gold SQL (if any) expects."""
    fmt = fmt or detect_format(question)
    if fmt == "spider":
        assert question.db is not None
        wanted = {p.stem for p in question.tables}
        return [t for t in spider_database(question.db) if t.name in wanted or not wanted]
    if fmt == "retqa":
        name = str(question.extra["table_name"])
        if len(question.tables) == 1:
            return [retqa_table(question.tables[0], name)]
        return [retqa_table(p, table_name_for(p)) for p in question.tables]
    if fmt == "wtq":
        return [t for p in question.tables for t in without_totals(replace(wtq_table(p), infer_types=True))]
    if fmt == "imtqa":
        return [t for p in question.tables for t in with_wide_view(replace(imtqa_table(p), infer_types=True))]
    raise LoadError(f"unknown table format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")


def load_question_tables(question: Question, engine: ArrowRegistry) -> list[TableInfo]:
    """Register a question's tables with an engine (e.g. ``DuckDBEngine``), and their foreign keys
    with one that takes them: the prompt shows them as join paths, as it does a database's."""
    from tablepilot.engines.joins import ForeignKey as JoinKey

    tables = question_tables(question)
    infos = [
        engine.register_arrow(t.name, t.data, source=t.source, notes=t.notes, infer_types=t.infer_types)
        for t in tables
    ]
    declare = getattr(engine, "declare_foreign_keys", None)
    if callable(declare):
        declare(
            [
                JoinKey(info.name, fk.columns, fk.ref_table, fk.ref_columns)
                for t, info in zip(tables, infos, strict=True)
                for fk in t.foreign_keys
            ]
        )
    return infos
