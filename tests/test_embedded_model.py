"""The real embedded model end to end: Chinese and English questions with known answers (slow).

Runs only where the model is installed (`make test` installs it). One model load for the module;
questions run one after another (never in parallel on 2 cores).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tablepilot import Session
from tablepilot.llm.model_store import status

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def model_path() -> Path:
    pytest.importorskip("llama_cpp", reason="needs the [local] extra: make install")
    st = status("default")
    if not st.exists:
        pytest.skip("embedded model not installed: run `tablepilot model install`")
    return Path(st.path)


@pytest.fixture(scope="module")
def sales(model_path: Path) -> Iterator[Session]:
    with Session([EXAMPLES / "sales.csv"], backend="llama.cpp", model=str(model_path)) as s:
        yield s


@pytest.fixture(scope="module")
def shop(model_path: Path) -> Iterator[Session]:
    with Session(
        [EXAMPLES / "orders.csv", EXAMPLES / "customers.csv"], backend="llama.cpp", model=str(model_path)
    ) as s:
        yield s


def truth(session: Session, sql: str) -> list[str]:
    """The known answer, computed from the same data by a hand-written query."""
    from tablepilot.answer_text import answer_values

    return answer_values(session.engine.execute(sql))


ZH = [
    ("哪个地区的销售额最高？", 'SELECT "地区" FROM "sales" GROUP BY 1 ORDER BY SUM("销售额") DESC LIMIT 1'),
    ("一共有多少条记录？", 'SELECT COUNT(*) FROM "sales"'),
    ("数量最多的一条记录是哪个产品？", 'SELECT "产品" FROM "sales" ORDER BY "数量" DESC LIMIT 1'),
    ("华东地区的总销售额是多少？", "SELECT SUM(\"销售额\") FROM \"sales\" WHERE \"地区\" = '华东'"),
]

EN = [
    ("How many customers are there?", 'SELECT COUNT(*) FROM "customers"'),
    ("Which city is Acme GmbH in?", "SELECT \"city\" FROM \"customers\" WHERE \"name\" = 'Acme GmbH'"),
    ("How many orders have the status refunded?", "SELECT COUNT(*) FROM \"orders\" WHERE \"status\" = 'refunded'"),
    ("What is the largest order amount?", 'SELECT MAX("amount") FROM "orders"'),
]


@pytest.mark.parametrize(("question", "sql"), ZH, ids=[q for q, _ in ZH])
def test_chinese_questions(sales: Session, question: str, sql: str) -> None:
    sales.reset()  # each question stands alone
    answer = sales.ask(question)
    assert answer.error is None, (answer.error, answer.attempts)
    assert answer.answer == truth(sales, sql), answer.sql
    assert answer.backend == "llama.cpp" and answer.sql
    assert answer.text.startswith("答案")


@pytest.mark.parametrize(("question", "sql"), EN, ids=[q for q, _ in EN])
def test_english_questions(shop: Session, question: str, sql: str) -> None:
    shop.reset()
    answer = shop.ask(question)
    assert answer.error is None, (answer.error, answer.attempts)
    assert answer.answer == truth(shop, sql), answer.sql
    assert answer.text.startswith("Answer")
