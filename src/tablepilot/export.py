"""Tables to files: CSV, XLSX and Parquet, written atomically. The CLI, the chat, ``Session.export``
and the web app's downloads all go through here.

* CSV is UTF-8 **with** a BOM and CRLF line ends, because Excel (the spreadsheet most users open it
  in) reads BOM-less UTF-8 as the local code page and garbles Chinese. Text cells that a spreadsheet
  would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first) get a leading ``'`` (the usual
  CSV-injection defence); numbers are left alone.
* XLSX keeps cell types: integers, floats and decimals are numbers, dates and timestamps real Excel
  dates, booleans booleans, NULL an empty cell. Formula-like text is stored as a text cell, so it
  never runs and keeps its exact characters. Integers of 16+ digits (order numbers, IDs) are stored
  as text, since Excel keeps only 15 significant digits. Time zones are dropped (UTC wall time):
  Excel has none. Header bold on a fill, frozen, with an autofilter and fitted column widths.
* Parquet keeps the Arrow types as they are.

Writes go to a temporary file in the target's folder, then ``os.replace``: a failure leaves the old
file (or nothing) there, never half a file.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import decimal
import io
import json
import math
import os
import tempfile
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import pyarrow as pa

from tablepilot.data.names import unique_name
from tablepilot.errors import ExportError

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet", ".pq": "parquet"}
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
XLSX_MAX_ROWS = 1_048_576  # Excel's sheet limit, header included
XLSX_MAX_TEXT = 32_767  # Excel's cell limit
EXCEL_EXACT_DIGITS = 15
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_HEADER_FILL = "DDEBF7"
_WIDTH_SCAN_ROWS = 1000


# -- the table ----------------------------------------------------------------------------------


def arrow_from_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> pa.Table:
    """Result rows as an Arrow table, each column typed from its values; text when they disagree."""
    arrays = []
    for i in range(len(columns)):
        values = [row[i] for row in rows]
        try:
            arrays.append(pa.array(values))
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
            arrays.append(pa.array([None if v is None else _text(v) for v in values], type=pa.string()))
    return pa.Table.from_arrays(arrays, names=[str(c) for c in columns])


def _columns(table: pa.Table) -> list[list[Any]]:
    return [table.column(i).to_pylist() for i in range(table.num_columns)]


def _rows(table: pa.Table) -> Iterator[tuple[Any, ...]]:
    return zip(*_columns(table), strict=True) if table.num_columns else iter(())


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, _dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return str(value)


# -- CSV ----------------------------------------------------------------------------------------


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) or math.isinf(value) else repr(value)
    if isinstance(value, (int, decimal.Decimal)) and not isinstance(value, bool):
        return str(value)
    text = _text(value)
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text  # a cell from the data must never become a spreadsheet formula
    return text


def write_csv(table: pa.Table, fh: IO[bytes]) -> None:
    text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(table.column_names)
    for row in _rows(table):
        writer.writerow([_csv_cell(v) for v in row])
    text.flush()
    text.detach()


# -- XLSX ---------------------------------------------------------------------------------------


def _xlsx_value(value: Any) -> tuple[Any, str | None]:
    """The value openpyxl should store and its number format (None: openpyxl's default)."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int):
        return (str(value), "@") if len(str(abs(value))) > EXCEL_EXACT_DIGITS else (value, "0")
    if isinstance(value, float):
        return (None, None) if math.isnan(value) or math.isinf(value) else (value, None)
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            return None, None
        exponent = value.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return value, ("0." + "0" * places) if places else "0"
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.UTC).replace(tzinfo=None)
        return value, "yyyy-mm-dd hh:mm:ss"
    if isinstance(value, _dt.date):
        return value, "yyyy-mm-dd"
    if isinstance(value, _dt.time):
        return value.replace(tzinfo=None), "hh:mm:ss"
    if isinstance(value, _dt.timedelta):
        return str(value), "@"
    return _clean_text(_text(value)), "@"


def _clean_text(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cleaned: str = ILLEGAL_CHARACTERS_RE.sub("", text)
    return cleaned[:XLSX_MAX_TEXT]


def _display_width(value: Any) -> int:
    text = value if isinstance(value, str) else _text(value) if value is not None else ""
    if isinstance(value, _dt.datetime):
        return 19
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text[:80])


def sheet_title(name: str) -> str:
    """A valid Excel sheet name (≤ 31 characters, none of ``[]:*?/\\``)."""
    title = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'")[:31]
    return title or "result"


