"""Metrics: defined once, checked against the data, and computed the same way in every answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from tablepilot import Session
from tablepilot.engines.duckdb_engine import open_sources
from tablepilot.errors import KnowledgeError
from tablepilot.knowledge import Knowledge, Metric, ValueAlias, parse
from tablepilot.knowledge.metrics import metric_sql, parse_metric_definition
from tablepilot.knowledge.rewrite import metrics_used, rewrite_sql
from tablepilot.knowledge.validate import alias_column, check_against_data
from tablepilot.llm.fake import FakeLLM
from tablepilot.pipeline import system_text

ORDERS = """地区,产品,销售额,状态,月份
上海,手机,100,完成,2023-10
上海,电脑,50,退款,2023-11
江苏,手机,300,完成,2023-12
浙江,电脑,70,完成,2024-01
北京,手机,40,退款,2024-02
北京,电脑,200,完成,2024-02
"""
GMV = Metric(sql='sum("销售额")', filter="\"状态\" != '退款'", description="成交总额，不含退款")
#: the true GMV by hand: everything but the refunds
GMV_TOTAL = 100 + 300 + 70 + 200
GMV_EAST = 100 + 300 + 70


@pytest.fixture()
def orders(tmp_path: Path) -> Path:
    p = tmp_path / "orders.csv"
    p.write_text(ORDERS, encoding="utf-8")
    return p


def fenced(sql: str) -> str:
    return f"```sql\n{sql}\n```"


def test_metric_definition_from_the_command_line() -> None:
    name, m = parse_metric_definition("GMV = sum(销售额) where 状态 != '退款'")
    assert name == "GMV" and m.sql == "SUM(销售额)" and m.filter == "状态 <> '退款'"
    assert metric_sql(m) == "SUM(销售额) FILTER(WHERE 状态 <> '退款')"
    name, m = parse_metric_definition("退货率 = sum(case when 状态 = '退款' then 1 else 0 end) / count(*)")
    assert name == "退货率" and m.filter == "" and "CASE WHEN" in m.sql
    _, ratio = parse_metric_definition("客单价 = sum(a) / count(*) where b = 1")
    assert metric_sql(ratio) == "SUM(a) FILTER(WHERE b = 1) / COUNT(*) FILTER(WHERE b = 1)"
    _, row = parse_metric_definition("净额 = a - b where c > 0")
    assert metric_sql(row) == "CASE WHEN c > 0 THEN a - b END"
    for bad in ("no equals sign", "X = sum(a", "X = a FROM t", "X = a, b", "X = a ORDER BY a"):
        with pytest.raises(KnowledgeError):
            parse_metric_definition(bad)


K = Knowledge(metrics={"GMV": GMV}, aliases={"华东": ValueAlias(column="地区", values=["上海", "江苏", "浙江"])})
COLUMNS = ["地区", "产品", "销售额", "状态", "月份", "orders"]


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT "GMV" FROM "orders"',
        "SELECT GMV FROM orders",
        "SELECT gmv() FROM orders",
        'SELECT SUM("GMV") FROM "orders"',
        'SELECT SUM("销售额") AS "GMV" FROM "orders"',
        "SELECT SUM(\"销售额\") FILTER (WHERE \"状态\" <> '退款') AS gmv FROM \"orders\"",
    ],
)
def test_every_spelling_of_a_metric_becomes_its_definition(sql: str) -> None:
    out = rewrite_sql(sql, K, COLUMNS)
    assert "FILTER(WHERE状态<>'退款')" in out.replace('"', "").replace(" ", "") and "SUM(SUM" not in out.upper()
    assert metrics_used(out, K) == ["GMV"]


def test_rewrite_leaves_real_columns_aliases_and_unparseable_sql_alone() -> None:
    k = Knowledge(metrics={"销售额": Metric("sum(销售额) * 2"), "GMV": GMV})
    same = 'SELECT "销售额" FROM "orders" ORDER BY "销售额"'
    assert rewrite_sql(same, k, COLUMNS) == same  # a real column wins over a metric of that name
    ordered = rewrite_sql('SELECT "地区", SUM("销售额") AS "GMV" FROM "orders" GROUP BY 1 ORDER BY "GMV" DESC', k, COLUMNS)
    assert ordered.endswith('ORDER BY "GMV" DESC') and "FILTER" in ordered
    assert rewrite_sql("SELECT FROM WHERE (", k, COLUMNS) == "SELECT FROM WHERE ("
    plain = 'SELECT COUNT(*) FROM "orders"'
    assert rewrite_sql(plain, k, COLUMNS) == plain and metrics_used(plain, k) == []


def test_value_alias_compared_with_equals_becomes_in() -> None:
    out = rewrite_sql("SELECT COUNT(*) FROM orders WHERE \"地区\" = '华东' AND \"产品\" = '手机'", K, COLUMNS)
    assert "地区\" IN ('上海', '江苏', '浙江')" in out and "'手机'" in out
    other = "SELECT COUNT(*) FROM orders WHERE \"产品\" = '华东'"  # another column: untouched
    assert rewrite_sql(other, K, COLUMNS) == other


def test_a_metric_gives_the_same_number_in_every_question(orders: Path) -> None:
    """The model writes the metric in five different ways; every answer is the defined GMV."""
    replies = [
        fenced('SELECT "GMV" FROM "orders"'),
        fenced('SELECT SUM("GMV") AS total FROM "orders"'),
        fenced('SELECT SUM("销售额") AS "GMV" FROM "orders"'),  # its own (wrong) formula, named GMV
        fenced("SELECT GMV() FROM orders"),
        fenced("SELECT \"GMV\" FROM \"orders\" WHERE \"地区\" = '华东'"),
        fenced('SELECT "地区", "GMV" FROM "orders" GROUP BY "地区" ORDER BY 2 DESC'),
    ]
    llm = FakeLLM(replies)
    questions = ["GMV是多少？", "总GMV？", "GMV一共多少", "what is the GMV?", "华东的GMV是多少？", "各地区的GMV"]
    with Session([orders], llm=llm, knowledge=Knowledge(metrics={"GMV": GMV}, aliases=K.aliases)) as s:
        answers = [s.ask(q) for q in questions]
        s.reset()
    for a in answers[:4]:
        assert a.error is None, a.error
        assert a.answer == [str(GMV_TOTAL)], (a.sql, a.answer)
        assert a.metrics == ["GMV"]
    assert answers[0].text == f"答案：{GMV_TOTAL}（按业务指标 GMV 计算）"
    assert answers[3].text == f"Answer: {GMV_TOTAL} (computed with the metric GMV)"
    assert answers[4].answer == [str(GMV_EAST)] and answers[4].metrics == ["GMV"]
    by_region = {row[0]: row[1] for row in answers[5].rows}
    assert by_region == {"上海": 100, "江苏": 300, "浙江": 70, "北京": 200}
    system = system_text(llm.prompts[0])
    assert "\"GMV\" = SUM(\"销售额\") FILTER(WHERE \"状态\" <> '退款')" in system  # the definition is in the prompt


def test_metric_is_checked_against_the_data_with_its_line(orders: Path) -> None:
    engine = open_sources([orders])
    try:
        good = parse('metrics:\n  GMV:\n    sql: sum("销售额")\n    filter: 状态 <> \'退款\'\n', "k.yaml")
        check_against_data(good, engine, "k.yaml")
        cases = {
            'metrics:\n  ok: count(*)\n  bad: sum("金额")\n': (3, "no column 金额"),
            'metrics:\n  bad: sum("状态")\n': (2, "does not run on the data"),  # sum of text
            "filters:\n  - 地区 = 1 +\n": (2, "not valid SQL"),
            "filters:\n  - 地区 > DATE '2020-01-01'\n": (2, "does not run"),
            "tables:\n  orders:\n    columns:\n      qty_9: x\n": (4, "has no column 'qty_9'"),
            "tables:\n  sales: x\n": (2, "no table 'sales'"),
            "aliases:\n  华南:\n    column: 地区\n    values: [广州, 深圳]\n": (2, "holds none of"),
            "examples:\n  - question: q\n    sql: SELECT * FROM secret\n": (2, "refused"),
        }
        for text, (line, needle) in cases.items():
            with pytest.raises(KnowledgeError) as info:
                check_against_data(parse(text, "k.yaml"), engine, "k.yaml")
            assert info.value.data["line"] == line and needle in info.value.message, (text, info.value.message)
            assert f"k.yaml, line {line}:" in info.value.message
        assert alias_column(engine, ["上海", "江苏", "浙江"]) == ("orders", "地区")
    finally:
        engine.close()
