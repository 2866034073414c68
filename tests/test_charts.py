"""The chart recommender: result shape + question → chart kind (or none), and the spec it builds."""

from __future__ import annotations

import datetime as dt
import decimal
import json
from typing import Any

import pytest

from tablepilot.charts import SCHEMA, chart_title, field_ref, recommend_chart, requested_chart_type

REGIONS = [["华东", 1200.5], ["华北", 800], ["华南", 950], ["西南", 400], ["东北", 300]]
MONTHS = [[f"2023-{m:02d}", 100 + m * 13] for m in range(1, 13)]
CATEGORIES_12 = [[f"品类{i}", 100 * i] for i in range(1, 13)]
SALARIES = [[3000 + (i * 137) % 9000] for i in range(200)]
PEOPLE = [[f"员工{i}", 3000 + (i * 137) % 9000] for i in range(200)]
CITIES = [["北京", 100, 120], ["上海", 150, 160], ["广州", 90, 110], ["深圳", 130, 170]]
REGION_MONTHS = [[f"2023-{m:02d}-01", r, 100 + m * 10 + i] for m in range(1, 7) for i, r in enumerate("ABC")]
YEARS = [[y, 1000 + (y - 2015) * 50] for y in range(2015, 2024)]
PAIRS = [[i * 3.5, (i * 7) % 50 / 10] for i in range(40)]
MANY = [[f"product {i}", i * 10] for i in range(80)]
LIST = [[i, f"order-{i}", f"客户{i % 7}", "2024-01-0" + str(i % 9 + 1), i * 2.5] for i in range(1, 30)]

# (question, columns, rows, expected chart kind or None)
CASES: list[tuple[str, list[str], list[list[Any]], str | None]] = [
    # sorted bar: compare / top / rank / each
    ("各地区销售额对比", ["地区", "销售额"], REGIONS, "bar"),
    ("哪个地区销售额最高", ["地区", "销售额"], REGIONS, "bar"),
    ("Compare revenue by region", ["region", "revenue"], [["East", 5], ["West", 7], ["North", 2]], "bar"),
    ("Top 10 products by sales", ["product", "sales"], [[f"p{i}", 100 - i] for i in range(10)], "bar"),
    ("销售额排名前80的产品", ["产品", "销售额"], MANY, "bar"),  # top-N lifts the 50-category cap
    ("各城市2022和2023年销售额", ["城市", "2022年", "2023年"], CITIES, "grouped_bar"),
    ("Sales and profit per store", ["store", "sales", "profit"], [["a", 1, 2], ["b", 3, 1]], "grouped_bar"),
    # line: trend words with a date-like or ordered x
    ("2023年每月销售额趋势", ["月份", "销售额"], MONTHS, "line"),
    ("Monthly revenue trend", ["month", "revenue"], MONTHS, "line"),
    ("revenue over time", ["day", "revenue"], [[dt.date(2024, 1, d), d * 2] for d in range(1, 20)], "line"),
    ("每年的订单数", ["year", "orders"], YEARS, "line"),
    ("按月统计销售额", ["月份", "销售额"], [[f"{m}月", m * 3] for m in range(1, 13)], "line"),
    ("各地区每月销售额趋势", ["月份", "地区", "销售额"], REGION_MONTHS, "multi_line"),
    (
        "收入和成本的月度变化",
        ["月份", "收入", "成本"],
        [[f"2023-{m:02d}", m, m / 2] for m in range(1, 7)],
        "multi_line",
    ),
    ("sales by year", ["year", "sales"], YEARS, "line"),
    ("对比2022和2023年的销售额", ["年份", "销售额"], [[2022, 10], [2023, 12]], "bar"),
    # share → pie (≤ 8) or share-sorted bar
    ("各产品类别销售额占比", ["类别", "销售额"], REGIONS, "pie"),
    ("What share of sales does each channel have?", ["channel", "sales"], [["web", 5], ["shop", 3]], "pie"),
    ("各品类销售额的构成", ["品类", "销售额"], CATEGORIES_12, "bar"),
    ("percentage of users by country", ["country", "users"], [[f"c{i}", i] for i in range(1, 20)], "bar"),
    (
        "各地区各渠道销售额占比",
        ["地区", "渠道", "销售额"],
        [["华东", "线上", 5], ["华东", "线下", 3], ["华北", "线上", 2]],
        "stacked_bar",
    ),
    ("线上和线下销售额占比", ["线上", "线下"], [[300, 700]], "pie"),
    ("Q1 vs Q2 revenue", ["q1", "q2"], [[300, 700]], "bar"),
    # distribution → histogram
    ("员工工资分布", ["工资"], SALARIES, "histogram"),
    ("distribution of order amounts", ["amount"], SALARIES, "histogram"),
    ("员工工资的分布情况", ["姓名", "工资"], PEOPLE, "histogram"),
    ("各年龄段人数分布", ["年龄段", "人数"], [["0-18", 5], ["19-30", 20], ["31-50", 15], ["51+", 7]], "bar"),
    # two numeric columns → scatter
    ("price vs rating", ["price", "rating"], PAIRS, "scatter"),
    ("价格和评分的关系", ["价格", "评分"], PAIRS, "scatter"),
    # explicit requests override intent words when feasible
    ("各地区销售额，画成饼图", ["地区", "销售额"], REGIONS, "pie"),
    ("各地区销售额趋势 用柱状图", ["月份", "销售额"], MONTHS, "bar"),
    ("show revenue as a line chart by region", ["region", "revenue"], REGIONS, "line"),
    ("销售额占比，用面积图", ["月份", "销售额"], MONTHS, "area"),
    ("价格的直方图", ["产品", "价格"], PEOPLE, "histogram"),
    ("价格和评分画散点图", ["价格", "评分"], PAIRS, "scatter"),
    ("各城市销售额画成饼图", ["城市", "利润"], [["a", -5], ["b", 10], ["c", 3]], "bar"),  # negative: no pie
    ("工资画成折线图", ["工资"], SALARIES, None),  # no x for a line, and a bare list is no chart
    # no chart
    ("总销售额是多少", ["总销售额"], [[12345.6]], None),
    ("how many customers", ["count"], [[42]], None),
    ("华东的销售额", ["地区", "销售额"], [["华东", 1200]], None),
    ("列出所有客户的名字", ["姓名", "城市"], [["张三", "北京"], ["李四", "上海"]], None),
    ("all product names", ["name"], [["a"], ["b"]], None),
    ("各地区销售额", ["地区", "销售额"], [], None),
    ("各产品销售额", ["产品", "销售额"], MANY, None),  # > 50 categories without top-N
    ("list all orders", ["id", "order_no", "customer", "date", "amount"], LIST, None),
    ("list order amounts", ["amount"], SALARIES, None),
    (
        "客户名单及消费",
        ["客户", "消费"],
        [["张三", 5], ["张三", 7], ["李四", 1]],
        None,
    ),  # repeated labels: a listing
]


