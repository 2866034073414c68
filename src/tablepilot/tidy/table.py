"""The tidy step on one sheet's grid: regions → notes → header → body rows → one table each.

Pure rules over cell values (the model is never asked). Returns plain Python rows plus a
:class:`TidyReport`; typing and Arrow conversion happen in :mod:`tablepilot.tidy.files`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils.cell import get_column_letter

from tablepilot.tidy.header import combine, header_depth
from tablepilot.tidy.notes import note_kind, unit_of
from tablepilot.tidy.regions import Grid, column_groups, row_blocks
from tablepilot.tidy.report import RowNote, TidyReport
from tablepilot.tidy.totals import total_kind
from tablepilot.tidy.values import cell_text, has_cjk, header_like, is_blank, is_data, is_label

NO_HEADER_NOTE = "the first row looks like data, not a header; columns are named column_1, column_2, …"


@dataclass
class TidyTable:
    """One table found on a sheet: column names, data rows (Python values) and the report."""

    columns: list[str]
    rows: list[list[Any]]
    report: TidyReport
    totals: list[list[Any]] = field(default_factory=list)  # total/subtotal rows, aligned with columns


def _text(row: list[Any]) -> str:
    """The row's cells for the report; a merged value (repeated side by side) is shown once."""
    texts = [cell_text(v) for v in row if not is_blank(v)]
    return " | ".join(t for i, t in enumerate(texts) if i == 0 or texts[i - 1] != t)


@dataclass
class _Builder:
    lead: list[int]  # note rows above the table
    rows: list[int]  # header + body rows (grid indices)
    blank: int = 0
    extra_notes: list[tuple[int, str]] = field(default_factory=list)  # grid index, reason


def _body_numeric_cols(grid: Grid, rows: list[int], cols: list[int]) -> set[int]:
    out = set()
    for c in cols:
        values = [grid[i][c] for i in rows[1:] if c < len(grid[i]) and not is_blank(grid[i][c])]
        if values and sum(1 for v in values if is_data(v)) * 2 > len(values):
            out.add(c)
    return out


def _starts_table(grid: Grid, current: _Builder, row: int, cols: list[int]) -> bool:
    cells = grid[row]
    if not header_like([cells[c] if c < len(cells) else None for c in cols]):
        return False
    first = grid[current.rows[0]]
    if [cell_text(first[c]) if c < len(first) else "" for c in cols] == [
        cell_text(cells[c]) if c < len(cells) else "" for c in cols
    ]:
        return False  # the same header again: a repeated header inside one table
    return any(c < len(cells) and is_label(cells[c]) for c in _body_numeric_cols(grid, current.rows, cols))


def tidy_grid(
    grid: Grid,
    *,
    source: str = "",
    sheet: str | None = None,
    row_numbers: list[int] | None = None,
    first_row_header: bool | None = None,
    set_aside_totals: bool = True,
) -> list[TidyTable]:
    """Every table on a sheet. ``row_numbers`` maps grid rows to source rows (default 1, 2, …).

    ``first_row_header=False`` says a reader already knows the first row is data (used only when no
    note rows sit above it).
    """
    numbers = row_numbers or list(range(1, len(grid) + 1))
    width = max((len(r) for r in grid), default=0)
    grid = [list(r) + [None] * (width - len(r)) for r in grid]
    out: list[TidyTable] = []
    for cols in column_groups(grid):
        builders: list[_Builder] = []
        pending: list[int] = []
        for b, block in enumerate(row_blocks(grid, cols)):
            gap = 0 if b == 0 or not builders else block[0] - builders[-1].rows[-1] - 1
            i = 0
            lead: list[int] = []
            while i < len(block) - 1 and note_kind([grid[block[i]][c] for c in cols], len(cols)):
                lead.append(block[i])
                i += 1
            rest = block[i:]
            if len(rest) == 1 and note_kind([grid[rest[0]][c] for c in cols], len(cols)):
                lead, rest = lead + rest, []
            if not rest and builders:
                builders[-1].extra_notes.extend((r, "note") for r in lead)
                continue
            if not rest:
                pending.extend(lead)
                continue
            if not builders or _starts_table(grid, builders[-1], rest[0], cols):
                builders.append(_Builder(lead=pending + lead, rows=list(rest)))
                pending = []
            else:
                cur = builders[-1]
                cur.blank += gap
                cur.extra_notes.extend((r, "note") for r in lead)
                cur.rows.extend(lead + rest)
        if pending and builders:
            builders[-1].extra_notes.extend((r, "note") for r in pending)
        elif pending:
            builders.append(_Builder(lead=[], rows=pending))
        for builder in builders:
            out.append(
                _finish(grid, builder, cols, numbers, source, sheet, first_row_header, set_aside_totals)
            )
    return out


