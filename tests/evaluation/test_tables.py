"""Loading suite data: each family's CSV rules, SQLite-faithful Spider typing, and the dev suites."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from tablepilot.engines.joins import ForeignKey as JoinKey
from tablepilot.evaluation.suite import Question, Suite
from tablepilot.evaluation.tables import (
    ForeignKey,
    LoadedTable,
    clean_column_names,
    detect_format,
    imtqa_grid,
    imtqa_table,
    infer_column_type,
    load_question_tables,
    question_tables,
    retqa_table,
    spider_database,
    sqlite_affinity,
    table_name_for,
    without_totals,
    wtq_table,
)

Bench = Callable[[str], Path]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_column_names() -> None:
    names, notes = clean_column_names([" Year ", "", "Name", "name", "Name", "x"])
    assert names == ["Year", "column_2", "Name", "name_2", "Name_3", "x"]
    assert len(notes) == 4


def test_table_name_for() -> None:
    assert table_name_for(Path("tables/csv/204-csv/590.csv")) == "t_590"
    assert table_name_for(Path("tables/9l38Boo8.csv")) == "t_9l38Boo8"
    assert table_name_for(Path("a b-c.csv")) == "t_a_b_c"


def test_wtq_escapes_and_text_cells(tmp_path: Path) -> None:
    p = write(
        tmp_path / "tables/csv/200-csv/1.csv",
        '"Name","Note","Year"\n"He said \\"hi\\"","a\\\\b","2001"\n"two\nlines","","1999"\n',
    )
    t = wtq_table(p)
    assert t.name == "t_1"
    assert t.data.schema.types == [pa.string()] * 3
    assert t.data.to_pylist() == [
        {"Name": 'He said "hi"', "Note": "a\\b", "Year": "2001"},
        {"Name": "two\nlines", "Note": "", "Year": "1999"},
    ]


def test_imtqa_grid_and_table(tmp_path: Path) -> None:
    p = write(tmp_path / "tables/abc.csv", '项   目,金额,金额\n本期,"910,000.00",\n上期\n')
    assert imtqa_grid(p) == [["项   目", "金额", "金额"], ["本期", "910,000.00", ""], ["上期"]]
    t = imtqa_table(p)
    assert t.data.column_names == ["项   目", "金额", "金额_2"]
    assert t.data.to_pylist()[1] == {"项   目": "上期", "金额": None, "金额_2": None}
    assert any("padded" in n for n in t.notes)


@pytest.mark.parametrize(
    ("values", "typ"),
    [
        (["1", " 2 ", "-3", None, ""], "INTEGER"),
        (["1", "2.5", "1e3", ".5"], "REAL"),
        (["1", "1,000"], "TEXT"),
        ([None, ""], "TEXT"),
        (["2019-07-01"], "TEXT"),
    ],
)
def test_infer_column_type(values: list[str | None], typ: str) -> None:
    assert infer_column_type(values) == typ


def test_retqa_typing_and_nulls(tmp_path: Path) -> None:
    p = write(tmp_path / "t.csv", "名称,价格,套数,备注\n甲,1.5,2,None\n乙,None,,x\n丙,3,4,\n")
    t = retqa_table(p, "上海价格表")
    assert t.name == "上海价格表"
    assert t.data.schema.types == [pa.string(), pa.float64(), pa.int64(), pa.string()]
    assert t.data.column("价格").to_pylist() == [1.5, None, 3.0]
    assert t.data.column("套数").to_pylist() == [2, None, 4]
    assert t.data.column("备注").to_pylist() == [None, "x", None]


@pytest.mark.parametrize(
    ("declared", "affinity"),
    [
        ("INTEGER", "INTEGER"),
        ("BIGINT", "INTEGER"),
        ("VARCHAR(20)", "TEXT"),
        ("CHAR(1)", "TEXT"),
        ("TEXT", "TEXT"),
        ("", "BLOB"),
        ("BLOB", "BLOB"),
        ("REAL", "REAL"),
        ("DOUBLE", "REAL"),
        ("FLOAT", "REAL"),
        ("DECIMAL(10,2)", "NUMERIC"),
        ("DATETIME", "NUMERIC"),
        ("BOOLEAN", "NUMERIC"),
        ("POINT", "INTEGER"),  # "INT" anywhere wins, as in SQLite
    ],
)
def test_sqlite_affinity(declared: str, affinity: str) -> None:
    assert sqlite_affinity(declared) == affinity


SCHEMA = """-- Dialect: mysql | Database: shop | Table Count: 3

