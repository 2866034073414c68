"""Saving tables: XLSX/CSV/Parquet round trips with their types, and atomic writes that fail cleanly."""

from __future__ import annotations

import datetime as dt
import decimal
import os
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tablepilot.errors import ExportError
from tablepilot.export import arrow_from_rows, format_of, render, sheet_title, write_table

COLUMNS = ["id", "金额", "单价", "日期", "时间", "ok", "城市", "备注", "订单号"]
ROWS = [
    [1, 12.5, decimal.Decimal("3.20"), dt.date(2023, 1, 5), dt.datetime(2023, 1, 5, 10, 30), True, "上海", "=1+1", 12345678901234567],
    [2, None, decimal.Decimal("10.00"), None, None, False, None, "-x", 7],
]


@pytest.fixture()
def table() -> pa.Table:
    return arrow_from_rows(COLUMNS, ROWS)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_xlsx_keeps_cell_types_and_styles_the_header(tmp_path: Path, table: pa.Table) -> None:
    path = write_table(tmp_path / "out.xlsx", table, sheet="华东:订单")
    ws = openpyxl.load_workbook(path).active
    assert ws.title == "华东_订单"
    assert [c.value for c in ws[1]] == COLUMNS
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:I3"
    assert ws.column_dimensions["A"].width >= 8 and ws.column_dimensions["E"].width >= 19
    row = [c.value for c in ws[2]]
    assert row[:3] == [1, 12.5, 3.2] and isinstance(row[0], int)
    assert row[3] == dt.datetime(2023, 1, 5) and ws["D2"].is_date and ws["D2"].number_format == "yyyy-mm-dd"
    assert row[4] == dt.datetime(2023, 1, 5, 10, 30) and ws["E2"].is_date
    assert row[5] is True and ws["F2"].data_type == "b"
    assert row[6] == "上海"
    assert row[7] == "=1+1" and ws["H2"].data_type == "s"  # text from the data never becomes a formula
    assert row[8] == "12345678901234567"  # 17 digits: kept exactly, as text
    assert [c.value for c in ws[3]][:4] == [2, None, 10, None]  # NULL is an empty cell
    assert ws["C3"].number_format == "0.00"


def test_parquet_keeps_arrow_types(tmp_path: Path, table: pa.Table) -> None:
    back = pq.read_table(write_table(tmp_path / "out.parquet", table))
    assert back.schema.field("id").type == pa.int64()
    assert back.schema.field("单价").type == pa.decimal128(4, 2)
    assert back.schema.field("日期").type == pa.date32()
    assert back.schema.field("时间").type == pa.timestamp("us")
    assert back.to_pylist() == table.to_pylist()


def test_csv_is_utf8_with_bom_and_defuses_formulas(tmp_path: Path, table: pa.Table) -> None:
    data = write_table(tmp_path / "out.csv", table).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == ",".join(COLUMNS)
    assert lines[1] == "1,12.5,3.20,2023-01-05,2023-01-05 10:30:00,true,上海,'=1+1,12345678901234567"
    assert lines[2] == "2,,10.00,,,false,,'-x,7"


def test_parquet_gets_distinct_column_names(tmp_path: Path) -> None:
    back = pq.read_table(write_table(tmp_path / "dup.parquet", arrow_from_rows(["a", "a"], [[1, 2]])))
    assert back.column_names == ["a", "a_2"]


def test_mixed_column_falls_back_to_text() -> None:
    t = arrow_from_rows(["v"], [[1], ["x"], [None]])
    assert t.schema.field("v").type == pa.string() and t.column("v").to_pylist() == ["1", "x", None]


@pytest.mark.parametrize("name", ["out.txt", "out", "out.xls"])
def test_unknown_extension_is_a_clear_error(tmp_path: Path, table: pa.Table, name: str) -> None:
    with pytest.raises(ExportError) as info:
        write_table(tmp_path / name, table)
    assert ".xlsx, .csv or .parquet" in (info.value.hint or "")
    assert leftovers(tmp_path) == []


def test_missing_folder_is_a_clear_error(tmp_path: Path, table: pa.Table) -> None:
    with pytest.raises(ExportError, match="does not exist") as info:
        write_table(tmp_path / "nope" / "out.xlsx", table)
    assert info.value.hint and info.value.code == "export_error" and info.value.exit_code == 2
    assert leftovers(tmp_path) == []


def test_folder_path_is_a_clear_error(tmp_path: Path, table: pa.Table) -> None:
    (tmp_path / "dir.xlsx").mkdir()
    with pytest.raises(ExportError, match="is a folder"):
        write_table(tmp_path / "dir.xlsx", table)
    assert leftovers(tmp_path) == ["dir.xlsx"]


def test_file_as_folder_is_a_clear_error(tmp_path: Path, table: pa.Table) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match="not a folder"):
        write_table(tmp_path / "file" / "out.csv", table)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_is_a_clear_error(tmp_path: Path, table: pa.Table) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="cannot write") as info:
            write_table(folder / "out.xlsx", table)
        assert "folder you can write" in (info.value.hint or "")
        assert leftovers(folder) == []
    finally:
        folder.chmod(0o700)


def test_unwritable_system_path_is_a_clear_error(table: pa.Table) -> None:
    with pytest.raises(ExportError, match="cannot write"):
        write_table("/proc/tablepilot-test.xlsx", table)
    assert not Path("/proc/tablepilot-test.xlsx").exists()


def test_a_failure_mid_write_leaves_no_partial_file_and_keeps_the_old_one(
    tmp_path: Path, table: pa.Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(ExportError, match="No space left"):
        write_table(target, table)
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == ["out.xlsx"]


def test_too_many_rows_for_excel_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tablepilot.export.XLSX_MAX_ROWS", 3)
    with pytest.raises(ExportError, match="at most 2"):
        write_table(tmp_path / "big.xlsx", arrow_from_rows(["a"], [[1], [2], [3]]))
    assert leftovers(tmp_path) == []


def test_new_files_get_ordinary_permissions(tmp_path: Path, table: pa.Table) -> None:
    mask = os.umask(0o022)
    os.umask(mask)
    assert write_table(tmp_path / "p.csv", table).stat().st_mode & 0o777 == 0o666 & ~mask


def test_helpers() -> None:
    assert format_of("a.PARQUET") == "parquet" and format_of("x/y.CSV") == "csv"
    assert sheet_title("") == "result" and len(sheet_title("x" * 40)) == 31
    assert render(arrow_from_rows(["a"], [[1]]), "csv") == b"\xef\xbb\xbfa\r\n1\r\n"