def _finish(
    grid: Grid,
    b: _Builder,
    group: list[int],
    numbers: list[int],
    source: str,
    sheet: str | None,
    first_row_header: bool | None,
    set_aside_totals: bool,
) -> TidyTable:
    report = TidyReport(source=source, sheet=sheet, blank_rows=b.blank)
    marked = {r for r, _ in b.extra_notes}
    rows_all = [r for r in b.rows if r not in marked]
    used = b.lead + b.rows
    cols = [c for c in group if any(not is_blank(grid[r][c]) for r in used)]
    inner_spacers = sum(1 for c in range(cols[0], cols[-1] + 1) if c not in cols) if cols else 0
    width = len(cols)

    def cells(r: int) -> list[Any]:
        return [grid[r][c] for c in cols]

    for r in b.lead:
        kind = note_kind(cells(r), width)
        text = _text(cells(r))
        if kind == "unit":
            report.unit = report.unit or next((u for v in cells(r) if (u := unit_of(cell_text(v)))), text)
            reason = "unit"
        elif kind == "footnote":
            reason = "footnote"
        elif report.title is None:
            report.title, reason = text, "title"
        else:
            reason = "note"
        report.set_aside.append(RowNote(numbers[r], reason, text))
    top = [cells(r) for r in rows_all]
    depth = header_depth(top)
    if first_row_header is False and not b.lead:
        depth = 0
    header_idx = rows_all[:depth]
    report.header_rows = [numbers[r] for r in header_idx]
    if depth:
        names, joined = combine([cells(r) for r in header_idx], width)
        if joined:
            shown = ", ".join(n for n in names if "_" in n)[:200]
            report.changes.append(f"{depth} header rows combined into column names ({shown})")
    else:
        names = [f"column_{i}" for i in range(1, width + 1)]
        report.changes.append(NO_HEADER_NOTE)
    first_header = [cell_text(v) for v in cells(header_idx[0])] if header_idx else None
    body = rows_all[depth:]
    kinds: dict[int, str] = {}
    for r in body:
        row = cells(r)
        kind = note_kind(row, width)
        if kind in ("unit", "footnote"):
            kinds[r] = kind
        elif first_header is not None and [cell_text(v) for v in row] == first_header:
            kinds[r] = "repeated header"
        elif kind == "single" and is_blank(row[0]) is False and all(is_blank(v) for v in row[1:]):
            kinds[r] = "single"
        elif set_aside_totals and (t := total_kind(row)):
            kinds[r] = t
    data_after = [i for i, r in enumerate(body) if r not in kinds]
    last_data = max(data_after) if data_after else -1
    singles = [i for i, r in enumerate(body) if kinds.get(r) == "single" and i < last_data]
    sections = len(singles) >= 2
    for i, r in enumerate(body):
        if kinds.get(r) == "single":
            if i > last_data:
                kinds[r] = "note"
            elif not sections:
                del kinds[r]
            else:
                kinds[r] = "section label"
    section_col = ("分组" if any(has_cjk(n) for n in names) else "section") if sections else None
    rows: list[list[Any]] = []
    totals: list[list[Any]] = []
    label: Any = None
    for r in body:
        kind = kinds.get(r)
        row = cells(r)
        if kind is None:
            rows.append(([label] if section_col else []) + row)
            report.data_rows.append(numbers[r])
            continue
        if kind == "section label":
            label = row[0]
            report.set_aside.append(
                RowNote(numbers[r], f"section label (kept in column {section_col})", _text(row))
            )
            continue
        if kind in ("total", "subtotal"):
            totals.append(([label] if section_col else []) + row)
        report.set_aside.append(RowNote(numbers[r], kind, _text(row)))
    for r, reason in b.extra_notes:
        report.set_aside.append(
            RowNote(
                numbers[r],
                "footnote" if note_kind(cells(r), width) == "footnote" else reason,
                _text(cells(r)),
            )
        )
    report.set_aside.sort(key=lambda n: n.row)
    if section_col:
        names = [section_col] + names
        report.changes.append(f"section label rows became column {section_col!r}")
    if inner_spacers:
        report.changes.append(f"{inner_spacers} empty spacer column(s) dropped")
    if b.blank:
        report.changes.append(f"{b.blank} empty row(s) skipped")
    all_rows = sorted(numbers[r] for r in used)
    if cols and all_rows:
        report.region = (
            f"{get_column_letter(cols[0] + 1)}{all_rows[0]}:{get_column_letter(cols[-1] + 1)}{all_rows[-1]}"
        )
    report.columns = list(names)
    return TidyTable(columns=names, rows=rows, report=report, totals=totals)
