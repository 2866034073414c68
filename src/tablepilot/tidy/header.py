"""The header block: how many top rows name the columns, and one readable name per column.

A second or third header row is accepted only when the row above groups columns (a merged or
repeated label, or a blank continuing one) and the candidate names columns whose values below are
numbers or dates, and the first (key) column's header spans it (same label or blank); an all-text table therefore keeps a single header row. Group and sub-labels are
joined with ``_``: ``2023`` over ``Q1`` → ``2023_Q1``; a label repeated down a vertically merged
cell is used once.
"""

from __future__ import annotations

from typing import Any

from tablepilot.tidy.values import cell_text, header_like, is_blank, is_data, is_label

MAX_DEPTH = 3


def _groups(row: list[Any]) -> bool:
    return any(
        not is_blank(row[j]) and (is_blank(row[j + 1]) or cell_text(row[j + 1]) == cell_text(row[j]))
        for j in range(len(row) - 1)
    )


def _names_data(candidate: list[Any], below: list[list[Any]]) -> bool:
    for j, v in enumerate(candidate):
        if not is_label(v):
            continue
        values = [r[j] for r in below if j < len(r) and not is_blank(r[j])]
        if values and sum(1 for x in values if is_data(x)) * 2 > len(values):
            return True
    return False


def header_depth(rows: list[list[Any]]) -> int:
    """How many of ``rows`` (the top of a table, notes already removed) are header rows: 0 to 3."""
    if not rows or not header_like(rows[0]):
        return 0
    depth = 1
    while depth < MAX_DEPTH and depth + 1 < len(rows):
        candidate = rows[depth]
        if not header_like(candidate) or not _groups(rows[depth - 1]):
            break
        above = rows[depth - 1]
        if not is_blank(candidate[0]) and cell_text(candidate[0]) != cell_text(above[0]):
            break  # the key column's header spans the header rows (merged or blank below)
        if not _names_data(candidate, rows[depth + 1 : depth + 21]):
            break
        depth += 1
    return depth


def combine(header: list[list[Any]], width: int) -> tuple[list[str], bool]:
    """One name per column from the header rows, and whether any name joins several rows."""
    rows = [[r[j] if j < len(r) else None for j in range(width)] for r in header]
    if len(rows) == 1:
        return [v if isinstance(v, str) else cell_text(v) for v in rows[0]], False
    last = rows[-1]
    for row in rows[:-1]:  # a blank after a group label continues it (CSV has no merged cells)
        for j in range(1, width):
            left = row[j - 1]
            if (
                is_blank(row[j])
                and not is_blank(left)
                and not is_blank(last[j - 1])
                and (cell_text(last[j - 1]) != cell_text(left))
            ):
                row[j] = left
    names: list[str] = []
    joined = False
    for j in range(width):
        parts: list[str] = []
        for row in rows:
            text = cell_text(row[j])
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        joined = joined or len(parts) > 1
        names.append("_".join(parts))
    return names, joined
