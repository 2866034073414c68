"""Table operations and saving through the real `tablepilot` process, against a scripted
OpenAI-compatible HTTP server: `ask --save`, and `chat` with /tables, /undo, /redo, /save."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from llm.openai_stub import ScriptedOpenAIServer

ORDERS = "订单号,客户ID,地区,销售额\n1,C1,华东,100\n2,C2,华南,200\n3,C1,华东,300\n"
CUSTOMERS = "客户ID,客户名\nC1,甲公司\nC2,乙公司\n"


def fenced(sql: str) -> str:
    return f"```sql\n{sql}\n```"


def run_cli(args: Sequence[str], *, cwd: Path, base_url: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TABLEPILOT_", "OPENAI_"))}
    env.update(TABLEPILOT_HOME=str(cwd / "home"), PYTHONIOENCODING="utf-8", TABLEPILOT_BASE_URL=base_url)
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "tablepilot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


@pytest.fixture()
def data(tmp_path: Path) -> list[Path]:
    (tmp_path / "home").mkdir()
    orders, customers = tmp_path / "orders.csv", tmp_path / "customers.csv"
    orders.write_text(ORDERS, encoding="utf-8")
    customers.write_text(CUSTOMERS, encoding="utf-8")
    return [orders, customers]


def test_ask_save_writes_the_table_an_operation_made(data: list[Path], tmp_path: Path) -> None:
    before = [digest(p) for p in data]
    with ScriptedOpenAIServer([fenced("SELECT * FROM \"orders\" WHERE \"地区\" = '华东'")]) as server:
        r = run_cli(
            ["ask", *map(str, data), "-q", "把华东的订单单独拿出来", "--save", "east.xlsx"],
            cwd=tmp_path,
            base_url=server.base_url,
        )
    assert r.returncode == 0, r.stderr
    assert '已生成新表 "筛选1"：2 行 × 4 列' in r.stdout and "saved to" in r.stderr
    ws = openpyxl.load_workbook(tmp_path / "east.xlsx").active
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["订单号", "客户ID", "地区", "销售额"],
        [1, "C1", "华东", 100],
        [3, "C1", "华东", 300],
    ]
    assert [digest(p) for p in data] == before


def test_ask_save_writes_a_questions_result_as_parquet(data: list[Path], tmp_path: Path) -> None:
    sql = 'SELECT "地区", SUM("销售额") AS "销售额" FROM "orders" GROUP BY 1 ORDER BY 2 DESC'
    with ScriptedOpenAIServer([fenced(sql)]) as server:
        r = run_cli(["ask", str(data[0]), "-q", "各地区的销售额", "--save", "r.parquet", "--json"], cwd=tmp_path, base_url=server.base_url)
    assert r.returncode == 0, r.stderr
    assert pq.read_table(tmp_path / "r.parquet").to_pylist() == [{"地区": "华东", "销售额": 400}, {"地区": "华南", "销售额": 200}]


def test_ask_save_to_a_missing_folder_fails_clearly_and_writes_nothing(data: list[Path], tmp_path: Path) -> None:
    with ScriptedOpenAIServer([fenced('SELECT COUNT(*) FROM "orders"')]) as server:
        r = run_cli(["ask", str(data[0]), "-q", "一共多少行？", "--save", "no/such/dir/x.xlsx"], cwd=tmp_path, base_url=server.base_url)
    assert r.returncode == 2
    assert "答案：3" in r.stdout  # the answer is still shown
    assert "error:" in r.stderr and "does not exist" in r.stderr and "hint:" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "no").exists()


def test_ask_save_with_an_unknown_extension_fails_clearly(data: list[Path], tmp_path: Path) -> None:
    with ScriptedOpenAIServer([fenced('SELECT * FROM "orders"')]) as server:
        r = run_cli(["ask", str(data[0]), "-q", "list all orders", "--save", "x.docx"], cwd=tmp_path, base_url=server.base_url)
    assert r.returncode == 2 and ".xlsx, .csv or .parquet" in r.stderr
    assert not (tmp_path / "x.docx").exists()


def test_chat_tables_undo_redo_and_save(data: list[Path], tmp_path: Path) -> None:
    before = [digest(p) for p in data]
    replies = [
        fenced("SELECT * FROM \"orders\" WHERE \"地区\" = '华东'"),
        fenced('SELECT * FROM "筛选1" LEFT JOIN "customers" USING ("客户ID")'),
    ]
    stdin = """把华东的订单单独拿出来
和客户表合并
/tables
/undo
/tables
/redo
/save joined.csv
/save src.parquet orders
/save bad.txt
导出成 Excel
/undo
/undo
/undo
/quit
"""
    with ScriptedOpenAIServer(replies) as server:
        r = run_cli(["chat", *map(str, data)], cwd=tmp_path, base_url=server.base_url, stdin=stdin)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert '已生成新表 "筛选1"' in out and '已生成新表 "合并2"' in out
    assert "合并2  (2 rows × 5 columns) · made by: 和客户表合并  ← latest" in out
    assert "SQL: SELECT * FROM \"筛选1\" LEFT JOIN" in out
    assert "undone: 合并2; latest table: 筛选1" in out and "redone: 合并2" in out
    assert out.count("orders  (3 rows × 4 columns)") == 2
    assert (tmp_path / "joined.csv").read_text(encoding="utf-8-sig").splitlines() == [
        "订单号,客户ID,地区,销售额,客户名",
        "1,C1,华东,100,甲公司",
        "3,C1,华东,300,甲公司",
    ]
    assert pq.read_table(tmp_path / "src.parquet").num_rows == 3
    assert "end the file name with .xlsx, .csv or .parquet" in r.stderr and not (tmp_path / "bad.txt").exists()
    ws = openpyxl.load_workbook(tmp_path / "合并2.xlsx").active  # "导出成 Excel": named after the table
    assert ws.max_row == 3 and ws["E2"].value == "甲公司"
    assert "nothing to undo" in r.stderr
    assert [digest(p) for p in data] == before
