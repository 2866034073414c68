"""Tidy a grid of text cells with no designated header (IM-TQA style; merged values repeated).

Top header rows are combined (``本期`` over ``收入金额`` → ``本期_收入金额``); left header columns stay
as the leading key columns; a title row, or a remark row at the bottom, spanning the table becomes a
note. A key-value sheet (label/value pairs side by side: ``注册资本 | 475,000,000.00``) becomes one
row whose columns are the labels. A table laid out sideways (each *row* one kind of value, such as
``本期金额 | 1,200 | -300``, while columns mix amounts, percentages and text) is transposed so that
every column holds one kind of value: questions name those row labels as columns. Cell text is
never changed and no data row is set aside: answers are cells as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tablepilot.cells import parse_date, parse_number
from tablepilot.tidy.header import combine, header_depth
from tablepilot.tidy.values import is_blank, is_label

_YEAR_LABEL = re.compile(r"(?:19|20)\d{2}\s*年度?")


@dataclass
class TextTable:
    columns: list[str]
    rows: list[list[str]]  # body rows as in the grid (not padded)
    notes: list[str] = field(default_factory=list)
    layout: str = "table"  # "table" or "key-value"


def _is_value(text: str) -> bool:
    return parse_number(text) is not None or parse_date(text) is not None


def _collapse(row: list[str]) -> list[str]:
    cells = [c for c in row if c.strip()]
    return [c for i, c in enumerate(cells) if i == 0 or cells[i - 1] != c]


def _key_value(rows: list[list[str]], width: int) -> bool:
    """Even width, label cells in even columns, and the value columns mixing text and numbers/dates."""
    if width % 2 or len(rows) < 2:
        return False
    padded = [r + [""] * (width - len(r)) for r in rows]
    labels = [r[j] for r in padded for j in range(0, width, 2) if r[j].strip()]
    if not labels or not all(is_label(v) for v in labels):
        return False
    values = [r[j] for r in padded[1:] for j in range(1, width, 2) if r[j].strip()]
    return any(_is_value(v) for v in values) and any(not _is_value(v) for v in values)


def _kind(text: str) -> str | None:
    """blank, percentage, number, date or text: a percentage is not the same kind as an amount."""
    text = text.strip()
    if not text or text in ("-", "—", "--"):
        return None
    if parse_number(text) is not None:
        return "percent" if text.endswith(("%", "％")) else "number"
    return "date" if parse_date(text) is not None else "text"


def _mixed(cells: list[str]) -> bool:
    return len({k for k in map(_kind, cells) if k is not None}) > 1


def _is_row_label(text: str) -> bool:
    return _kind(text) in ("text", "date") or bool(_YEAR_LABEL.fullmatch(text))


def _sideways(columns: list[str], body: list[list[str]]) -> bool:
    """Row labels down the first column, every row one kind of value, some column mixing kinds
    (``body`` padded to the width of ``columns``)."""
    width = len(columns)
    if width < 3 or len(body) < 2:
        return False
    labels = [r[0].strip() for r in body]
    if not all(labels) or len(set(labels)) != len(labels) or not all(_is_row_label(v) for v in labels):
        return False
    if any(_mixed(r[1:]) for r in body):
        return False
    return any(_mixed([r[j] for r in body]) for j in range(1, width))


def transpose(columns: list[str], body: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """Rows keyed by the first column become columns: the first column's header stays first and
    heads the old column names. ``body`` rows must be as wide as ``columns``."""
    return [columns[0], *(r[0] for r in body)], [
        [columns[j], *(r[j] for r in body)] for j in range(1, len(columns))
    ]


def _spanning_remark(row: list[str], width: int) -> str | None:
    """A remark merged across the whole table (its text repeated in every cell)."""
    cells = [c.strip() for c in row]
    if width >= 3 and len(cells) == width and cells[0] and all(c == cells[0] for c in cells):
        return cells[0]
    return None


def _pairs(rows: list[list[str]]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for row in rows:
        cells = _collapse(row)
        if len(cells) == 1:
            out.append((cells[0], ""))
        elif len(cells) % 2 == 0:
            out.extend((cells[i], cells[i + 1]) for i in range(0, len(cells), 2))
        else:
            out.append(("_".join(cells[:-1]), cells[-1]))
    return out


def tidy_text_grid(grid: list[list[str]]) -> TextTable:
    """The grid as one table with a proper header (see the module docstring)."""
    rows = [list(r) for r in grid if any(c.strip() for c in r)]
    width = max((len(r) for r in rows), default=0)
    notes: list[str] = []
    while (
        len(rows) > 2
        and width >= 2
        and len({c.strip() for c in rows[0] if c.strip()}) == 1
        and (len([c for c in rows[0] if c.strip()]) in (1, width))
    ):
        notes.append(f"title: {_collapse(rows[0])[0]}")
        rows = rows[1:]
    while len(rows) > 3 and (remark := _spanning_remark(rows[-1], width)) is not None:
        notes.append(f"note: {remark}")
        rows = rows[:-1]
    if _key_value(rows, width):
        pairs = _pairs(rows)
        notes.append("label/value pairs turned into one row whose columns are the labels")
        return TextTable([k for k, _ in pairs], [[v for _, v in pairs]], notes, "key-value")
    padded = [r + [""] * (width - len(r)) for r in rows]
    depth = max(1, header_depth([[None if is_blank(c) else c for c in r] for r in padded]))
    if depth == 1:
        columns, body = (list(rows[0]) if rows else []), rows[1:]
        if _sideways(padded[0], padded[1:]):
            notes.append(f"laid out sideways: transposed, so the labels under {columns[0]!r} are the columns")
            columns, body = transpose(list(padded[0]), padded[1:])
        return TextTable(columns, body, notes)
    names, _ = combine([[None if is_blank(c) else c for c in r] for r in padded[:depth]], width)
    notes.append(f"{depth} header rows combined into column names")
    return TextTable(names, rows[depth:], notes)
