"""A result table as a download: CSV (UTF-8 with BOM, so Excel shows Chinese right) or XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from tablepilot.answer import json_cell

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def to_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if (v := _safe_cell(c)) is None else v for c in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("result")
    ws.append(list(columns))
    for row in rows:
        ws.append([_safe_cell(c) for c in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _safe_cell(value: Any) -> Any:
    v = json_cell(value)
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") and not _is_number(v):
        return "'" + v  # a cell from the data must never become a spreadsheet formula
    return v


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
