"""The transformation report: what the tidy step detected and changed for one table.

Every non-empty source row of the table's region is accounted for: it is a data row
(``data_rows``), a header row (``header_rows``) or a row set aside with its reason (``set_aside``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RowNote:
    """One source row that is not in the table, and why."""

    row: int  # 1-based row number in the sheet or file
    reason: str  # title, unit, footnote, note, total, subtotal, repeated header, section label
    text: str  # the row's cells joined by " | "


@dataclass
class TidyReport:
    source: str
    sheet: str | None = None
    table: str = ""
    region: str = ""  # e.g. "A3:F20"
    header_rows: list[int] = field(default_factory=list)
    data_rows: list[int] = field(default_factory=list)
    set_aside: list[RowNote] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    title: str | None = None
    unit: str | None = None
    changes: list[str] = field(default_factory=list)  # column-level changes, in order
    blank_rows: int = 0  # empty rows inside the region (nothing to list)
    extra_tables: list[str] = field(default_factory=list)  # e.g. name_long, name_totals

    @property
    def listed_rows(self) -> list[int]:
        """Source rows named in the report rather than present in the table."""
        return sorted(self.header_rows + [n.row for n in self.set_aside])

    @property
    def changed(self) -> bool:
        """Whether the table differs from "first row header, every other row data"."""
        return bool(
            self.set_aside
            or self.changes
            or len(self.header_rows) != 1
            or (self.header_rows and self.data_rows and self.header_rows[0] > min(self.data_rows))
        )

    def summary_lines(self) -> list[str]:
        """One-line notes for ``TableInfo.notes``; empty for a table that needed no tidying."""
        if not self.changed:
            return []
        lines: list[str] = []
        if self.title:
            lines.append(f"title: {self.title}")
        if self.unit:
            lines.append(f"unit: {self.unit}")
        if len(self.header_rows) > 1:
            numbers = ", ".join(str(r) for r in self.header_rows)
            lines.append(f"header rows {numbers} combined into one name per column")
        elif self.header_rows and self.header_rows[0] != self._first_row():
            lines.append(f"header found in row {self.header_rows[0]}")
        by_reason: dict[str, list[int]] = {}
        for n in self.set_aside:
            by_reason.setdefault(n.reason, []).append(n.row)
        for reason, rows in by_reason.items():
            shown = ", ".join(str(r) for r in rows[:8]) + (", …" if len(rows) > 8 else "")
            lines.append(f"{len(rows)} {reason} row(s) set aside (row {shown})")
        lines.extend(self.changes)
        return lines

    def _first_row(self) -> int:
        rows = self.header_rows + self.data_rows + [n.row for n in self.set_aside]
        return min(rows) if rows else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "sheet": self.sheet,
            "table": self.table,
            "region": self.region,
            "title": self.title,
            "unit": self.unit,
            "header_rows": self.header_rows,
            "columns": self.columns,
            "data_rows": len(self.data_rows),
            "set_aside": [{"row": n.row, "reason": n.reason, "text": n.text} for n in self.set_aside],
            "changes": self.changes,
            "blank_rows": self.blank_rows,
            "extra_tables": self.extra_tables,
        }
