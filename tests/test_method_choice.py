"""Which path a question takes, and how Python code is pulled out of a reply."""

from __future__ import annotations

import pytest

from tablepilot.catalog import ColumnInfo, TableInfo
from tablepilot.method_choice import choose_method
from tablepilot.python_path import extract_code, frame_names


@pytest.mark.parametrize(
    "question",
    [
        "What is the correlation between price and quantity?",
        "Is there a linear trend in revenue? Give the slope.",
        "How many outliers are there in amount by the IQR rule?",
        "percent change of sales between 2022 and 2023 for each region",
        "What is the growth rate of revenue per region?",
        "Forecast next month's orders",
        "What is the standard deviation of salary?",
        "价格和销量的相关系数是多少？",
        "各地区销售额的同比增长率",
        "用四分位距法有多少个异常值？",
        "销售额随年份的线性趋势斜率是多少？",
        "预测下个月的销量",
    ],
)
def test_statistics_questions_go_to_python(question: str) -> None:
    assert choose_method(question) == "python"


@pytest.mark.parametrize(
    "question",
    [
        "哪个地区的销售额最高？",
        "monthly revenue trend for 2023",
        "How many orders were placed in March?",
        "What is the average price?",
        "平均工资是多少",
        "Which team scored the most goals?",
        "列出所有华东的订单",
        "what was the difference in points between the first and second place?",
    ],
)
def test_ordinary_questions_stay_in_sql(question: str) -> None:
    assert choose_method(question) == "sql"


def test_an_explicit_method_wins() -> None:
    assert choose_method("哪个地区的销售额最高？", "python") == "python"
    assert choose_method("correlation of a and b", "sql") == "sql"


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        ("```python\nresult = df['a'].mean()\n```", "result = df['a'].mean()"),
        ("Here:\n```py\nx = 1\nresult = x\n```\nDone.", "x = 1\nresult = x"),
        ("```\nresult = 2\n```", "result = 2"),
        ("```python\nresult = 3", "result = 3"),  # cut at the stop sequence
        ("```sql\nSELECT 1\n```\n```python\nresult = 4\n```", "result = 4"),
        ("result = df.a.corr(df.b)", "result = df.a.corr(df.b)"),
        ("I cannot do that.", None),
        ("SELECT 1", None),
    ],
)
def test_extract_code(reply: str, code: str | None) -> None:
    assert extract_code(reply) == code


def _table(name: str) -> TableInfo:
    return TableInfo(name=name, columns=(ColumnInfo("a", "BIGINT"),), row_count=1)


def test_frame_names_say_how_to_reach_each_table() -> None:
    assert frame_names([_table("sales")]) == "`sales` (also `df`)"
    assert frame_names([_table("sales"), _table("客户 表"), _table("df")]) == (
        "`sales`, `tables['客户 表']`, `tables['df']`"
    )
