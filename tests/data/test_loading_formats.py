"""Every supported file format, written for real into tmp_path and loaded into a real DuckDB engine."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tablepilot.catalog import TableInfo
from tablepilot.data.names import quote_ident
from tablepilot.engines.duckdb_engine import DuckDBEngine, open_sources


def _fingerprint(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def _load(*paths: Path) -> tuple[DuckDBEngine, list[TableInfo]]:
    before = {p: _fingerprint(p) for p in paths}
    engine = open_sources(list(paths))
    for p in paths:
        assert _fingerprint(p) == before[p], f"{p.name} changed on load"
    return engine, engine.tables()


def _types(info: TableInfo) -> dict[str, str]:
    return {c.name: c.type for c in info.columns}


def _rows(engine: DuckDBEngine, table: str, order: str | None = None) -> list[list[object]]:
    sql = f"SELECT * FROM {quote_ident(table)}" + (f" ORDER BY {quote_ident(order)}" if order else "")
    return engine.execute(sql).rows


def test_csv_utf8_types_and_leading_zeros(tmp_path: Path) -> None:
    p = tmp_path / "sales.csv"
    p.write_text(
        'code,item,qty,price,day\n007,pen,3,"1,234.5",2024-01-05\n012,ink,None,2.5,2024/02/01\n',
        encoding="utf-8",
    )
    engine, (info,) = _load(p)
    assert info.name == "sales" and info.row_count == 2
    assert _types(info) == {
        "code": "VARCHAR",
        "item": "VARCHAR",
        "qty": "BIGINT",
        "price": "DOUBLE",
        "day": "DATE",
    }
    assert _rows(engine, "sales", "code") == [
        ["007", "pen", 3, 1234.5, dt.date(2024, 1, 5)],
        ["012", "ink", None, 2.5, dt.date(2024, 2, 1)],
    ]
    assert any("leading zeros" in n for n in info.notes)
    assert any("'qty'" in n and "NULL" in n for n in info.notes)


def test_csv_utf8_bom_header_is_clean(tmp_path: Path) -> None:
    p = tmp_path / "bom.csv"
    p.write_bytes("\ufeff名称,数量\n苹果,5\n".encode())
    engine, (info,) = _load(p)
    assert info.column_names == ["名称", "数量"]
    assert engine.execute('SELECT "名称", "数量" FROM bom').rows == [["苹果", 5]]


def test_gbk_csv_with_chinese_headers_and_file_name(tmp_path: Path) -> None:
    p = tmp_path / "销售 数据(2024).csv"
    p.write_bytes("地区,销售额,日期\n华东,1200,2024-03-01\n华南,800,2024-03-02\n".encode("gbk"))
    engine, (info,) = _load(p)
    assert info.name == "销售_数据_2024"
    assert info.column_names == ["地区", "销售额", "日期"]
    assert any("gb18030" in n for n in info.notes)
    sql = f"SELECT sum({quote_ident('销售额')}) FROM {quote_ident(info.name)} WHERE {quote_ident('地区')} = '华东'"
    assert engine.execute(sql).rows == [[1200]]


def test_utf16_csv(tmp_path: Path) -> None:
    p = tmp_path / "wide.csv"
    p.write_bytes("城市\t人口\n北京\t2189\n".encode("utf-16"))
    engine, _ = _load(p)
    assert engine.execute("SELECT * FROM wide").rows == [["北京", 2189]]


def test_tsv_and_semicolon_and_pipe(tmp_path: Path) -> None:
    tsv = tmp_path / "a.tsv"
    tsv.write_text("x\ty\n1\thello, world\n2\tbye\n")
    semi = tmp_path / "b.csv"
    semi.write_text("name;amount\nalpha;1,5\nbeta;2\n")
    pipe = tmp_path / "c.txt"
    pipe.write_text("k|v\na|1\nb|2\n")
    engine, infos = _load(tsv, semi, pipe)
    assert [t.name for t in infos] == ["a", "b", "c"]
    assert engine.execute("SELECT y FROM a WHERE x = 1").rows == [["hello, world"]]
    assert infos[1].column_names == ["name", "amount"]
    assert _types(infos[1])["amount"] == "VARCHAR"  # "1,5" is not a number we can be sure of
    assert engine.execute("SELECT sum(v) FROM c").rows == [[3]]


def test_headerless_csv_gets_column_names(tmp_path: Path) -> None:
    p = tmp_path / "nohead.csv"
    p.write_text("1,2,3\n4,5,6\n")
    _, (info,) = _load(p)
    assert info.column_names == ["column_1", "column_2", "column_3"]
    assert info.row_count == 2
    assert any("not a header" in n for n in info.notes)


def test_blank_and_duplicate_column_names_are_renamed_with_notes(tmp_path: Path) -> None:
    p = tmp_path / "dups.csv"
    p.write_text(" name ,,Name,name\na,b,c,d\n")
    engine, (info,) = _load(p)
    assert info.column_names == ["name", "column_2", "Name_2", "name_3"]
    assert len(info.notes) == 4
    assert engine.execute('SELECT "Name_2" FROM dups').rows == [["c"]]


def test_backslash_escaped_quotes_like_wikitablequestions(tmp_path: Path) -> None:
    p = tmp_path / "wtq.csv"
    p.write_text('"Event","Round"\n"It\'s Showtime \\"Fast\\", Finals","4"\n"Plain","5"\n')
    engine, _ = _load(p)
    assert engine.execute("SELECT Event FROM wtq WHERE Round = 4").rows == [['It\'s Showtime "Fast", Finals']]


def test_reserved_word_columns(tmp_path: Path) -> None:
    p = tmp_path / "orders.csv"
    p.write_text("user,order,version\nann,1,2\nbob,2,3\n")
    engine, _ = _load(p)
    q = (
        "SELECT "
        + ", ".join(quote_ident(c) for c in ("user", "order", "version"))
        + " FROM orders ORDER BY 2"
    )
    assert engine.execute(q).rows == [["ann", 1, 2], ["bob", 2, 3]]


def _workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "订单"
    ws.append(["客户", "金额", "日期", "编号"])
    ws.append(["甲", 10.5, dt.datetime(2024, 1, 2), "007"])
    ws.append(["乙", 20, dt.datetime(2024, 1, 3), "008"])
    ws2 = wb.create_sheet("Regions")
    ws2.append(["region", "group"])
    ws2.append(["east", "A"])
    ws2.append(["west", None])
    ws2.merge_cells("B2:B3")
    wb.create_sheet("empty")
    wb.save(path)


def test_xlsx_two_sheets_dates_merges_and_empty_sheet(tmp_path: Path) -> None:
    p = tmp_path / "book.xlsx"
    _workbook(p)
    engine, infos = _load(p)
    by_sheet = {t.sheet: t for t in infos}
    assert set(by_sheet) == {"订单", "Regions"}
    orders, regions = by_sheet["订单"], by_sheet["Regions"]
    assert orders.name == "book_订单" and regions.name == "book_Regions"
    assert _types(orders) == {"客户": "VARCHAR", "金额": "DOUBLE", "日期": "DATE", "编号": "VARCHAR"}
    assert _rows(engine, orders.name, "金额")[0] == ["甲", 10.5, dt.date(2024, 1, 2), "007"]
    assert _rows(engine, regions.name, "region") == [["east", "A"], ["west", "A"]]
    assert any("'empty'" in n and "skipped" in n for n in orders.notes)


def test_xlsx_single_sheet_is_named_after_file(tmp_path: Path) -> None:
    p = tmp_path / "季度 报表.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["地区", 2022, 2023])
    ws.append(["华北", 1, 2])
    wb.save(p)
    _, (info,) = _load(p)
    assert info.name == "季度_报表" and info.sheet == "Sheet"
    assert info.column_names == ["地区", "2022", "2023"]


def test_xls(tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")
    p = tmp_path / "old.xls"
    book = xlwt.Workbook()
    sheet = book.add_sheet("数据")
    for c, v in enumerate(["名称", "数量", "日期"]):
        sheet.write(0, c, v)
    sheet.write(1, 0, "螺丝")
    sheet.write(1, 1, 12)
    sheet.write(1, 2, dt.datetime(2023, 5, 6), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    book.save(str(p))
    engine, (info,) = _load(p)
    assert info.name == "old"
    assert _types(info) == {"名称": "VARCHAR", "数量": "BIGINT", "日期": "DATE"}
    assert engine.execute("SELECT * FROM old").rows == [["螺丝", 12, dt.date(2023, 5, 6)]]


def test_parquet_json_and_jsonl(tmp_path: Path) -> None:
    pq_path = tmp_path / "metrics.parquet"
    pq.write_table(pa.table({"k": ["a", "b"], "v": [1.5, 2.5]}), pq_path)
    js = tmp_path / "people.json"
    js.write_text(json.dumps([{"name": "张三", "age": 30}, {"name": "李四", "age": 40}], ensure_ascii=False))
    jl = tmp_path / "events.jsonl"
    jl.write_text('{"id": 1, "kind": "click"}\n{"id": 2, "kind": "view"}\n')
    engine, infos = _load(pq_path, js, jl)
    assert [t.name for t in infos] == ["metrics", "people", "events"]
    assert engine.execute("SELECT sum(v) FROM metrics").rows == [[4.0]]
    assert engine.execute("SELECT name FROM people WHERE age > 35").rows == [["李四"]]
    assert engine.execute("SELECT count(*) FROM events").rows == [[2]]


def test_sqlite_file_with_two_tables_can_be_joined(tmp_path: Path) -> None:
    p = tmp_path / "shop.sqlite"
    con = sqlite3.connect(p)
    con.executescript(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, code TEXT);"
        "CREATE TABLE orders (id INTEGER, customer_id INTEGER, total REAL, placed DATE);"
        "INSERT INTO customers VALUES (1, 'Ann', '001'), (2, 'Bob', '002');"
        "INSERT INTO orders VALUES (10, 1, 9.5, '2024-01-01'), (11, 1, 0.5, '2024-01-02'), (12, 2, 3, NULL);"
    )
    con.commit()
    con.close()
    engine, infos = _load(p)
    assert sorted(t.name for t in infos) == ["customers", "orders"]
    types = _types(next(t for t in infos if t.name == "orders"))
    assert types == {"id": "BIGINT", "customer_id": "BIGINT", "total": "DOUBLE", "placed": "DATE"}
    rows = engine.execute(
        "SELECT c.name, sum(o.total) FROM orders o JOIN customers c ON c.id = o.customer_id "
        "GROUP BY 1 ORDER BY 1"
    ).rows
    assert rows == [["Ann", 10.0], ["Bob", 3.0]]
    assert engine.execute("SELECT code FROM customers ORDER BY id").rows == [["001"], ["002"]]


def test_a_sqlite_files_foreign_keys_become_join_paths_whatever_order_the_tables_load_in(
    tmp_path: Path,
) -> None:
    p = tmp_path / "school.sqlite"
    con = sqlite3.connect(p)
    con.executescript(
        "CREATE TABLE enrolment (student INTEGER REFERENCES Student(StuID), course TEXT,"
        " teacher INTEGER, FOREIGN KEY (teacher) REFERENCES faculty);"
        "CREATE TABLE Student (StuID INTEGER PRIMARY KEY, name TEXT);"
        "CREATE TABLE faculty (teacher INTEGER PRIMARY KEY, name TEXT);"
        "INSERT INTO Student VALUES (1, 'Ann'); INSERT INTO faculty VALUES (7, 'Dr X');"
        "INSERT INTO enrolment VALUES (1, 'SQL', 7);"
    )
    con.commit()
    con.close()
    engine, _ = _load(p)
    assert sorted(fk.join_sql() for fk in engine.foreign_keys) == [
        '"enrolment"."student" = "Student"."StuID"',
        '"enrolment"."teacher" = "faculty"."teacher"',  # no column named: the same name
    ]


def test_duckdb_file(tmp_path: Path) -> None:
    p = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(p))
    con.execute("CREATE TABLE stock (sku VARCHAR, qty INTEGER); INSERT INTO stock VALUES ('x', 3), ('y', 4)")
    con.execute("CREATE VIEW big AS SELECT * FROM stock WHERE qty > 3")
    con.close()
    engine, infos = _load(p)
    assert sorted(t.name for t in infos) == ["big", "stock"]
    assert engine.execute("SELECT sum(qty) FROM stock").rows == [[7]]
    assert engine.execute("SELECT sku FROM big").rows == [["y"]]


def test_several_files_join_and_names_stay_unique(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    a = tmp_path / "data.csv"
    a.write_text("id,city\n1,北京\n2,上海\n")
    b = tmp_path / "x" / "data.csv"
    b.write_text("id,score\n1,90\n2,80\n")
    engine, infos = _load(a, b)
    assert [t.name for t in infos] == ["data", "data_2"]
    rows = engine.execute("SELECT city, score FROM data JOIN data_2 USING (id) ORDER BY id").rows
    assert rows == [["北京", 90], ["上海", 80]]


def test_misnamed_file_is_read_by_content(tmp_path: Path) -> None:
    p = tmp_path / "really_excel.csv"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["a"])
    ws.append([1])
    wb.save(p)
    engine, (info,) = _load(p)
    assert engine.execute("SELECT a FROM really_excel").rows == [[1]]
    assert "content is xlsx" in info.notes[0]


def test_ragged_rows_are_padded(tmp_path: Path) -> None:
    p = tmp_path / "ragged.csv"
    p.write_text("a,b\n1,2,3\n4\n")
    engine, (info,) = _load(p)
    assert info.column_names == ["a", "b", "column_3"]
    assert engine.execute("SELECT * FROM ragged ORDER BY a").rows == [[1, 2, 3], [4, None, None]]


def test_single_column_and_header_only_files(tmp_path: Path) -> None:
    one = tmp_path / "one.csv"
    one.write_text("name\nann\nbob\n")
    head = tmp_path / "head.csv"
    head.write_text("a,b,c\n")
    engine, infos = _load(one, head)
    assert infos[0].column_names == ["name"] and infos[0].row_count == 2
    assert infos[1].column_names == ["a", "b", "c"] and infos[1].row_count == 0
    assert engine.execute("SELECT count(*) FROM head").rows == [[0]]