def kind_of(spec: dict[str, Any] | None) -> str | None:
    return None if spec is None else str(spec["usermeta"]["chart"])


def mark_of(spec: dict[str, Any]) -> str:
    mark = spec["mark"] if "mark" in spec else spec["layer"][0]["mark"]
    return str(mark["type"] if isinstance(mark, dict) else mark)


MARKS = {
    "bar": "bar",
    "grouped_bar": "bar",
    "stacked_bar": "bar",
    "histogram": "bar",
    "line": "line",
    "multi_line": "line",
    "area": "area",
    "multi_area": "area",
    "pie": "arc",
    "scatter": "point",
}


def test_case_table_is_large_and_covers_every_kind() -> None:
    assert len(CASES) >= 30
    kinds = {c[3] for c in CASES}
    assert {
        "bar",
        "grouped_bar",
        "stacked_bar",
        "line",
        "multi_line",
        "pie",
        "histogram",
        "scatter",
        "area",
        None,
    } <= kinds
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in q) for q, *_ in CASES)
    assert any(q.isascii() for q, *_ in CASES)


@pytest.mark.parametrize(("question", "columns", "rows", "expected"), CASES, ids=[c[0] for c in CASES])
def test_recommendation(
    question: str, columns: list[str], rows: list[list[Any]], expected: str | None
) -> None:
    spec = recommend_chart(question, columns, rows)
    assert kind_of(spec) == expected
    if spec is not None:
        assert mark_of(spec) == MARKS[expected or ""]
        assert spec["$schema"] == SCHEMA
        values = spec["data"]["values"]
        # inline data: the result rows, or for one row of measures, one row per measure
        assert len(values) in ((1, len(columns)) if len(rows) == 1 else (len(rows),))
        json.dumps(spec, ensure_ascii=False, allow_nan=False)  # the answer's JSON must carry it


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("把结果画成饼图", "pie"),
        ("用饼状图展示", "pie"),
        ("as a line chart by month", "line"),
        ("用折线图显示每月销售额", "line"),
        ("柱状图", "bar"),
        ("画个条形图", "bar"),
        ("show it as a bar chart", "bar"),
        ("散点图", "scatter"),
        ("scatter plot of price and rating", "scatter"),
        ("直方图", "histogram"),
        ("a histogram of ages", "histogram"),
        ("面积图", "area"),
        ("an area chart of revenue", "area"),
        ("各地区销售额", None),
        ("line items per order", None),
        ("which bar sells the most beer", None),
    ],
)
def test_requested_chart_type(question: str, expected: str | None) -> None:
    assert requested_chart_type(question) == expected


def test_explicit_requested_argument_wins_over_question() -> None:
    spec = recommend_chart("各地区销售额对比", ["地区", "销售额"], REGIONS, requested="pie")
    assert kind_of(spec) == "pie"
    # infeasible request (a scatter needs two numeric columns) falls back to the rules
    spec = recommend_chart("各地区销售额对比", ["地区", "销售额"], REGIONS, requested="scatter")
    assert kind_of(spec) == "bar"


