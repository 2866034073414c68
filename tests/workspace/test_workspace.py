"""Derived tables over real files in a real DuckDB, with a scripted model: a multi-turn conversation,
undo/redo exactness, saving, and the source files left untouched."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pyarrow.parquet as pq
import pytest

from tablepilot import Session
from tablepilot.answer import ResultTable
from tablepilot.catalog import TableInfo
from tablepilot.engines.base import Engine
from tablepilot.errors import WorkspaceError
from tablepilot.llm.fake import FakeLLM
from tablepilot.pipeline import AskOptions, opening_messages, system_text
from tablepilot.profile import table_infos_from_connection

ORDERS = """订单号,客户ID,地区,月份,销售额,成本,日期
1,C1,华东,2023-01,100,60,2023-01-05
2,C2,华南,2023-01,200,150,2023-01-09
3,C1,华东,2023-02,300,200,2023-02-11
3,C1,华东,2023-02,300,200,2023-02-11
4,C3,华北,2023-02,50,,2023-02-20
5,C2,华东,2023-03,400,100,2023-03-02
"""
CUSTOMERS = """客户ID,客户名,城市
C1,甲公司,上海
C2,乙公司,广州
C3,丙公司,
"""


def fenced(sql: str) -> str:
    return f"```sql\n{sql}\n```"


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


@pytest.fixture()
def files(tmp_path: Path) -> Iterator[list[Path]]:
    orders, customers = tmp_path / "orders.csv", tmp_path / "customers.csv"
    orders.write_text(ORDERS, encoding="utf-8")
    customers.write_text(CUSTOMERS, encoding="utf-8")
    before = [fingerprint(orders), fingerprint(customers)]
    yield [orders, customers]
    assert [fingerprint(orders), fingerprint(customers)] == before  # sources never change


def rows(session: Session, name: str) -> list[dict[str, Any]]:
    return session.workspace.read(name).to_pylist()


def snapshot(session: Session) -> tuple[Any, ...]:
    """Everything undo must restore: visible tables and their rows, the latest table, the turns, the prompt."""
    tables = tuple((t.name, t.sql, tuple(map(str, rows(session, t.name)))) for t in session.derived_tables)
    latest = session.workspace.latest
    return tables, latest.name if latest else None, tuple(session.history), session.tables, session.context.derived_text


def test_a_conversation_filters_adds_a_column_pivots_joins_and_saves(files: list[Path], tmp_path: Path) -> None:
    script = [
        fenced("SELECT * FROM \"orders\" WHERE \"地区\" = '华东'"),
        fenced('SELECT *, ROUND(("销售额" - "成本") / "销售额", 4) AS "利润率" FROM "筛选1"'),
        fenced('SELECT DISTINCT ON ("订单号") * FROM "加列2" ORDER BY "订单号"'),
        fenced('PIVOT "orders" ON "月份" USING SUM("销售额") GROUP BY "地区"'),
        fenced('SELECT * FROM "去重3" LEFT JOIN "customers" USING ("客户ID") ORDER BY "订单号"'),
        fenced('SELECT COUNT(*) FROM "合并5"'),
    ]
    llm = FakeLLM(script)
    with Session(files, llm=llm) as s:
        a = s.ask("把华东的订单单独拿出来")
        assert a.error is None and a.table is not None
        assert a.text == '已生成新表 "筛选1"：4 行 × 7 列。' and a.answer == ["筛选1"]
        assert a.table["kind"] == "filter" and a.table["row_count"] == 4
        assert [r["订单号"] for r in rows(s, "筛选1")] == [1, 3, 3, 5]
        assert a.columns[0] == "订单号" and len(a.rows) == 4 and a.chart is None

        a = s.ask("加一列利润率 = (销售额 - 成本) / 销售额")
        assert a.error is None and s.workspace.latest is not None and s.workspace.latest.name == "加列2"
        assert [r["利润率"] for r in rows(s, "加列2")] == [0.4, 0.3333, 0.3333, 0.75]
        prompt = llm.prompts[1]
        assert 'Table "筛选1" (4 rows)' in system_text(prompt)  # the model sees the table made before
        assert 'The latest table is "筛选1"' in system_text(prompt)
        assert 'Start from the latest table "筛选1"' in prompt[-1].content
        assert "DuckDB pattern: SELECT *, <expression>" in prompt[-1].content
        earlier = prompt[len(opening_messages())]  # the first message after the examples and tables
        assert '(made table "筛选1")' in earlier.content  # the earlier turn, with what it made

        s.ask("去掉重复的订单号")
        assert [r["订单号"] for r in rows(s, "去重3")] == [1, 3, 5]

        a = s.ask("按月份透视，地区做列")  # a dynamic PIVOT: made static so the locked engine runs it
        assert a.error is None and "IN ('2023-01', '2023-02', '2023-03')" in (a.sql or "")
        pivot = {r["地区"]: (r["2023-01"], r["2023-02"], r["2023-03"]) for r in rows(s, "透视4")}
        assert pivot == {"华东": (100, 600, 400), "华南": (200, None, None), "华北": (None, 50, None)}

        a = s.ask("和客户表合并")
        joined = rows(s, "合并5")
        assert [(r["订单号"], r["客户名"], r["城市"]) for r in joined] == [
            (1, "甲公司", "上海"),
            (3, "甲公司", "上海"),
            (5, "乙公司", "广州"),
        ]
        assert a.table is not None and a.table["columns"][-2:] == ["客户名", "城市"]

        a = s.ask("合并后的表一共多少行？")  # a question over a derived table, by name
        assert a.error is None and a.answer == ["3"] and a.table is None

        out = s.export(tmp_path / "华东.xlsx", table="合并5")
        ws = openpyxl.load_workbook(out).active
        values = [[c.value for c in row] for row in ws.iter_rows()]
        assert values[0] == ["订单号", "客户ID", "地区", "月份", "销售额", "成本", "日期", "利润率", "客户名", "城市"]
        assert values[1] == [1, "C1", "华东", "2023-01", 100, 60, dt.datetime(2023, 1, 5), 0.4, "甲公司", "上海"]
        assert len(values) == 4 and ws["G2"].is_date

        # every prompt starts with the same description of the loaded tables (the KV-cache prefix)
        first = system_text(llm.prompts[0])
        assert all(system_text(p).startswith(first) for p in llm.prompts)
    assert llm.calls == len(script)


def test_undo_and_redo_restore_states_exactly_without_the_model(files: list[Path]) -> None:
    llm = FakeLLM(
        [
            fenced('SELECT * FROM "orders" WHERE "销售额" >= 200'),
            fenced('SELECT * FROM "筛选1" ORDER BY "销售额" DESC'),
            fenced('SELECT * EXCLUDE ("成本") FROM "筛选1"'),
        ]
    )
    with Session(files, llm=llm) as s:
        s0 = snapshot(s)
        s.ask("只保留销售额不低于200的订单")
        s1 = snapshot(s)
        s.ask("按销售额从高到低排序")
        s2 = snapshot(s)
        assert s2 != s1 and [t.name for t in s.derived_tables] == ["筛选1", "排序2"]

        assert s.undo() is not None and snapshot(s) == s1
        assert s.undo() is not None and snapshot(s) == s0
        with pytest.raises(WorkspaceError, match="nothing to undo"):
            s.undo()
        assert s.redo() is not None and snapshot(s) == s1
        assert s.redo() is not None and snapshot(s) == s2
        with pytest.raises(WorkspaceError, match="nothing to redo"):
            s.redo()
        assert llm.calls == 2

        s.undo()
        s.ask("删除成本这一列")  # a new operation after undo forgets the undone one, and drops its table
        assert [t.name for t in s.derived_tables] == ["筛选1", "选列3"]
        assert not s.workspace.can_redo
        stored = {t.name for t in table_infos_from_connection(s.engine.connection)}  # type: ignore[attr-defined]
        assert "排序2" not in stored and {"筛选1", "选列3"} <= stored
        assert "成本" not in rows(s, "选列3")[0]


def test_an_undone_table_is_hidden_from_the_model_and_the_guard(files: list[Path]) -> None:
    llm = FakeLLM(
        [
            fenced('SELECT * FROM "orders" WHERE "地区" = \'华南\''),
            fenced('SELECT COUNT(*) FROM "筛选1"'),
            fenced('SELECT COUNT(*) FROM "orders"'),
        ]
    )
    with Session(files, llm=llm) as s:
        s.ask("把华南的订单拿出来")
        s.undo()
        a = s.ask("一共有多少行？")
        assert a.answer == ["6"]
        assert a.attempts[0].error is not None and "筛选1" in a.attempts[0].error
        assert "筛选1" not in system_text(llm.prompts[1]) and s.history[-1].sql == 'SELECT COUNT(*) FROM "orders"'


def test_failed_operations_make_no_table_and_change_nothing(files: list[Path]) -> None:
    llm = FakeLLM(
        [
            fenced('CREATE TABLE "x" AS SELECT * FROM "orders"'),
            fenced('SELECT "nope" FROM "orders"'),
            fenced("SELECT * FROM read_csv('/etc/passwd')"),
        ]
    )
    with Session(files, llm=llm) as s:
        before = snapshot(s)
        a = s.ask("把华东的订单单独拿出来")
        assert a.error is not None and a.table is None
        assert snapshot(s) == before and s.derived_tables == []
        assert [t.name for t in table_infos_from_connection(s.engine.connection)] == ["customers", "orders"]  # type: ignore[attr-defined]


def test_names_asked_for_and_naming_the_latest_table(files: list[Path]) -> None:
    llm = FakeLLM([fenced("SELECT * FROM \"orders\" WHERE \"地区\" = '华东'"), fenced('SELECT * FROM "orders" LIMIT 2')])
    with Session(files, llm=llm) as s:
        a = s.ask("把华东的订单拿出来，命名为 华东订单")
        assert a.table is not None and a.table["name"] == "华东订单"
        a = s.ask("把它命名为 orders")  # taken by a loaded table: a unique variant, never a clash
        assert a.table is not None and a.table["name"] == "orders_2" and llm.calls == 1
        assert rows(s, "orders_2") == rows(s, "华东订单")
        a = s.ask("keep only the first 2 rows and call it head")
        assert a.table is not None and a.table["name"] == "head" and a.text.startswith('Made the table "head": 2 rows')


def test_export_defaults_to_the_latest_result(files: list[Path], tmp_path: Path) -> None:
    llm = FakeLLM(
        [
            fenced('SELECT "地区", SUM("销售额") AS "销售额" FROM "orders" GROUP BY 1 ORDER BY 2 DESC'),
            fenced('SELECT * FROM "orders" WHERE "销售额" > 100'),
        ]
    )
    with Session(files, llm=llm, options=AskOptions(max_rows=2)) as s:
        with pytest.raises(WorkspaceError, match="no result to save"):
            s.export(tmp_path / "none.csv")
        a = s.ask("各地区的销售额")
        assert a.truncated and len(a.rows) == 2
        back = pq.read_table(s.export(tmp_path / "regions.parquet")).to_pylist()
        assert back == [{"地区": "华东", "销售额": 1100}, {"地区": "华南", "销售额": 200}, {"地区": "华北", "销售额": 50}]
        s.ask("筛选出销售额大于100的订单")
        out = s.export(tmp_path / "big.csv")
        lines = out.read_text(encoding="utf-8-sig").splitlines()
        assert lines[0].startswith("订单号,") and len(lines) == 5
        assert pq.read_table(s.export(tmp_path / "c.parquet", table="CUSTOMERS")).num_rows == 3
        with pytest.raises(WorkspaceError, match="no table nope") as info:
            s.export(tmp_path / "x.csv", table="nope")
        assert "orders" in (info.value.hint or "")


def test_saving_is_not_a_question(files: list[Path]) -> None:
    llm = FakeLLM([])
    with Session(files, llm=llm) as s:
        a = s.ask("导出成 Excel")
    assert a.error is not None and a.error["code"] == "workspace_error" and "--save" in a.error["hint"]
    assert llm.calls == 0


class RemoteEngine(Engine):
    """Stands for a database engine (PostgreSQL): queries run elsewhere, profiling on a DuckDB copy."""

    dialect = "postgres"

    def __init__(self) -> None:
        self.con = duckdb.connect()
        self.con.execute("CREATE TABLE orders AS SELECT 1 AS id, '华东' AS region")

    def tables(self) -> list[TableInfo]:
        return table_infos_from_connection(self.con)

    def execute(self, sql: str, *, max_rows: int = 1000, timeout_s: float = 30.0) -> ResultTable:
        cur = self.con.execute(sql)
        return ResultTable([d[0] for d in cur.description or []], [list(r) for r in cur.fetchmany(max_rows)])

    def profile_connection(self) -> duckdb.DuckDBPyConnection:
        return self.con

    def close(self) -> None:
        self.con.close()


def test_a_database_engine_gets_a_clear_error_and_is_never_written(tmp_path: Path) -> None:
    engine = RemoteEngine()
    llm = FakeLLM([fenced("SELECT * FROM orders")])
    with Session(engine=engine, llm=llm) as s:
        a = s.ask("keep only the East orders")
        assert a.error is not None and a.error["code"] == "workspace_error"
        assert "never written" in a.error["message"] and llm.calls == 0
        a = s.ask("list all orders")
        assert a.ok
        assert pq.read_table(s.export(tmp_path / "o.parquet")).to_pylist() == [{"id": 1, "region": "华东"}]
        assert pq.read_table(s.export(tmp_path / "t.parquet", table="orders")).num_rows == 1
    engine.close()


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("把 orders 表按月份透视", ["orders"]),
        ("join Orders with customers", ["orders", "customers"]),
        ("keep the rows of orders_2023 only", ["orders_2023"]),
        ("sort by amount", []),
        ("把客户表和订单合并", ["客户表"]),
        ("reorders nothing", []),
    ],
)
def test_named_tables(question: str, named: list[str]) -> None:
    from tablepilot.workspace.operate import named_tables

    assert named_tables(question, ["orders", "customers", "orders_2023", "客户表"]) == named
