"""How many things, answered with a measure of them, is counted instead."""

from __future__ import annotations

import pytest

from tablepilot.sql.counted_rows import counted_thing, rows_counted

LAND = "武汉市经济开发区土地成交信息表"
NAMES = ["地块名称", "所属集团", "城市区域"]


@pytest.mark.parametrize(
    ("question", "thing"),
    [
        ("请问在2020年7月，武汉市经济开发区一共成交了多少地块？", "地块"),  # 地块 in 地块名称
        ("一共成交了多少块土地", "块土地"),  # a measure word
        ("这家公司拿了几宗地", "宗地"),
        ("有几个小区成交", "个小区"),
    ],
)
def test_a_thing_counted_one_per_row(question: str, thing: str) -> None:
    assert counted_thing(question, LAND, NAMES) == thing


@pytest.mark.parametrize(
    "question",
    [
        "一共卖了多少钱？",
        "成交总价一共是多少？",  # no noun: the amount itself
        "成交了多少套房子？",  # 套 measures the 成交套数 column, not the rows
        "期末余额是多少？",
        "多少余额",  # a measure the table does not name as its rows
        "how many plots were sold?",
    ],
)
def test_amounts_and_units_are_not_counted(question: str) -> None:
    assert counted_thing(question, LAND, NAMES) is None


def test_a_sum_or_a_listed_measure_becomes_the_count_of_the_same_rows() -> None:
    where = "FROM t WHERE \"城市区域\" = '武汉市经济开发区'"
    assert rows_counted(f'SELECT SUM("成交总价") {where}', "地块") == f"SELECT COUNT(*) {where}"
    assert rows_counted(f'SELECT "成交总价" {where} ORDER BY 1', "地块") == f"SELECT COUNT(*) {where}"


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT SUM("成交套数") FROM t',  # the noun's own column: summing it is counting
        'SELECT "城市区域", SUM("成交总价") FROM t GROUP BY 1',
        "SELECT COUNT(*) FROM t",
        'SELECT AVG("成交总价") FROM t',
        'SELECT "成交总价" FROM t ORDER BY 1 DESC LIMIT 1',
        "SELECT FROM WHERE",
    ],
)
def test_other_queries_are_left_alone(sql: str) -> None:
    assert rows_counted(sql, "套房") is None