CREATE TABLE `shop`.`customer` (
    `id` INTEGER,
    `name` VARCHAR(20),
    `zip` VARCHAR(10),
    `score` REAL,
    `amount` DECIMAL(10,2),
    `seen` DATETIME,
    `misc` NUMERIC,
    PRIMARY KEY (`id`),
    INDEX idx_name (`name`)
);

CREATE TABLE `shop`.`orders` (
    `order_id` INTEGER,
    `customer_id` INTEGER,
    `qty` INT,
    PRIMARY KEY (`order_id`),
    FOREIGN KEY (`customer_id`) REFERENCES `shop`.`customer` (`id`)
);
"""


def make_shop(root: Path) -> Path:
    db = root / "dbs/shop"
    write(db / "schema.sql", SCHEMA)
    write(
        db / "customer.csv",
        "id,name,zip,score,amount,seen,misc\n"
        "3,Cy,94002,4,10.50,2018-03-01 10:00:00,7\n"
        "1,Al, 00123 ,NULL,5,2017-01-01,NULL\n"
        "2,NULL,94040-1724,2.5,3.0,2016-05-05,abc\n",
    )
    write(db / "orders.csv", "order_id,customer_id,qty\n10,1,2\n11,1,\n12,3,5\n")
    write(db / "extra.csv", "k,v\n1,a\n2,NULL\n,b\n")  # no CREATE TABLE: inferred like a loose CSV
    return db


def test_spider_database_follows_sqlite_affinity(tmp_path: Path) -> None:
    tables = {t.name: t for t in spider_database(make_shop(tmp_path))}
    assert set(tables) == {"customer", "orders", "extra"}
    c = tables["customer"].data
    assert c.column_names == ["id", "name", "zip", "score", "amount", "seen", "misc"]
    # INTEGER PRIMARY KEY is the rowid: SQLite scans, and so the gold saw, rows in id order
    assert c.column("id").to_pylist() == [1, 2, 3]
    assert c.schema.field("id").type == pa.int64()
    assert c.column("name").to_pylist() == ["Al", None, "Cy"]  # the NULL token
    assert c.column("zip").to_pylist() == [" 00123 ", "94040-1724", "94002"]  # TEXT affinity keeps text
    assert c.schema.field("score").type == pa.float64()  # REAL affinity: 4 → 4.0
    assert c.column("score").to_pylist() == [None, 2.5, 4.0]
    assert c.schema.field("amount").type == pa.float64()  # NUMERIC: 5 and 3.0 are integers, 10.50 real
    assert c.column("amount").to_pylist() == [5.0, 3.0, 10.5]
    assert c.schema.field("seen").type == pa.string()  # dates do not convert: text as in the CSV
    assert c.column("misc").to_pylist() == [None, "abc", "7"]  # mixed: text, cells exactly as given
    assert any("misc" in n for n in tables["customer"].notes)
    assert tables["customer"].primary_key == ("id",)
    o = tables["orders"]
    assert o.foreign_keys == (ForeignKey(("customer_id",), "customer", ("id",)),)
    assert o.data.schema.field("qty").type == pa.string()  # '' stays '' in SQLite, so not numeric
    assert o.data.column("qty").to_pylist() == ["2", "", "5"]
    e = tables["extra"]
    assert e.data.schema.types == [pa.int64(), pa.string()]
    assert e.data.to_pylist() == [{"k": 1, "v": "a"}, {"k": 2, "v": None}, {"k": None, "v": "b"}]


def test_spider_values_match_the_reference_sqlite_load(tmp_path: Path) -> None:
    """Every cell we produce equals what SQLite stored (numbers) or the CSV text (text columns)."""
    db = make_shop(tmp_path)
    con = sqlite3.connect(":memory:")
    for stmt in (db / "schema.sql").read_text().split("\n\n")[1:]:
        from tablepilot.evaluation.tables import sqlite_ddl

        con.execute(sqlite_ddl(stmt))
    for t in spider_database(db):
        if t.name == "extra":
            continue
        ref = con.execute(f'SELECT * FROM "{t.name}" LIMIT 0').description
        assert [d[0] for d in ref] == t.data.column_names


def test_load_question_tables_with_engine_stand_in(tmp_path: Path, plain_engine: Any) -> None:
    db = make_shop(tmp_path)
    q = Question("q", "?", tuple(sorted(db.glob("*.csv"))), db)
    assert detect_format(q) == "spider"
    engine = plain_engine()
    infos = load_question_tables(q, engine)
    assert sorted(i.name for i in infos) == ["customer", "extra", "orders"]
    assert engine.execute("SELECT SUM(qty::INT) FROM orders WHERE qty <> ''") == [(7,)]
    assert engine.execute(
        "SELECT name FROM customer JOIN orders ON id = customer_id WHERE order_id = 12"
    ) == [("Cy",)]


def test_detect_format(tmp_path: Path) -> None:
    wtq = Question("a", "?", (tmp_path / "tables/csv/204-csv/1.csv",))
    imtqa = Question("b", "?", (tmp_path / "tables/x.csv",), extra={"question_type": "single_cell"})
    retqa = Question("c", "?", (tmp_path / "tables/t0001.csv",), extra={"table_name": "表"})
    assert [detect_format(q) for q in (wtq, imtqa, retqa)] == ["wtq", "imtqa", "retqa"]


@pytest.mark.parametrize("name", ["wtq-dev", "imtqa-dev", "retqa-dev"])
def test_every_dev_table_loads(name: str, bench_suite: Bench) -> None:
    suite = Suite.open(bench_suite(name))
    seen: set[tuple[str, ...]] = set()
    for q in suite.questions():
        if q.table_key in seen:
            continue
        seen.add(q.table_key)
        tables = question_tables(q)
        assert len([t for t in tables if not t.name.endswith(("_totals", "_wide"))]) == len(q.tables)
        assert all(t.data.num_columns > 0 for t in tables)
        if name == "retqa-dev":
            assert tables[0].name == q.extra["table_name"]


def test_retqa_dev_types_are_numeric_where_sql_needs_them(bench_suite: Bench) -> None:
    suite = Suite.open(bench_suite("retqa-dev"))
    q = suite.questions()[0]  # 上海市闵行区2019年07月商品房成交价格表
    (t,) = question_tables(q)
    assert t.data.schema.field("成交均价").type == pa.float64()
    assert t.data.schema.field("成交套数").type == pa.int64()


def test_total_rows_are_kept_apart_and_not_lost() -> None:
    data = pa.table({"Nation": ["Kenya", "Total", "Chile"], "Gold": ["3", "5", "2"]})
    main, totals = without_totals(LoadedTable("t_1", data, infer_types=True))
    assert main.data.column("Nation").to_pylist() == ["Kenya", "Chile"] and main.infer_types
    assert totals.name == "t_1_totals" and totals.data.to_pylist() == [{"Nation": "Total", "Gold": "5"}]
    plain = LoadedTable("t_2", pa.table({"Nation": ["Kenya", "Total Sport Club"], "Gold": ["3", "5"]}))
    assert without_totals(plain) == [plain]  # only a cell that says exactly "Total" marks a total row


def test_a_total_that_says_what_it_covers_is_a_total_row() -> None:
    data = pa.table(
        {"Rank": ["1", "2", "Total 19 nations"], "Nation": ["Kenya", "Chile", "Total 19 nations"]}
    )
    main, totals = without_totals(LoadedTable("t_1", data))
    assert main.data.column("Nation").to_pylist() == ["Kenya", "Chile"]
    assert totals.data.column("Rank").to_pylist() == ["Total 19 nations"]
    counted = pa.table({"Volume": ["1", "2", "TOTAL (1–2)"], "Copies": ["5", "7", "12"]})
    assert len(without_totals(LoadedTable("t_2", counted))) == 2
    year = LoadedTable("t_3", pa.table({"Film": ["Total Recall", "Total 2010"], "Year": ["1990", "2010"]}))
    assert without_totals(year) == [year]  # a title, and "Total" with a bare number, are names


def test_an_imtqa_spec_sheet_of_name_value_pairs_also_loads_wide(tmp_path: Path) -> None:
    p = write(
        tmp_path / "tables/spec.csv",
        "设备名称,相关参数,相关参数\nA,型号,M1\nA,容量,9kg\nB,型号,M2\nB,容量,8kg\n",
    )
    tables = question_tables(Question("q", "?", (p,), extra={"question_type": "single_cell"}), "imtqa")
    assert [t.name for t in tables] == ["t_spec", "t_spec_wide"]
    wide = tables[1]
    assert wide.infer_types and wide.data.column_names == ["设备名称", "型号", "容量"]
    assert wide.data.to_pylist()[1] == {"设备名称": "B", "型号": "M2", "容量": "8kg"}


def test_a_spider_databases_foreign_keys_reach_a_duckdb_engine_as_join_paths(tmp_path: Path) -> None:
    from tablepilot.engines.duckdb_engine import DuckDBEngine

    db = make_shop(tmp_path)
    with DuckDBEngine() as engine:
        load_question_tables(Question("q", "?", tuple(sorted(db.glob("*.csv"))), db), engine)
        assert [fk.join_sql() for fk in engine.foreign_keys] == ['"orders"."customer_id" = "customer"."id"']
        engine.declare_foreign_keys([JoinKey("orders", ("nope",), "customer", ("id",))])  # no such column
        assert len(engine.foreign_keys) == 1
