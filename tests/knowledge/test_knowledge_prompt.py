"""What the model is told: knowledge in the stable prefix, aliases and confirmed examples per question."""

from __future__ import annotations

from pathlib import Path

import pytest

from tablepilot import Session
from tablepilot.errors import GuardError, QueryError
from tablepilot.knowledge import ColumnNote, Example, Knowledge, Metric, TableNote, ValueAlias, load
from tablepilot.knowledge.prompt import annotate, knowledge_block
from tablepilot.knowledge.retrieve import BM25, rank, similar_examples, tokens
from tablepilot.llm.fake import FakeLLM
from tablepilot.pipeline import AskOptions, opening_messages, system_text

DATA = """c1,c2,qty_1,qty_2,amt_x
上海,手机,10,1,1000
江苏,电脑,5,0,5000
浙江,手机,8,2,800
北京,电脑,3,1,3000
"""
KNOWLEDGE = Knowledge(
    tables={
        "sales": TableNote(
            description="每笔订单一行",
            columns={"qty_2": ColumnNote("退货数量", ["退货"]), "amt_x": ColumnNote("销售额（元）")},
        )
    },
    aliases={"华东": ValueAlias(column="c1", values=["上海", "江苏", "浙江"])},
    metrics={"GMV": Metric("sum(amt_x)", description="成交总额")},
)


@pytest.fixture()
def sales(tmp_path: Path) -> Path:
    p = tmp_path / "sales.csv"
    p.write_text(DATA, encoding="utf-8")
    return p


def fenced(sql: str) -> str:
    return f"```sql\n{sql}\n```"


def test_descriptions_go_into_the_lines_they_explain() -> None:
    text = 'Table "sales" (4 rows)\n  "qty_2" BIGINT -- 0 .. 2\n  "amt_x" BIGINT\n  "c1" VARCHAR -- 4 values'
    out = annotate(text, KNOWLEDGE).split("\n")
    assert out[1] == "  -- 每笔订单一行"
    assert out[2] == '  "qty_2" BIGINT -- 退货数量 (also: 退货); 0 .. 2'
    assert out[3] == '  "amt_x" BIGINT -- 销售额（元）'
    assert out[4] == '  "c1" VARCHAR -- 4 values'  # no note: unchanged


def test_knowledge_is_in_the_stable_prefix_and_question_items_after_it(sales: Path) -> None:
    llm = FakeLLM([fenced('SELECT SUM("qty_2") FROM "sales"')] * 2)
    with Session([sales], llm=llm, knowledge=KNOWLEDGE) as s:
        s.ask("退货一共多少？")
        s.reset()
        s.ask("华东的退货数量是多少？")
    first, second = llm.prompts
    assert system_text(first) == system_text(second)  # same system prompt → the KV cache is reused
    system = system_text(first)
    assert '"qty_2" BIGINT -- 退货数量 (also: 退货)' in system and '"GMV" = SUM("amt_x") -- 成交总额' in system
    assert "华东" not in system  # aliases go with the question that uses them
    assert "'华东' means \"c1\" IN ('上海', '江苏', '浙江')" in second[-1].content
    assert "华东" not in first[-1].content


def test_without_knowledge_the_prompt_is_unchanged(sales: Path) -> None:
    prompts = []
    for knowledge in (Knowledge(), None):
        llm = FakeLLM([fenced('SELECT COUNT(*) FROM "sales"')])
        with Session([sales], llm=llm, knowledge=knowledge) as s:
            a = s.ask("how many rows?")
        assert a.answer == ["4"] and a.metrics == [] and a.explanation is None
        prompts.append(llm.prompts[0])
    assert prompts[0] == prompts[1]
    assert "Business rules" not in system_text(prompts[0])


def test_knowledge_block_keeps_relevant_metrics_within_budget() -> None:
    k = Knowledge(metrics={f"指标{i}": Metric(f"sum(x{i})", description=f"第{i}号指标") for i in range(40)})
    k.metrics["退货率"] = Metric("sum(qty_2) / sum(qty_1)", description="退货数量占销售数量的比例")
    full = knowledge_block(k, "", 10_000)
    assert full.count("\n- ") == 41
    small = knowledge_block(k, "上个月的退货率是多少？", 100)
    assert '"退货率"' in small and small.count("\n- ") < 5