def test_bar_is_sorted_descending_with_column_names_as_axis_titles() -> None:
    spec = recommend_chart("各地区销售额对比", ["地区", "销售额"], REGIONS)
    assert spec is not None
    x, y = spec["encoding"]["x"], spec["encoding"]["y"]
    assert (x["field"], x["title"], x["sort"]) == ("地区", "地区", "-y")
    assert (y["field"], y["title"], y["type"]) == ("销售额", "销售额", "quantitative")
    assert y["axis"]["format"] == ",~f"
    assert spec["title"] == "各地区销售额对比"


def test_long_labels_make_a_horizontal_bar() -> None:
    rows = [["Very long product name number one", 5], ["Another quite long product name", 9]]
    spec = recommend_chart("top products by sales", ["product", "sales"], rows)
    assert spec is not None
    assert spec["encoding"]["y"]["field"] == "product"
    assert spec["encoding"]["y"]["sort"] == "-x"
    assert spec["encoding"]["x"]["field"] == "sales"


def test_title_drops_the_request_and_follows_the_language() -> None:
    assert chart_title("各地区销售额，画成饼图") == "各地区销售额"
    assert chart_title("Show revenue by region as a bar chart?") == "Show revenue by region"
    assert chart_title("销售额" * 30).endswith("…") and len(chart_title("销售额" * 30)) == 40
    zh = recommend_chart("员工工资分布", ["工资"], SALARIES)
    en = recommend_chart("salary distribution", ["salary"], SALARIES)
    assert zh is not None and en is not None
    assert zh["encoding"]["y"]["title"] == "数量" and en["encoding"]["y"]["title"] == "count"
    folded_zh = recommend_chart("各城市2022和2023年销售额", ["城市", "2022年", "2023年"], CITIES)
    assert folded_zh is not None and folded_zh["encoding"]["color"]["title"] == "指标"


def test_time_axis_is_temporal_utc_and_formatted_in_the_question_language() -> None:
    zh = recommend_chart("每月销售额趋势", ["月份", "销售额"], MONTHS)
    en = recommend_chart("monthly sales trend", ["month", "sales"], MONTHS)
    assert zh is not None and en is not None
    assert zh["encoding"]["x"]["type"] == "temporal"
    assert zh["encoding"]["x"]["timeUnit"] == "utcyearmonth"
    assert zh["encoding"]["x"]["axis"]["format"] == "%Y年%-m月"
    assert en["encoding"]["x"]["axis"]["format"] == "%b %Y"


def test_python_dates_and_decimals_become_json_values() -> None:
    rows = [[dt.date(2024, m, 1), decimal.Decimal("12.50") * m] for m in range(1, 5)]
    spec = recommend_chart("sales trend", ["month", "sales"], rows)
    assert spec is not None
    assert spec["data"]["values"][0] == {"month": "2024-01-01", "sales": 12.5}


def test_year_column_is_an_ordered_axis_not_a_measure() -> None:
    spec = recommend_chart("每年的订单数", ["year", "orders"], YEARS)
    assert spec is not None
    assert spec["encoding"]["x"]["type"] == "ordinal" and spec["encoding"]["y"]["field"] == "orders"


def test_month_labels_keep_query_order() -> None:
    spec = recommend_chart("按月统计销售额", ["月份", "销售额"], [[f"{m}月", m] for m in range(1, 13)])
    assert spec is not None and spec["encoding"]["x"]["sort"] is None


def test_share_ratio_and_large_numbers_formats() -> None:
    spec = recommend_chart("各地区转化率对比", ["地区", "转化率"], [["a", 0.12], ["b", 0.3]])
    assert spec is not None and spec["encoding"]["y"]["axis"]["format"] == ".1%"
    spec = recommend_chart("revenue by region", ["region", "revenue"], [["a", 2.5e7], ["b", 1e6]])
    assert spec is not None and spec["encoding"]["y"]["axis"]["format"] == "~s"


def test_field_names_with_dots_are_escaped() -> None:
    assert field_ref("a.b[0]") == "a\\.b\\[0\\]"
    spec = recommend_chart("sales by region", ["sum(t.sales)", "t.region"], [[5, "x"], [7, "y"]])
    assert spec is not None
    assert spec["encoding"]["y"]["field"] == "sum(t\\.sales)"
    assert spec["data"]["values"][0] == {"sum(t.sales)": 5, "t.region": "x"}


def test_pie_carries_share_labels() -> None:
    spec = recommend_chart("各产品类别销售额占比", ["类别", "销售额"], REGIONS)
    assert spec is not None
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["arc", "text"]
    assert spec["transform"][0]["joinaggregate"][0]["field"] == "销售额"


def test_id_columns_are_not_measures() -> None:
    rows = [[i, f"n{i}", i * 3] for i in range(5)]
    spec = recommend_chart("sales per customer", ["customer_id", "name", "sales"], rows)
    assert spec is None  # two label columns, one of which is an id: a listing
    spec = recommend_chart("sales per customer", ["customer_id", "sales"], [[i, i * 3] for i in range(5)])
    assert kind_of(spec) == "bar"
    assert spec is not None and spec["encoding"]["x"]["type"] == "nominal"
