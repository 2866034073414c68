"""Which requests are table operations (and which kind), which are saves, and which are questions."""

from __future__ import annotations

import pytest

from tablepilot.workspace.intent import classify

OPERATIONS = [
    # Chinese
    ("把华东的订单单独拿出来", "filter"),
    ("筛选出2023年的订单", "filter"),
    ("只保留销售额大于100的记录", "filter"),
    ("把退货的订单剔除", "filter"),
    ("把城市为空的行去掉", "dropna"),
    ("删除销售额为空的行", "dropna"),
    ("加一列利润率 = (销售额 - 成本) / 销售额", "compute"),
    ("新增一列 利润 = 销售额 - 成本", "compute"),
    ("增加一个字段：大单标记", "compute"),
    ("按月份透视，地区做列", "pivot"),
    ("把地区作为列，月份作为行，做个透视", "pivot"),
    ("行转列", "pivot"),
    ("把1月到12月这几列转成两列", "unpivot"),
    ("逆透视月份列", "unpivot"),
    ("去掉重复的订单号", "dedupe"),
    ("去重", "dedupe"),
    ("能帮我去掉重复的订单号吗？", "dedupe"),
    ("和客户表合并", "join"),
    ("把客户表的城市信息带过来", "join"),
    ("按客户ID关联客户表", "join"),
    ("把两张表上下合并", "union"),
    ("按销售额从高到低排序", "sort"),
    ("把它按日期升序排列", "sort"),
    ("把城市的空值填充为未知", "fill"),
    ("缺失的城市填上未知", "fill"),
    ("把日期转换成日期类型", "convert"),
    ("把金额转成数字", "convert"),
    ("把 城市 列重命名为 所在城市", "rename"),
    ("删除成本这一列", "select"),
    ("只保留订单号、客户和销售额这几列", "select"),
    ("按地区汇总成一张表", "aggregate"),
    ("生成一张按地区汇总的表", "aggregate"),
    ("把销售额前10的客户拿出来", "topn"),
    ("随机抽100行", "sample"),
    ("抽样50条", "sample"),
    ("把它命名为华东订单", "name"),
    # English
    ("keep only 2023 orders", "filter"),
    ("filter the rows where region is East", "filter"),
    ("remove rows with missing city", "dropna"),
    ("add a column margin = (revenue - cost) / revenue", "compute"),
    ("pivot by month with regions as columns", "pivot"),
    ("unpivot the month columns", "unpivot"),
    ("melt the table", "unpivot"),
    ("remove duplicate order ids", "dedupe"),
    ("deduplicate the orders", "dedupe"),
    ("merge with the customers table", "join"),
    ("join it with customers on customer_id", "join"),
    ("append the 2024 orders to the 2023 orders", "union"),
    ("sort by revenue", "sort"),
    ("order it by date descending", "sort"),
    ("fill missing 城市 with 未知", "fill"),
    ("convert 日期 to date", "convert"),
    ("rename the city column to town", "rename"),
    ("drop the cost column", "select"),
    ("keep the top 10 customers by revenue", "topn"),
    ("sample 100 rows", "sample"),
    ("make a summary table of revenue by region", "aggregate"),
    ("call it east_orders", "name"),
]

QUESTIONS = [
    "哪个地区销售额最高？",
    "每个地区的总销售额是多少？",
    "只看2023年的呢？",
    "去重后还剩多少行？",
    "有没有重复的订单号？",
    "按地区汇总销售额",
    "销售额前10的客户有哪些？",
    "前一年的销售额",
    "总销售额",
    "统计客户表里每个城市的客户数",
    "这几列是什么意思？",
    "Which region has the highest sales?",
    "How many rows are left after removing duplicates?",
    "What is the total revenue?",
    "top 10 customers",
    "List the top 3 products by sales",
    "When was the first order placed?",
    "Is there any order above 1000?",
    "average revenue per region",
    "",
]


@pytest.mark.parametrize(("text", "kind"), OPERATIONS)
def test_operations_are_recognised(text: str, kind: str) -> None:
    intent = classify(text)
    assert intent is not None and intent.makes_table, text
    assert intent.kind == kind, (text, intent.kinds)
    assert not intent.export


@pytest.mark.parametrize("text", QUESTIONS)
def test_questions_stay_questions(text: str) -> None:
    assert classify(text) is None


@pytest.mark.parametrize(
    ("text", "fmt", "path"),
    [
        ("导出成 Excel", "xlsx", None),
        ("导出为csv", "csv", None),
        ("保存成 parquet 文件", "parquet", None),
        ("把结果导出到 华东订单.xlsx", "xlsx", "华东订单.xlsx"),
        ("export it", None, None),
        ("save it as out/east.csv", "csv", "out/east.csv"),
        ("download as excel", "xlsx", None),
    ],
)
def test_saves_are_recognised_with_format_and_path(text: str, fmt: str | None, path: str | None) -> None:
    intent = classify(text)
    assert intent is not None and intent.export and not intent.makes_table
    assert intent.export_format == fmt and intent.export_path == path


def test_an_operation_and_a_save_in_one_request() -> None:
    intent = classify("把华东的订单拿出来，导出成Excel")
    assert intent is not None and intent.kind == "filter" and intent.export and intent.export_format == "xlsx"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("把华东的订单拿出来，命名为 华东订单", "华东订单"),
        ("把它命名为“大单”", "大单"),
        ("filter the rows where region is East and call it east_orders", "east_orders"),
        ("rename it to big_orders", "big_orders"),
        ("把 城市 列重命名为 所在城市", None),  # a column's new name, not the table's
        ("把华东的订单拿出来", None),
    ],
)
def test_a_requested_table_name_is_picked_up(text: str, name: str | None) -> None:
    intent = classify(text)
    assert intent is not None and intent.name == name
