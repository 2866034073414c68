"""Several tables on one sheet: split at blank columns between two keyed tables, then at blank rows.

A blank column splits the sheet only when both sides are at least two columns wide and both start
with a column of labels (a key column); otherwise it is a spacer inside one table. Blank rows make
blocks; whether a block starts a new table is decided in :mod:`tablepilot.tidy.table`.
"""

from __future__ import annotations

from typing import Any

from tablepilot.tidy.values import is_blank, is_label

Grid = list[list[Any]]


def _col_blank(grid: Grid, c: int) -> bool:
    return all(is_blank(r[c]) if c < len(r) else True for r in grid)


def _keyed(grid: Grid, c: int) -> bool:
    values = [r[c] for r in grid if c < len(r) and not is_blank(r[c])]
    return len(values) >= 2 and sum(1 for v in values if is_label(v)) >= 0.8 * len(values)


def column_groups(grid: Grid) -> list[list[int]]:
    """Column indices of each side-by-side table (spacer columns inside a table are left out)."""
    width = max((len(r) for r in grid), default=0)
    runs: list[list[int]] = []
    for c in range(width):
        if _col_blank(grid, c):
            if runs and runs[-1]:
                runs.append([])
            continue
        if not runs:
            runs.append([])
        runs[-1].append(c)
    runs = [r for r in runs if r]
    groups: list[list[int]] = []
    for run in runs:
        if groups and not (
            len(groups[-1]) >= 2 and len(run) >= 2 and _keyed(grid, groups[-1][0]) and _keyed(grid, run[0])
        ):
            groups[-1].extend(run)
        else:
            groups.append(list(run))
    return groups


def row_blocks(grid: Grid, cols: list[int]) -> list[list[int]]:
    """Row indices of each run of non-blank rows (within ``cols``)."""
    blocks: list[list[int]] = [[]]
    for i, row in enumerate(grid):
        if all(is_blank(row[c]) if c < len(row) else True for c in cols):
            if blocks[-1]:
                blocks.append([])
        else:
            blocks[-1].append(i)
    return [b for b in blocks if b]


def spacer_columns(cols: list[int]) -> int:
    """How many blank columns lie between the first and last of ``cols``."""
    return (cols[-1] - cols[0] + 1 - len(cols)) if cols else 0
