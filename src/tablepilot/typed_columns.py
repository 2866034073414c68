"""Typed versions of messy text columns, so generated SQL can compare, sort and sum them.

:func:`add_typed_columns` looks at every VARCHAR column of a DuckDB table, decides its kind with
:func:`tablepilot.cells.classify_counts`, and rebuilds the table with typed columns next to (or in
place of) the text. Parsing happens in Python once per *distinct* cell text; the parsed values go to
DuckDB as an Arrow lookup table joined on the text, so a million rows cost about as much as their
distinct values. Row order is kept by ordering on the source table's ``rowid``.

Naming (policy ``"replace"``): a number column keeps its name with the parsed value; when parsing
dropped information (cells that do not parse, footnotes, mixed units, leading zeros) the text stays
beside it as ``<col>_text``. Full-date columns become DATE the same way. Partial dates keep the text
and gain ``<col>_year``/``_month``/``_day``; scores gain ``_1``/``_2``; ranges ``_low``/``_high``;
durations ``_seconds``; names with a number in brackets ('Chris Kaman (14)') ``_number``
(``_year`` when every such number is a year: 'Saskatoon Legends (2003)'). Policy ``"add"`` keeps
every column as it was and adds ``<col>_num`` / ``<col>_date`` or the companions above. Generated names never collide with existing ones (DuckDB
names are case-insensitive, so neither do we): a clash gets ``_2``, ``_3``….

``ColumnInfo.source_column`` of a typed column names the column that holds its raw text: the
``<col>_text`` or original column in the new table when there is one, else the original name.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
import time
import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from tablepilot.catalog import ColumnInfo, TableInfo
from tablepilot.cells import (
    ColumnKind,
    Kind,
    PartialDate,
    classify_counts,
    is_null_marker,
    parse_tag,
    read_cell,
)
from tablepilot.data.names import quote_ident
from tablepilot.errors import InputError


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name_2``, ``name_3``…, whichever is free; DuckDB names ignore case, so do we."""
    used = {t.casefold() for t in taken}
    candidate, n = name, 1
    while candidate.casefold() in used:
        n += 1
        candidate = f"{name}_{n}"
    return candidate


#: classify a column from at most this many distinct texts; the chosen kind is then checked on all
SAMPLE_DISTINCT = 20_000
_TEXT_TYPES = ("VARCHAR", "TEXT", "STRING")


@dataclass(frozen=True)
class TypedResult:
    """What :func:`add_typed_columns` built: the new table's columns, and each change in words."""

    table: str
    columns: tuple[ColumnInfo, ...]
    row_count: int
    notes: tuple[str, ...] = ()
    #: the kind found for each text column that was examined, by original column name
    kinds: Mapping[str, ColumnKind] = field(default_factory=dict)
    seconds: float = 0.0

    def table_info(self, source: str = "", sheet: str | None = None) -> TableInfo:
        return TableInfo(
            self.table, self.columns, self.row_count, source=source, sheet=sheet, notes=self.notes
        )


@dataclass(frozen=True)
class _Out:
    """One column of the new table: the original column as is, or part ``part`` of the parsed cell."""

    name: str
    sql_type: str
    source: str
    part: int | None = None  # None: copy the original column unchanged
    convert: Callable[[Any], Any] | None = None
    source_column: str | None = None
    description: str | None = None


