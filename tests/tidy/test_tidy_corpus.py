"""Every corpus file loads as exactly the expected tidy tables, and no source row goes missing."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from tidy_corpus import CASES, Case

from tablepilot.data.names import quote_ident
from tablepilot.engines.duckdb_engine import DuckDBEngine
from tablepilot.tidy import reports_for
from tablepilot.tidy.values import is_blank


def _nonempty_rows(path: Path, case: Case) -> int:
    if case.kind == "csv":
        with path.open(encoding=case.encoding, newline="") as f:
            return sum(1 for r in csv.reader(f) if any(not is_blank(v) for v in r))
    wb = openpyxl.load_workbook(path)
    total = sum(
        1 for ws in wb.worksheets for r in ws.iter_rows(values_only=True) if any(not is_blank(v) for v in r)
    )
    return total


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 30
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_tidy_table(case: Case, tmp_path: Path) -> None:
    path = case.write(tmp_path)
    with DuckDBEngine() as engine:
        infos = engine.load([path])
        got: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
        for info in infos:
            rows = engine.execute(f"SELECT * FROM {quote_ident(info.name)}").rows
            got[info.name] = (info.column_names, [tuple(r) for r in rows])
    wanted = {k: v for k, v in got.items() if k in case.expected or not k.endswith(("_long", "_wide", "_totals"))}
    assert wanted == case.expected


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_source_row_is_in_the_table_or_the_report(case: Case, tmp_path: Path) -> None:
    path = case.write(tmp_path)
    reports = reports_for(path)
    accounted = 0
    for report in reports:
        rows = report.data_rows + report.listed_rows
        assert len(rows) == len(set(rows)), f"{report.table}: a row counted twice"
        accounted += len(rows)
    side_by_side = sum(1 for r in reports if r.region and not r.region.startswith("A"))
    if not side_by_side:
        assert accounted == _nonempty_rows(path, case)
    reasons = Counter(n.reason for r in reports for n in r.set_aside)
    assert dict(reasons) == case.reasons


def test_side_by_side_tables_cover_every_row(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == "two_tables_side_by_side")
    reports = reports_for(case.write(tmp_path))
    assert [r.region for r in reports] == ["A1:B3", "D1:E3"]
    for r in reports:
        assert sorted(r.data_rows + r.listed_rows) == [1, 2, 3]


def test_summaries_reach_table_notes_and_clean_files_get_none(tmp_path: Path) -> None:
    by_name = {c.name: c for c in CASES}
    with DuckDBEngine() as engine:
        clean = engine.load([by_name["clean"].write(tmp_path)])
        messy = engine.load([by_name["everything"].write(tmp_path)])
    assert clean[0].notes == ()
    notes = "\n".join(messy[0].notes)
    assert "title: 某公司2023年分季度收入" in notes
    assert "unit: 元" in notes
    assert "header rows 4, 5 combined" in notes
    assert "1 total row(s) set aside (row 8)" in notes
    assert "1 footnote row(s) set aside (row 9)" in notes
    assert {c.name: c.type for c in messy[0].columns}["2023_Q1"] == "BIGINT"
    assert "title: 某公司2023年分季度收入\n" in notes + "\n"
    with DuckDBEngine() as engine:
        (money,) = [t for t in engine.load([by_name["currency_yuan"].write(tmp_path)])]
    assert "column '单价': text read as numbers (¥), e.g. '¥12.50' → 12.5" in "\n".join(money.notes)


def test_inspect_prints_every_corpus_report(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tablepilot.inspect_command import inspect_command

    paths = [str(c.write(tmp_path)) for c in CASES]
    result = CliRunner().invoke(inspect_command, paths)
    assert result.exit_code == 0, result.output
    assert "everything" in result.output and "total" in result.output and "2023_Q1" in result.output
    assert result.output.count("data rows:") == sum(
        len([k for k in c.expected if not k.endswith(("_long", "_wide", "_totals"))]) for c in CASES
    )
    as_json = CliRunner().invoke(inspect_command, ["--json", paths[0]])
    assert json.loads(as_json.output)[0]["columns"] == ["城市", "人口", "日期"]