def test_bm25_prefers_shared_rare_units_in_chinese_and_english() -> None:
    docs = [tokens(t) for t in ["华东地区的销售额", "退货数量最多的产品", "top customers by revenue", "销售额最高的产品"]]
    scores = BM25(docs).scores(tokens("哪个产品的退货数量最多"))
    assert max(range(4), key=lambda i: scores[i]) == 1
    assert rank("revenue of the top customers", ["a b", "top customers by revenue"])[0][0] == 1
    assert rank("完全无关", ["销售额"]) == []


def test_similar_examples_are_picked_and_unrelated_ones_are_not() -> None:
    k = Knowledge(
        examples=[
            Example("华东的GMV是多少？", "SELECT 1"),
            Example("哪个产品退货最多？", "SELECT 2"),
            Example("how many customers are there?", "SELECT 3"),
        ]
    )
    assert [e.sql for e in similar_examples(k, "华南的GMV是多少？")] == ["SELECT 1"]
    assert [e.sql for e in similar_examples(k, "How many customers?")] == ["SELECT 3"]
    assert similar_examples(k, "平均单价") == []


def test_confirmed_example_becomes_a_few_shot_turn_for_a_similar_question(sales: Path, tmp_path: Path) -> None:
    right = "SELECT SUM(\"qty_2\") FROM \"sales\" WHERE \"c1\" IN ('上海', '江苏', '浙江')"
    llm = FakeLLM([fenced('SELECT SUM("qty_1") FROM "sales"')])
    with Session([sales], llm=llm) as s:
        wrong = s.ask("华东的退货数量是多少？")
        assert wrong.answer == ["26"]
        fixed = s.confirm(sql=right)  # /fix
        assert fixed.answer == ["3"] and s.history[-1].sql == right and len(s.history) == 1
        assert s.knowledge_path == tmp_path / "sales.knowledge.yaml"
    saved = load(tmp_path / "sales.knowledge.yaml")
    assert saved.examples == [Example("华东的退货数量是多少？", right)]

    llm = FakeLLM([fenced(right), fenced('SELECT COUNT(*) FROM "sales"')])
    with Session([sales], llm=llm) as s:  # a new session finds the file next to the data
        assert s.ask("华北的退货数量是多少？").error is None
        s.reset()
        assert s.ask("how many rows?").error is None
    similar, unrelated = llm.prompts
    n = len(opening_messages())  # the worked examples, then the tables
    assert [m.role for m in similar[n:]] == ["user", "assistant", "user"]
    assert similar[n].content == "Question: 华东的退货数量是多少？" and right in similar[n + 1].content
    assert [m.role for m in unrelated[n:]] == ["user"]


def test_good_confirms_the_last_answer_and_bad_sql_is_not_stored(sales: Path, tmp_path: Path) -> None:
    path = tmp_path / "elsewhere" / "k.yaml"
    llm = FakeLLM([fenced('SELECT COUNT(*) FROM "sales"')])
    with Session([sales], llm=llm, knowledge=path, options=AskOptions(explain=True)) as s:
        a = s.ask("how many rows?")
        assert a.explanation and "Read the table sales" in a.explanation
        s.confirm()  # /good
        assert len(s.history) == 1
        with pytest.raises(GuardError):
            s.confirm(sql="DELETE FROM sales")
        with pytest.raises(QueryError):
            s.confirm(sql='SELECT "nope" FROM "sales"')
    assert load(path).examples == [Example("how many rows?", 'SELECT COUNT(*) FROM "sales"')]
    assert not (tmp_path / "sales.knowledge.yaml").exists()  # --knowledge FILE wins over the default place


def test_column_notes_stop_at_their_budget() -> None:
    wide = Knowledge(tables={"t": TableNote(columns={f"c{i}": ColumnNote("这是一个很长的列说明" * 5) for i in range(30)})})
    text = "\n".join(['Table "t" (1 rows)', *(f'  "c{i}" BIGINT' for i in range(30))])
    out = annotate(text, wide, budget_tokens=100)
    noted = [line for line in out.split("\n") if " -- " in line]
    assert 2 <= len(noted) < 10 and all(line.endswith("…") for line in noted)
    assert noted[0].startswith('  "c0" BIGINT -- ')  # in table order, so the prefix stays stable
