"""Excel workbooks: .xlsx/.xlsm through openpyxl (read-only, cached formula values), .xls through xlrd.

Every non-empty sheet goes through the tidy step (``tablepilot.tidy``), which finds its tables. A merged cell's value is repeated over the cells it covers, so
a merged group label applies to every row it spans. Read-only openpyxl does not report merged ranges,
so they are read straight from the sheet's XML.
"""

from __future__ import annotations

import datetime as _dt
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl.utils.cell import range_boundaries

from tablepilot.data.names import table_name_from
from tablepilot.data.raw import RawTable
from tablepilot.errors import LoadError
from tablepilot.tidy.files import TidyResult, assign_names, tidy_sheet

Grid = list[list[Any]]
Merge = tuple[int, int, int, int]  # min_col, min_row, max_col, max_row (1-based, inclusive)

_MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Za-z]+[0-9]+:[A-Za-z]+[0-9]+)\"")


def _corrupt(path: Path, exc: BaseException) -> LoadError:
    return LoadError(
        f"{path.name} is not a readable Excel workbook ({type(exc).__name__}: {str(exc)[:120]})",
        hint="open it in Excel or LibreOffice and save it again as .xlsx",
        path=str(path),
    )


def _xml_merges(archive: zipfile.ZipFile, member: str) -> list[Merge]:
    found: set[bytes] = set()
    tail = b""
    with archive.open(member) as f:
        while chunk := f.read(1 << 20):
            data = tail + chunk
            found.update(m.group(1) for m in _MERGE_RE.finditer(data))
            tail = data[-200:]
    return [range_boundaries(ref.decode()) for ref in found]


def _fill_merges(grid: Grid, merges: Iterable[Merge]) -> None:
    for min_col, min_row, max_col, max_row in merges:
        if min_row > len(grid):
            continue
        value = grid[min_row - 1][min_col - 1] if min_col <= len(grid[min_row - 1]) else None
        for r in range(min_row - 1, min(max_row, len(grid))):
            row = grid[r]
            for c in range(min_col - 1, min(max_col, len(row))):
                row[c] = value


def _sheet_tables(path: Path, sheet: str, grid: Grid) -> list[TidyResult]:
    """The sheet's tables after the tidy step (titles, header block, totals, notes; docs/tidy.md)."""
    return tidy_sheet(str(path), sheet, grid)


def _name_sheets(path: Path, results: list[TidyResult], skipped: list[str]) -> list[TidyResult]:
    if not results:
        raise LoadError(
            f"{path.name} has no sheet with data",
            hint="every sheet is empty; check that you picked the right workbook",
            path=str(path),
        )
    stem = table_name_from(path.stem)
    sheets = list(dict.fromkeys(r.raw.sheet for r in results))
    for sheet in sheets:
        base = stem if len(sheets) == 1 else f"{stem}_{table_name_from(sheet or '')}"
        assign_names([r for r in results if r.raw.sheet == sheet], base)
    for r in results:
        r.raw.notes.extend(f"sheet {s!r} is empty; skipped" for s in skipped)
    return results


def read_xlsx(path: Path) -> list[RawTable]:
    """Each table of each non-empty sheet of an .xlsx/.xlsm workbook."""
    return [r.raw for r in read_xlsx_results(path)]


def read_xlsx_results(path: Path) -> list[TidyResult]:
    """The tables of an .xlsx/.xlsm workbook with their tidy reports."""
    import openpyxl

    # a file object, not a path: openpyxl refuses paths whose extension is not .xlsx (a misnamed file)
    handle = path.open("rb")
    try:
        wb = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged archive
        handle.close()
        raise _corrupt(path, exc) from exc
    tables: list[TidyResult] = []
    skipped: list[str] = []
    try:
        with zipfile.ZipFile(path) as archive:
            for ws in wb.worksheets:
                grid = [list(r) for r in ws.iter_rows(values_only=True)]
                member = getattr(ws, "_worksheet_path", None)
                if member:
                    _fill_merges(grid, _xml_merges(archive, member))
                found = _sheet_tables(path, ws.title, grid)
                if not found:
                    skipped.append(ws.title)
                tables.extend(found)
    except LoadError:
        raise
    except Exception as exc:
        raise _corrupt(path, exc) from exc
    finally:
        wb.close()
        handle.close()
    return _name_sheets(path, tables, skipped)


def _xls_value(cell: Any, datemode: int) -> Any:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            value: _dt.datetime = xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value
        return value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
        return int(cell.value)
    return cell.value


def read_xls(path: Path) -> list[RawTable]:
    """Each table of each non-empty sheet of a legacy .xls workbook."""
    return [r.raw for r in read_xls_results(path)]


def read_xls_results(path: Path) -> list[TidyResult]:
    """The tables of a legacy .xls workbook with their tidy reports."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise LoadError(
                f"{path.name} is password-protected",
                hint="open it in Excel, remove the password (File → Info → Protect Workbook) and save again",
                path=str(path),
            ) from exc
        raise _corrupt(path, exc) from exc
    except Exception as exc:
        raise _corrupt(path, exc) from exc
    tables: list[TidyResult] = []
    skipped: list[str] = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            grid = [[_xls_value(c, book.datemode) for c in sheet.row(r)] for r in range(sheet.nrows)]
            merges = [(c0 + 1, r0 + 1, c1, r1) for r0, r1, c0, c1 in sheet.merged_cells]
            _fill_merges(grid, merges)
            found = _sheet_tables(path, sheet.name, grid)
            if not found:
                skipped.append(sheet.name)
            tables.extend(found)
            book.unload_sheet(index)
    except Exception as exc:
        raise _corrupt(path, exc) from exc
    finally:
        book.release_resources()
    return _name_sheets(path, tables, skipped)
