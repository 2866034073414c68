"""Amounts asked in 万 or 亿, tried in 万 when their scaled form found nothing."""

from __future__ import annotations

import pytest

from tablepilot.sql.wan_amounts import amounts_in_wan, asked_amounts


def test_amounts_are_read_with_their_unit() -> None:
    assert asked_amounts("营业利润超过3000万、不到1.5亿、2千万以上") == [
        (3000, 3000),
        (1.5, 15000),
        (2, 2000),
    ]
    assert asked_amounts("how many over 3000?") == []


@pytest.mark.parametrize(
    ("question", "written", "read"),
    [
        ("营业利润超过了3000万？", "30000000", "3000"),
        ("超过了1亿元？", "100000000", "10000"),
        ("超过了1亿元？", "10000000", "10000"),
    ],
)
def test_a_scaled_amount_is_read_in_wan(question: str, written: str, read: str) -> None:
    sql = f'SELECT "企业名称" FROM t WHERE "营业利润" > {written} AND "年份" = \'2022\''
    assert amounts_in_wan(sql, question) == (
        f'SELECT "企业名称" FROM t WHERE "营业利润" > {read} AND "年份" = \'2022\'',
        [written],
    )


@pytest.mark.parametrize(
    ("question", "sql"),
    [
        ("营业利润超过了3000万？", 'SELECT 1 FROM t WHERE "营业利润" > 3000'),  # already in 万
        ("营业利润超过了3000万？", 'SELECT 1 FROM t WHERE "营业利润" > 4500000'),  # not the amount asked
        ("营业利润超过了3000？", 'SELECT 1 FROM t WHERE "营业利润" > 30000000'),  # no unit asked
        ("营业利润超过了3000万？", "SELECT 1 FROM t WHERE \"年份\" = '30000000'"),  # text
    ],
)
def test_other_numbers_stay(question: str, sql: str) -> None:
    assert amounts_in_wan(sql, question) is None
