"""The tidy step as the file readers use it: a sheet's grid → RawTables with their reports.

``data/excel.py`` and ``data/delimited.py`` call :func:`tidy_sheet`; :func:`reports_for` reads a
file again and returns the full reports (``tablepilot inspect`` uses it). One-line summaries of each
report travel as ``RawTable.notes`` and so reach ``TableInfo.notes``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tablepilot.data.arrays import table_from_columns
from tablepilot.data.names import clean_column_names, table_name_from, unique_name
from tablepilot.data.raw import RawTable
from tablepilot.tidy.columns import type_column
from tablepilot.tidy.melt import long_view
from tablepilot.tidy.pairs import wide_view
from tablepilot.tidy.report import TidyReport
from tablepilot.tidy.table import TidyTable, tidy_grid


@dataclass
class TidyResult:
    """One table for the engine: a main table (``kind == "table"``) or an extra view of one."""

    raw: RawTable
    report: TidyReport  # the report of the main table (shared by its extra views)
    kind: str = "table"  # "table", "long", "wide" or "totals"


def _typed(names: list[str], rows: list[list[Any]], report: TidyReport | None) -> tuple[Any, frozenset[str]]:
    columns = []
    for i, name in enumerate(names):
        values, line = type_column(name, [r[i] if i < len(r) else None for r in rows])
        columns.append(values)
        if line and report is not None:
            report.changes.append(line)
    return table_from_columns(names, columns)


def _results(table: TidyTable, source: str, sheet: str | None, notes: list[str]) -> list[TidyResult]:
    report = table.report
    names, name_notes = clean_column_names(table.columns)
    report.columns = names
    arrow, infer = _typed(names, table.rows, report)
    extra: list[TidyResult] = []
    melted = long_view(arrow)
    if melted is not None:
        report.changes.append(melted[1])
        extra.append(TidyResult(RawTable("", melted[0], source, sheet, [melted[1]]), report, "long"))
    wide = wide_view(names, table.rows)
    if wide is not None:
        report.changes.append(wide.line)
        w_arrow, w_infer = _typed(wide.columns, wide.rows, None)
        extra.append(TidyResult(RawTable("", w_arrow, source, sheet, [wide.line], w_infer), report, "wide"))
    if table.totals:
        t_arrow, t_infer = _typed(names, table.totals, None)
        line = f"{len(table.totals)} total/subtotal row(s) kept in a separate table"
        extra.append(TidyResult(RawTable("", t_arrow, source, sheet, [line], t_infer), report, "totals"))
    raw = RawTable("", arrow, source, sheet, list(notes) + report.summary_lines() + name_notes, infer)
    return [TidyResult(raw, report)] + extra


def tidy_sheet(
    source: str,
    sheet: str | None,
    grid: list[list[Any]],
    *,
    notes: list[str] | None = None,
    first_row_header: bool | None = None,
) -> list[TidyResult]:
    """The tables of one sheet (or delimited file), unnamed; empty when the grid holds nothing."""
    out: list[TidyResult] = []
    for table in tidy_grid(grid, source=source, sheet=sheet, first_row_header=first_row_header):
        out.extend(_results(table, source, sheet, notes or []))
    return out


def assign_names(results: list[TidyResult], base: str) -> None:
    """Name a sheet's tables: ``base``, or ``base_<title or n>`` when the sheet holds several;
    extra views get ``_long`` / ``_wide`` / ``_totals``."""
    mains = [r for r in results if r.kind == "table"]
    taken: list[str] = []
    for k, main in enumerate(mains, start=1):
        name = base
        if len(mains) > 1:
            name = f"{base}_{table_name_from(main.report.title) if main.report.title else k}"
        name = unique_name(name, taken)
        taken.append(name)
        main.raw.name = main.report.table = name
    for r in results:
        if r.kind != "table":
            r.raw.name = unique_name(f"{r.report.table}_{r.kind}", taken)
            taken.append(r.raw.name)
            r.report.extra_tables.append(r.raw.name)
            r.raw.notes.insert(0, f"{r.kind} view of table {r.report.table}")


def reports_for(source: str | os.PathLike[str]) -> list[TidyReport]:
    """The tidy report of every table a spreadsheet or delimited file loads as (others: none)."""
    import duckdb

    from tablepilot.data.delimited import read_delimited_results
    from tablepilot.data.excel import read_xls_results, read_xlsx_results
    from tablepilot.data.formats import sniff_format

    path = Path(os.fspath(source)).expanduser()
    kind = sniff_format(path)
    if kind == "xlsx":
        results = read_xlsx_results(path)
    elif kind == "xls":
        results = read_xls_results(path)
    elif kind == "delimited":
        con = duckdb.connect()
        try:
            results = read_delimited_results(path, con)
        finally:
            con.close()
    else:
        return []
    return [r.report for r in results if r.kind == "table"]