def add_typed_columns(
    con: duckdb.DuckDBPyConnection,
    table: str,
    *,
    target: str | None = None,
    policy: str = "replace",
    columns: Collection[str] | None = None,
) -> TypedResult:
    """Rebuild ``table`` as ``target`` (default: in place) with typed versions of its text columns.

    Rows keep their order and count. See the module docstring for naming; ``TypedResult.notes`` says
    what changed per column.
    """
    if policy not in ("replace", "add"):
        raise InputError(f"Unknown typing policy {policy!r}.", hint='Use policy="replace" or policy="add".')
    started = time.perf_counter()
    schema = _describe(con, table)
    in_place = target is None or target.casefold() == table.casefold()
    if not in_place and (_exists(con, str(target)) or _exists(con, str(target), "duckdb_views()")):
        raise InputError(
            f"Table {target!r} already exists.", hint="Pass a new target name, or drop that table first."
        )
    taken: set[str] = {name for name, _ in schema}
    outs: list[_Out] = []
    maps: dict[str, tuple[ColumnKind, list[str], list[_Out]]] = {}
    kinds: dict[str, ColumnKind] = {}
    notes: list[str] = []
    for name, sql_type in schema:
        if sql_type.upper() not in _TEXT_TYPES or (columns is not None and name not in columns):
            outs.append(_Out(name, sql_type, name))
            continue
        counts = _distinct_counts(con, table, name)
        kind = _classify(counts)
        kinds[name] = kind
        plan = _plan(name, kind, counts, policy, taken)
        outs.extend(plan)
        if any(o.part is not None for o in plan):
            maps[name] = (kind, list(counts), plan)
            notes.append(_note(name, kind, plan))
    if not maps:
        plain = tuple(ColumnInfo(o.name, o.sql_type) for o in outs)
        if not in_place:
            con.execute(f"CREATE TABLE {quote_ident(str(target))} AS SELECT * FROM {quote_ident(table)}")
        count = _row_count(con, table)
        return TypedResult(target or table, plain, count, (), kinds, time.perf_counter() - started)
    final = table if in_place else str(target)
    _build(con, table, final, outs, maps, in_place)
    infos = tuple(ColumnInfo(o.name, o.sql_type, o.source_column, o.description) for o in outs)
    count = _row_count(con, final)
    return TypedResult(final, infos, count, tuple(notes), kinds, time.perf_counter() - started)


# --- reading the table ------------------------------------------------------------------------------


