"""Business knowledge with the real embedded model: cryptic columns answered right only with knowledge.

The table's names say nothing (``c1``, ``qty_2``, ``amt_x``, status codes 1/2, channel codes A/B);
each question has a known answer computed from the data by hand-written SQL, and a plausible wrong
reading (``qty_1`` for returns, ``amt_y`` for sales…) that gives a different answer — checked without
the model, so the slow test can only pass by reading the knowledge.

Slow tests: one model load for the module, questions one after another (never in parallel).
    pytest -m slow tests/test_knowledge_model.py
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from tablepilot import Session
from tablepilot.answer_text import answer_values
from tablepilot.engines.duckdb_engine import open_sources
from tablepilot.knowledge import ColumnNote, Knowledge, Metric, TableNote, ValueAlias
from tablepilot.llm.base import LLM

REGIONS = ["上海", "江苏", "浙江", "北京", "广东", "四川"]
PRODUCTS = ["手机", "电脑", "耳机", "平板"]
EAST = ("上海", "江苏", "浙江")


def write_orders(path: Path, rows: int = 160, seed: int = 3) -> Path:
    """Orders with cryptic names; returns (qty_2) are rare and unevenly spread, so they rank
    products differently from sold quantities (qty_1), and costs rank regions differently from sales."""
    rng = random.Random(seed)
    lines = ["c1,c2,c3,qty_1,qty_2,amt_x,amt_y,st,d1"]
    for i in range(rows):
        region = rng.choices(REGIONS, weights=[2, 2, 2, 2, 2, 1])[0]  # 四川: fewer orders, sold at a loss
        product = PRODUCTS[rng.randrange(len(PRODUCTS))]
        qty = rng.randint(1, 20) if product != "耳机" else rng.randint(1, 5)  # few sold, many returned
        returned = rng.choice([0, 0, 0, 1, 2]) if product != "耳机" else rng.choice([1, 2, 3, 4])
        price = {"手机": 300, "电脑": 900, "耳机": 40, "平板": 250}[product]
        amount = qty * price
        cost = int(amount * (3.0 if region == "四川" else rng.uniform(0.45, 0.7)))
        status = 2 if rng.random() < 0.15 else 1
        day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
        lines.append(f"{region},{product},{rng.choice('AAB')},{qty},{returned},{amount},{cost},{status},{day}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


KNOWLEDGE = Knowledge(
    tables={
        "orders": TableNote(
            description="每行是一笔订单",
            columns={
                "c1": ColumnNote("省市", ["地区", "省份"]),
                "c2": ColumnNote("产品类别", ["产品"]),
                "c3": ColumnNote("销售渠道：A=线上，B=门店", ["渠道"]),
                "qty_1": ColumnNote("销售数量（件）"),
                "qty_2": ColumnNote("退货数量（件）", ["退货"]),
                "amt_x": ColumnNote("销售额（元）"),
                "amt_y": ColumnNote("成本（元）"),
                "st": ColumnNote("订单状态：1=完成，2=退款"),
                "d1": ColumnNote("下单日期"),
            },
        )
    },
    aliases={
        "华东": ValueAlias(column="c1", values=list(EAST)),
        "线上": ValueAlias(column="c3", values=["A"]),
        "门店": ValueAlias(column="c3", values=["B"]),
    },
    metrics={
        "GMV": Metric("sum(amt_x)", filter="st <> 2", description="成交总额，不含退款订单"),
        "毛利": Metric("sum(amt_x - amt_y)", filter="st = 1", description="完成订单的销售额减成本"),
    },
)

EAST_SQL = "('上海', '江苏', '浙江')"

#: (question, true SQL, a plausible wrong reading that must give a different answer)
QUESTIONS = [
    ("退货数量最多的产品类别是哪个？",
     'SELECT c2 FROM orders GROUP BY c2 ORDER BY SUM(qty_2) DESC LIMIT 1',
     'SELECT c2 FROM orders GROUP BY c2 ORDER BY SUM(qty_1) DESC LIMIT 1'),
    ("一共退货了多少件？", "SELECT SUM(qty_2) FROM orders", "SELECT SUM(qty_1) FROM orders"),
    ("华东的销售额是多少？", f"SELECT SUM(amt_x) FROM orders WHERE c1 IN {EAST_SQL}",
     f"SELECT SUM(amt_y) FROM orders WHERE c1 IN {EAST_SQL}"),
    ("GMV是多少？", "SELECT SUM(amt_x) FROM orders WHERE st <> 2", "SELECT SUM(amt_x) FROM orders"),
    ("华东的GMV是多少？", f"SELECT SUM(amt_x) FROM orders WHERE st <> 2 AND c1 IN {EAST_SQL}",
     f"SELECT SUM(amt_x) FROM orders WHERE c1 IN {EAST_SQL}"),
    ("线上渠道一共卖了多少件？", "SELECT SUM(qty_1) FROM orders WHERE c3 = 'A'", "SELECT SUM(qty_1) FROM orders"),
    ("哪个省市的成本最高？", "SELECT c1 FROM orders GROUP BY c1 ORDER BY SUM(amt_y) DESC LIMIT 1",
     "SELECT c1 FROM orders GROUP BY c1 ORDER BY SUM(amt_x) DESC LIMIT 1"),
    ("有多少笔退款订单？", "SELECT COUNT(*) FROM orders WHERE st = 2", "SELECT COUNT(*) FROM orders"),
    ("毛利是多少？", "SELECT SUM(amt_x - amt_y) FROM orders WHERE st = 1", "SELECT SUM(amt_x) FROM orders"),
    ("What is the total cost of 手机 orders?", "SELECT SUM(amt_y) FROM orders WHERE c2 = '手机'",
     "SELECT SUM(amt_x) FROM orders WHERE c2 = '手机'"),
    ("门店渠道有多少笔订单？", "SELECT COUNT(*) FROM orders WHERE c3 = 'B'", "SELECT COUNT(*) FROM orders"),
    ("北京的平均退货数量是多少？", "SELECT AVG(qty_2) FROM orders WHERE c1 = '北京'",
     "SELECT AVG(qty_1) FROM orders WHERE c1 = '北京'"),
]


def truth(path: Path, sql: str) -> list[str]:
    engine = open_sources([path])
    try:
        return answer_values(engine.execute(sql))
    finally:
        engine.close()


def same(got: list[str], want: list[str]) -> bool:
    """Equal answers; numbers within 0.1 % (a model may round an average)."""
    if len(got) != len(want):
        return False
    for g, w in zip(got, want, strict=True):
        try:
            if not math.isclose(float(g), float(w), rel_tol=1e-3):
                return False
        except ValueError:
            if g.strip() != w.strip():
                return False
    return True


def test_each_question_separates_the_right_reading_from_a_wrong_one(tmp_path: Path) -> None:
    """Without the model: the data is built so that guessing the wrong column gives a wrong answer."""
    data = write_orders(tmp_path / "orders.csv")
    for question, right, wrong in QUESTIONS:
        assert not same(truth(data, right), truth(data, wrong)), question
    assert len(QUESTIONS) >= 10


@pytest.fixture(scope="module")
def llm() -> Iterator[LLM]:
    pytest.importorskip("llama_cpp", reason="needs the [local] extra: make install")
    from tablepilot.llm.llama_cpp import LlamaCppLLM, default_threads
    from tablepilot.llm.model_store import status

    st = status("default")
    if not st.exists:
        pytest.skip("embedded model not installed: run `tablepilot model install`")
    model = LlamaCppLLM(st.path, n_threads=default_threads())
    yield model
    model.close()


def _score(session: Session, data: Path) -> tuple[int, list[str]]:
    right, report = 0, []
    for question, sql, _ in QUESTIONS:
        session.reset()  # each question stands alone
        answer = session.ask(question)
        ok = answer.error is None and same(answer.answer, truth(data, sql))
        right += ok
        report.append(f"{'✓' if ok else '✗'} {question} → {answer.answer} | {answer.sql} | {answer.error}")
    return right, report


@pytest.mark.slow
@pytest.mark.timeout(2400)
def test_knowledge_turns_wrong_answers_into_right_ones(llm: LLM, tmp_path: Path) -> None:
    data = write_orders(tmp_path / "orders.csv")
    with Session([data], llm=llm, knowledge=Knowledge()) as bare:
        without, bare_report = _score(bare, data)
    with Session([data], llm=llm, knowledge=KNOWLEDGE) as taught:
        with_k, taught_report = _score(taught, data)
    report = "\n".join(["with knowledge:", *taught_report, "without:", *bare_report])
    print(report)
    assert with_k >= 8, report
    assert with_k - without >= 3, report


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_a_metric_gives_the_same_number_however_it_is_asked(llm: LLM, tmp_path: Path) -> None:
    data = write_orders(tmp_path / "orders.csv")
    gmv = truth(data, "SELECT SUM(amt_x) FROM orders WHERE st <> 2")
    answers = []
    with Session([data], llm=llm, knowledge=KNOWLEDGE) as s:
        for question in ("GMV是多少？", "总的GMV一共是多少？", "What is the GMV?", "请计算全部订单的GMV"):
            s.reset()
            answers.append(s.ask(question))
    report = "\n".join(f"{a.question} → {a.answer} | {a.sql}" for a in answers)
    for a in answers:
        assert a.error is None and same(a.answer, gmv), report
        assert a.metrics == ["GMV"], report
