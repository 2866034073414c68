"""A small label-keyed table read sideways, for a model that took a row label for a column.

Tables such as ``项目 | 基本养老保险 | 失业保险费`` with rows ``本期增加``, ``本期减少`` are often
laid out with the *measures* down the first column. When the model writes ``SELECT "本期增加"``, the
table it has in mind is the transposed one; handing it that table (cells as the source wrote them,
typed again by the engine) fixes the query where a list of column names does not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from tablepilot.catalog import TableInfo
from tablepilot.data.names import quote_ident
from tablepilot.engines.base import Engine
from tablepilot.linking import normalize
from tablepilot.tidy.text_grid import transpose
from tablepilot.tidy.values import cell_text

#: only small tables are read sideways: their rows become columns
MAX_ROWS = 30
MAX_COLUMNS = 30


def sideways_name(table: TableInfo) -> str:
    return f"{table.name}_sideways"


def _written_columns(table: TableInfo) -> list[tuple[str, str]]:
    """(name, column holding its cells as written): typed views and their parts are left out."""
    names = {c.name for c in table.columns}
    text_of = {
        c.source_column: c.name
        for c in table.columns
        if c.source_column in names and c.source_column != c.name and c.source_column.startswith(c.name)
    }
    out: list[tuple[str, str]] = []
    for c in table.columns:
        if c.name in text_of:  # "X_text" beside the typed "X": "X" stands for both
            continue
        if c.source_column in names and c.source_column != c.name and c.name.startswith(c.source_column):
            continue  # "X_low", "X_year": a part of "X"
        out.append(
            (c.name, c.source_column if c.source_column in names and c.name in c.source_column else c.name)
        )
    return out


def sideways_labels(table: TableInfo) -> list[str]:
    """The row labels of ``table`` read sideways: its written column names after the first."""
    return [name for name, _ in _written_columns(table)][1:]


def sideways_data(
    engine: Engine, table: TableInfo, display: Mapping[str, Mapping[Any, str]], *, timeout_s: float = 30.0
) -> pa.Table | None:
    """``table`` transposed on its first column, as text cells the way the source wrote them
    (``display``: typed value → written text per column); None when the table is too big or its
    labels cannot be column names (blank or repeated)."""
    columns = _written_columns(table)
    if not 2 <= len(columns) <= MAX_COLUMNS or table.row_count > MAX_ROWS:
        return None
    select = ", ".join(quote_ident(src) for _, src in columns)
    result = engine.execute(
        f"SELECT {select} FROM {quote_ident(table.name)} ORDER BY rowid",
        max_rows=MAX_ROWS + 1,
        timeout_s=timeout_s,
    )
    if len(result.rows) > MAX_ROWS:
        return None
    grid: list[list[str]] = []
    for row in result.rows:
        cells = []
        for (name, _), value in zip(columns, row, strict=True):
            written = display.get(name, {}).get(value) if value is not None else None
            cells.append(written if written is not None else cell_text(value))
        grid.append(cells)
    labels = [r[0].strip() for r in grid]
    if not all(labels) or len({label.casefold() for label in labels}) != len(labels):
        return None
    names, rows = transpose([name for name, _ in columns], [[r[0].strip(), *r[1:]] for r in grid])
    data = {name: [row[j] or None for row in rows] for j, name in enumerate(names)}
    return pa.table(data, schema=pa.schema([(name, pa.string()) for name in names]))


#: a label's numbering or lead-in, which a question leaves out: "1、", "（二）", "其中：", "减："
_LABEL_LEAD = re.compile(r"^\s*(?:[(（]?[0-9一二三四五六七八九十]+[)）、.．]\s*)?(?:其中|加|减)?[:：]?\s*")


def named_labels(question: str, labels: Sequence[str]) -> list[str]:
    """The row labels of a table read sideways that the question names ('基本养老保险' for the
    label '1、基本养老保险'): once the table is turned, those rows are what to filter on."""
    asked = normalize(question).replace(" ", "")
    out = []
    for label in labels:
        core = normalize(_LABEL_LEAD.sub("", label)).replace(" ", "")
        if len(core) >= 2 and core in asked:
            out.append(label)
    return out
