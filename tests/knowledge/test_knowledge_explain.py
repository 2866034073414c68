"""`--explain`: the executed SQL told step by step, in the question's language, naming metrics."""

from __future__ import annotations

from tablepilot.knowledge import Knowledge, Metric
from tablepilot.knowledge.explain import explain_sql

K = Knowledge(metrics={"GMV": Metric("sum(销售额)", filter="状态 <> '退款'", description="成交总额，不含退款")})


def test_chinese_explanation_for_a_manager() -> None:
    sql = (
        "SELECT \"地区\", SUM(\"销售额\") FILTER (WHERE \"状态\" <> '退款') AS \"GMV\" FROM \"sales\" "
        "WHERE \"地区\" IN ('上海', '江苏', '浙江') AND \"月份\" BETWEEN '2023-10' AND '2023-12' "
        "GROUP BY \"地区\" ORDER BY \"GMV\" DESC LIMIT 3"
    )
    assert explain_sql(sql, "上季度华东各地区的GMV？", K).split("\n") == [
        "计算过程：",
        "1. 从表 sales 读取数据。",
        "2. 只保留满足条件的行：地区 是 “上海”、“江苏”、“浙江” 之一，并且 月份 在 “2023-10” 和 “2023-12” 之间。",
        "3. 按 地区 分组。",
        "4. 计算并列出：地区、GMV。",
        "5. 按 GMV 从高到低 排序。",
        "6. 只取前 3 行。",
        "7. GMV 是业务指标，定义为 成交总额，不含退款。",
    ]


def test_english_explanation_with_join_like_and_count_distinct() -> None:
    sql = (
        "SELECT COUNT(DISTINCT c.\"name\") FROM \"customers\" c JOIN \"orders\" o ON c.\"id\" = o.\"customer_id\" "
        "WHERE o.\"status\" = 'refunded' AND c.\"city\" ILIKE '%berlin%' AND o.\"note\" IS NOT NULL"
    )
    text = explain_sql(sql, "How many customers in Berlin had a refund?")
    assert text.split("\n") == [
        "How the answer was computed:",
        "1. Read the table customers.",
        "2. Join the table orders (on id is customer_id).",
        "3. Keep only the rows where status is 'refunded' and city contains 'berlin' and note is not empty.",
        "4. Compute and list: the number of different name.",
    ]


def test_ctes_aggregates_and_fallbacks() -> None:
    sql = "WITH m AS (SELECT x, COUNT(*) AS n FROM t GROUP BY x HAVING COUNT(*) > 1) SELECT AVG(n), x % 2 FROM m"
    text = explain_sql(sql, "平均每组有几行？")
    assert "1. 先算出中间结果 m：从表 t 读取数据；按 x 分组；分组后只保留：行数 大于 1；计算并列出：x、行数（记为 n）。" in text
    assert "3. 计算并列出：n 的平均值、x % 2。" in text  # no plain wording: shown as SQL
    assert explain_sql("not sql at all ((", "q") == ""