def write_xlsx(table: pa.Table, fh: IO[bytes], *, sheet: str = "result") -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    if table.num_rows + 1 > XLSX_MAX_ROWS:
        raise ExportError(
            f"the table has {table.num_rows:,} rows; an Excel sheet holds at most {XLSX_MAX_ROWS - 1:,}",
            hint="save it as .csv or .parquet instead, or filter it first",
        )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(sheet))
    columns = _columns(table)
    names = table.column_names
    for i, (name, values) in enumerate(zip(names, columns, strict=True), start=1):
        widest = max([_display_width(name), *(_display_width(v) for v in values[:_WIDTH_SCAN_ROWS])])
        ws.column_dimensions[get_column_letter(i)].width = min(max(widest + 2, 8), 50)
    ws.freeze_panes = "A2"
    if names:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(names))}{table.num_rows + 1}"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor=_HEADER_FILL)
    header = []
    for name in names:
        cell = WriteOnlyCell(ws, value=_clean_text(str(name)))
        cell.font, cell.fill = bold, fill
        header.append(cell)
    ws.append(header)
    for row in _rows(table):
        cells = []
        for value in row:
            stored, number_format = _xlsx_value(value)
            cell = WriteOnlyCell(ws, value=stored)
            if isinstance(stored, str):
                cell.data_type = "s"  # text stays text: "=1+1" from the data is never a formula
            if number_format is not None:
                cell.number_format = number_format
            cells.append(cell)
        ws.append(cells)
    wb.save(fh)


# -- Parquet ------------------------------------------------------------------------------------


def write_parquet(table: pa.Table, fh: IO[bytes]) -> None:
    import pyarrow.parquet as pq

    names: list[str] = []
    for name in table.column_names:
        names.append(unique_name(name, names))  # Parquet needs distinct column names
    pq.write_table(table.rename_columns(names), fh)


# -- files --------------------------------------------------------------------------------------


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def format_of(path: str | os.PathLike[str]) -> str:
    """``csv``, ``xlsx`` or ``parquet`` from the file name; ``ExportError`` for anything else."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(
            f"cannot save as {suffix or 'a file without an extension'}: {os.fspath(path)}",
            hint="end the file name with .xlsx, .csv or .parquet",
            path=os.fspath(path),
        )
    return FORMATS[suffix]


def _writer(fmt: str, sheet: str) -> Callable[[pa.Table, IO[bytes]], None]:
    if fmt == "xlsx":
        return lambda table, fh: write_xlsx(table, fh, sheet=sheet)
    return write_csv if fmt == "csv" else write_parquet


def render(table: pa.Table, fmt: str, *, sheet: str = "result") -> bytes:
    """The file's bytes, for a download."""
    buf = io.BytesIO()
    _writer(fmt, sheet)(table, buf)
    return buf.getvalue()


def to_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    return render(arrow_from_rows(columns, rows), "csv")


def to_xlsx(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    return render(arrow_from_rows(columns, rows), "xlsx")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_NEW_FILE_MODE = 0o666 & ~_umask()


def write_table(path: str | os.PathLike[str], table: pa.Table, *, sheet: str = "result") -> Path:
    """Save ``table`` to ``path`` (format from the extension), atomically; returns the absolute path.

    Raises ``ExportError`` (with a hint) for an unknown extension, a missing or unwritable folder or
    a path that is a folder; then no file, not even a partial one, is left behind.
    """
    target = Path(path).expanduser().absolute()
    fmt = format_of(target)
    shown = os.fspath(path)
    if target.is_dir():
        raise ExportError(
            f"{shown} is a folder", hint=f"give a file name, e.g. {target / ('result.' + fmt)}", path=shown
        )
    folder = target.parent
    if not folder.exists():
        raise ExportError(
            f"the folder {folder} does not exist", hint="create it first or save elsewhere", path=shown
        )
    if not folder.is_dir():
        raise ExportError(f"{folder} is not a folder", hint="choose a path inside a folder", path=shown)
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise _write_error(shown, exc) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            _writer(fmt, sheet)(table, fh)
            fh.flush()
            os.fsync(fh.fileno())
        mode = target.stat().st_mode & 0o777 if target.exists() else _NEW_FILE_MODE
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise _write_error(shown, exc) from exc
        raise
    return target


def _write_error(shown: str, exc: OSError) -> ExportError:
    reason = exc.strerror or type(exc).__name__
    return ExportError(
        f"cannot write {shown}: {reason}",
        hint="choose a folder you can write to (and check the disk has space)",
        path=shown,
    )