def _describe(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    if not _exists(con, table, "duckdb_tables()"):
        if _exists(con, table, "duckdb_views()"):
            raise InputError(
                f"{table!r} is a view; typed columns are built from tables.",
                hint=f"Materialise it first: CREATE TABLE t AS SELECT * FROM {quote_ident(table)}.",
            )
        raise InputError(f"No table named {table!r}.", hint="Load the data first, or check the table name.")
    return _columns(con, table)


def _exists(con: duckdb.DuckDBPyConnection, name: str, catalog: str = "duckdb_tables()") -> bool:
    sql = f"SELECT count(*) FROM {catalog} WHERE lower(view_name) = lower(?)"
    if catalog == "duckdb_tables()":
        sql = sql.replace("view_name", "table_name")
    row = con.execute(sql, [name]).fetchone()
    return bool(row and row[0])


def _row_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {quote_ident(table)}").fetchone()
    return int(row[0]) if row else 0


def _distinct_counts(con: duckdb.DuckDBPyConnection, table: str, column: str) -> dict[str, int]:
    col = quote_ident(column)
    sql = f"SELECT {col}, count(*) FROM {quote_ident(table)} WHERE {col} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1"
    return dict(con.execute(sql).fetchall())


def _classify(counts: Mapping[str, int]) -> ColumnKind:
    """The column's kind; for very many distinct texts a sample decides whether it is worth a full look."""
    if len(counts) > SAMPLE_DISTINCT:
        keys = random.Random(0).sample(sorted(counts), SAMPLE_DISTINCT)
        if classify_counts({k: counts[k] for k in keys}).kind == "text":
            return ColumnKind("text", 1.0, False, sum(n for t, n in counts.items() if not is_null_marker(t)))
    return classify_counts(counts)


# --- planning the new columns -----------------------------------------------------------------------


def _to_date(d: PartialDate | None) -> dt.date | None:
    if d is None or d.year is None or d.month is None or d.day is None:
        return None
    return dt.date(d.year, d.month, d.day)


def _part(attr: str) -> Callable[[Any], Any]:
    return lambda d: None if d is None else getattr(d, attr)


def _as_int(v: Any) -> Any:
    return None if v is None else int(v)


def _examples(counts: Mapping[str, int], n: int = 3) -> str:
    top = [t for t in heapq.nlargest(n + 20, counts, key=counts.__getitem__) if not is_null_marker(t)][:n]
    return ", ".join(repr(t) for t in top)


def _plan(name: str, kind: ColumnKind, counts: Mapping[str, int], policy: str, taken: set[str]) -> list[_Out]:
    """The new table's columns for one text column."""

    def fresh(suffix: str) -> str:
        new = _unique(f"{name}_{suffix}", taken)
        taken.add(new)
        return new

    original = _Out(name, "VARCHAR", name)
    seen = f"parsed from {name!r} text such as {_examples(counts)}"
    if kind.kind == "number":
        sql_type = "BIGINT" if kind.integer else "DOUBLE"
        desc = seen + (f"; unit {kind.unit!r} removed" if kind.unit else "")
        convert = _as_int if kind.integer else None
        if policy == "add":
            num = fresh("num")
            return [original, _Out(num, sql_type, name, 0, convert, name, desc)]
        if kind.changed:
            text = fresh("text")
            return [
                _Out(name, sql_type, name, 0, convert, text, desc),
                _Out(text, "VARCHAR", name, description=f"original text of {name!r}"),
            ]
        return [_Out(name, sql_type, name, 0, convert, name, desc)]
    if kind.kind == "date" and kind.full_dates:
        if policy == "add":
            return [original, _Out(fresh("date"), "DATE", name, 0, _to_date, name, seen)]
        if kind.changed:
            text = fresh("text")
            return [
                _Out(name, "DATE", name, 0, _to_date, text, seen),
                _Out(text, "VARCHAR", name, description=f"original text of {name!r}"),
            ]
        return [_Out(name, "DATE", name, 0, _to_date, name, seen)]
    if kind.kind == "date":
        parsed = [read_cell("date", t)[0] for t in counts]
        dates = [d for d in parsed if isinstance(d, PartialDate)]
        outs = [original]
        for attr in ("year", "month", "day"):
            if any(getattr(d, attr) is not None for d in dates):
                outs.append(_Out(fresh(attr), "INTEGER", name, 0, _part(attr), name, f"{attr} {seen}"))
        return outs
    if kind.kind == "duration":
        return [original, _Out(fresh("seconds"), "DOUBLE", name, 0, None, name, f"seconds {seen}")]
    if kind.kind == "score":
        return [
            original,
            _Out(fresh("1"), "BIGINT", name, 0, None, name, f"first side of the score {seen}"),
            _Out(fresh("2"), "BIGINT", name, 1, None, name, f"second side of the score {seen}"),
        ]
    if kind.kind == "tagged":
        tags = [parse_tag(t) for t in counts]
        integer = all(not isinstance(v, float) or v.is_integer() for v in tags)
        sql_type, convert = ("BIGINT", _as_int) if integer else ("DOUBLE", None)
        what = "year" if integer and all(v is None or 1000 <= v <= 2100 for v in tags) else "number"
        return [original, _Out(fresh(what), sql_type, name, 0, convert, name, f"{what} in brackets {seen}")]
    if kind.kind == "range":
        bounds = [read_cell("range", t) for t in counts]
        integer = all(not isinstance(v, float) or v.is_integer() for b in bounds for v in b)
        sql_type, convert = ("BIGINT", _as_int) if integer else ("DOUBLE", None)
        return [
            original,
            _Out(fresh("low"), sql_type, name, 0, convert, name, f"low end {seen}"),
            _Out(fresh("high"), sql_type, name, 1, convert, name, f"high end {seen}"),
        ]
    return [original]


def _note(name: str, kind: ColumnKind, plan: list[_Out]) -> str:
    typed = [o for o in plan if o.part is not None]
    made = ", ".join(f"{o.name!r} {o.sql_type}" for o in typed)
    kept = [o.name for o in plan if o.part is None]
    share = f"{kind.parsed_share:.0%} of {kind.non_empty} non-empty cells parsed"
    text = f"text kept in {kept[0]!r}" if kept else "text replaced"
    unit = f", unit {kind.unit!r}" if kind.unit else ""
    return f"{name!r}: {kind.kind} column → {made} ({share}{unit}; {text})"


# --- building it ------------------------------------------------------------------------------------

_ARROW = {"BIGINT": pa.int64(), "INTEGER": pa.int32(), "DOUBLE": pa.float64(), "DATE": pa.date32()}


def _lookup(texts: list[str], outs: list[_Out], kind: Kind) -> pa.Table:
    """Arrow table mapping each distinct text to its typed parts (one column per generated column)."""
    cells = [read_cell(kind, t) for t in texts]
    data: dict[str, pa.Array] = {"k": pa.array(texts, pa.string())}
    for i, o in enumerate(outs):
        assert o.part is not None
        values = [c[o.part] for c in cells]
        if o.convert is not None:
            values = [o.convert(v) for v in values]
        data[f"v{i}"] = pa.array(values, _ARROW[o.sql_type])
    return pa.table(data)


def _build(
    con: duckdb.DuckDBPyConnection,
    table: str,
    final: str,
    outs: list[_Out],
    maps: dict[str, tuple[ColumnKind, list[str], list[_Out]]],
    in_place: bool,
) -> None:
    tag = uuid.uuid4().hex[:12]
    source = quote_ident(table)
    order = "s.rowid"
    if any(name.casefold() == "rowid" for name, _ in _columns(con, table)):
        # a real column shadows the pseudo-column; number the rows in a copy (scan order is kept)
        copy = f"__tp_rows_{tag}"
        con.execute(
            f"CREATE TEMP TABLE {quote_ident(copy)} AS SELECT *, row_number() OVER () AS __tp_rn FROM {source}"
        )
        source, order = quote_ident(copy), "s.__tp_rn"
    joins: list[str] = []
    select: list[str] = []
    views: list[str] = []
    alias_of: dict[tuple[str, str], str] = {}
    try:
        for j, (column, (kind, texts, plan)) in enumerate(maps.items()):
            typed = [o for o in plan if o.part is not None]
            view = f"__tp_map_{tag}_{j}"
            con.register(view, _lookup(texts, typed, kind.kind))
            views.append(view)
            joins.append(f"LEFT JOIN {quote_ident(view)} AS m{j} ON s.{quote_ident(column)} = m{j}.k")
            for i, o in enumerate(typed):
                alias_of[(column, o.name)] = f"m{j}.v{i}"
        for o in outs:
            expr = f"s.{quote_ident(o.source)}" if o.part is None else alias_of[(o.source, o.name)]
            select.append(f"{expr} AS {quote_ident(o.name)}")
        temp = _is_temp(con, table)
        build_name = f"__tp_typed_{tag}" if in_place else final
        sql = (
            f"CREATE {'TEMP ' if temp else ''}TABLE {quote_ident(build_name)} AS SELECT {', '.join(select)} "
            f"FROM {source} AS s {' '.join(joins)} ORDER BY {order}"
        )
        con.execute(sql)
        if in_place:
            con.execute(f"DROP TABLE {quote_ident(table)}")
            con.execute(f"ALTER TABLE {quote_ident(build_name)} RENAME TO {quote_ident(final)}")
    finally:
        for view in views:
            con.unregister(view)
        if order == "s.__tp_rn":
            con.execute(f"DROP TABLE IF EXISTS {source}")


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute(f"DESCRIBE {quote_ident(table)}").fetchall()]


def _is_temp(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    row = con.execute(
        "SELECT bool_or(temporary) FROM duckdb_tables() WHERE table_name = ? AND schema_name = current_schema()",
        [table],
    ).fetchone()
    return bool(row and row[0])
