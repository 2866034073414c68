"""A 12-step table conversation with the real embedded model (slow): filter → add a column → dedupe →
sort → join → a question → select columns → pivot → fill → sample, then undo/redo and an XLSX
export that, reopened, has the expected contents; the source files stay byte-identical.

Every step's expected table is computed by a hand-written query over the same sources, so a wrong
SQL from the model fails the step that made it. One model load; steps run one after another.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tablepilot import Session
from tablepilot.answer import Answer
from tablepilot.llm.model_store import status

pytestmark = pytest.mark.slow

REGIONS = ["华东", "华南", "华北"]


def make_orders() -> str:
    lines = ["订单号,客户ID,地区,月份,销售额,成本"]
    for i in range(1, 19):
        region = REGIONS[i % 3]
        month = f"2023-0{1 + (i // 3) % 3}"
        sales = 100 + 37 * i
        lines.append(f"{i},C{1 + i % 5},{region},{month},{sales},{sales * 6 // 10}")
    lines.append(lines[3])  # order 3 (华东) twice: something to de-duplicate
    return "\n".join(lines) + "\n"


CUSTOMERS = "客户ID,客户名,城市\nC1,甲公司,上海\nC2,乙公司,广州\nC3,丙公司,\nC4,丁公司,北京\nC5,戊公司,杭州\n"


@pytest.fixture(scope="module")
def model_path() -> Path:
    pytest.importorskip("llama_cpp", reason="needs the [local] extra: make install")
    st = status("default")
    if not st.exists:
        pytest.skip("embedded model not installed: run `tablepilot model install`")
    return Path(st.path)


@pytest.fixture()
def files(tmp_path: Path) -> list[Path]:
    orders, customers = tmp_path / "orders.csv", tmp_path / "customers.csv"
    orders.write_text(make_orders(), encoding="utf-8")
    customers.write_text(CUSTOMERS, encoding="utf-8")
    return [orders, customers]


@pytest.fixture()
def session(files: list[Path], model_path: Path) -> Iterator[Session]:
    with Session(files, backend="llama.cpp", model=str(model_path)) as s:
        yield s


def digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def truth(session: Session, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in session.engine.execute(sql, max_rows=10_000).rows]


def made(session: Session, request: str) -> tuple[Answer, list[dict[str, Any]]]:
    """Run one operation; it must have made a table. Returns the answer and the new table's rows."""
    answer = session.ask(request)
    assert answer.error is None and answer.table is not None, (request, answer.error, answer.attempts)
    return answer, session.workspace.read(answer.table["name"]).to_pylist()


def test_a_ten_step_table_conversation_ends_in_the_expected_excel_file(
    session: Session, files: list[Path], tmp_path: Path
) -> None:
    before = [digest(p) for p in files]
    s = session

    # 1. filter
    a, t1 = made(s, "把华东的订单单独拿出来")
    east = truth(s, "SELECT \"订单号\", \"销售额\" FROM \"orders\" WHERE \"地区\" = '华东'")
    assert sorted((r["订单号"], r["销售额"]) for r in t1) == sorted(east), a.sql
    assert {r["地区"] for r in t1} == {"华东"} and len(t1[0]) == 6

    # 2. computed column
    a, t2 = made(s, "加一列利润率 = (销售额 - 成本) / 销售额")
    assert len(t2) == len(t1) and "利润率" in t2[0], a.sql
    for r in t2:
        assert math.isclose(float(r["利润率"]), (r["销售额"] - r["成本"]) / r["销售额"], rel_tol=1e-6), a.sql

    # 3. de-duplicate
    a, t3 = made(s, "去掉重复的订单号")
    ids = [r["订单号"] for r in t3]
    assert len(ids) == len(set(ids)) == len({r["订单号"] for r in t1}), a.sql
    assert "利润率" in t3[0], a.sql

    # 4. sort
    a, t4 = made(s, "按销售额从高到低排序")
    sales = [r["销售额"] for r in t4]
    assert sales == sorted(sales, reverse=True) and len(t4) == len(t3), a.sql

    # 5. join
    a, t5 = made(s, "和客户表合并")
    names = dict(truth(s, 'SELECT "客户ID", "客户名" FROM "customers"'))
    assert len(t5) == len(t4) and all(r["客户名"] == names[r["客户ID"]] for r in t5), a.sql
    joined_name = a.table["name"] if a.table else ""

    # 6. a question about the latest table
    a = s.ask("这个表一共有多少行？")
    assert a.error is None and a.answer == [str(len(t5))], (a.sql, a.answer)

    # 7. select columns
    a, t7 = made(s, "只保留 订单号、客户名、销售额、利润率 这几列")
    assert set(t7[0]) == {"订单号", "客户名", "销售额", "利润率"} and len(t7) == len(t5), a.sql
    kept = a.table["name"] if a.table else ""

    # 8. pivot a source table
    a, t8 = made(s, "把 orders 表按月份透视，地区做列，值是销售额的合计")
    assert set(REGIONS) <= set(t8[0]), a.sql
    expected = {
        (m, reg): v
        for m, reg, v in truth(s, 'SELECT "月份", "地区", SUM("销售额") FROM "orders" GROUP BY ALL')
    }
    month_col = next(c for c in t8[0] if c not in REGIONS)
    for r in t8:
        for reg in REGIONS:
            assert (r[reg] or 0) == expected.get((r[month_col], reg), 0), a.sql

    # 9. fill missing values
    a, t9 = made(s, "把客户表里城市为空的填充为 未知")
    assert len(t9) == 5 and sorted(r["城市"] for r in t9) == sorted(["上海", "广州", "未知", "北京", "杭州"]), a.sql

    # 10. sample
    a, t10 = made(s, "从 orders 表中随机抽 5 行")
    assert len(t10) == 5 and set(t10[0]) >= {"订单号", "销售额"}, a.sql

    # 11. undo and redo restore the tables exactly, without the model
    sample_name = a.table["name"] if a.table else ""
    s.undo()
    assert s.workspace.latest is not None and s.workspace.latest.kind == "fill"
    assert sample_name not in s.tables
    s.redo()
    assert s.workspace.read(sample_name).to_pylist() == t10

    # 12. export the table of step 7 and reopen it
    out = s.export(tmp_path / "结果.xlsx", table=kept)
    ws = openpyxl.load_workbook(out).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    header = values[0]
    assert set(header) == {"订单号", "客户名", "销售额", "利润率"}
    got = sorted(tuple(dict(zip(header, v, strict=True))[c] for c in ("订单号", "客户名", "销售额")) for v in values[1:])
    assert got == sorted((r["订单号"], r["客户名"], r["销售额"]) for r in t7)
    assert ws.freeze_panes == "A2" and ws["A1"].font.b
    assert joined_name in s.tables

    assert [digest(p) for p in files] == before
