"""The top group added to a grouped query that lists every group's measure."""

from __future__ import annotations

import pytest

from tablepilot.sql.group_extreme import top_group


def test_the_one_measure_orders_the_groups_and_one_is_kept() -> None:
    sql = 'SELECT "地区", MAX("销售额") AS m FROM "sales" GROUP BY "地区"'
    assert (
        top_group(sql, True)
        == 'SELECT "地区", MAX("销售额") AS m FROM "sales" GROUP BY "地区" ORDER BY MAX("销售额") DESC LIMIT 1'
    )
    assert str(top_group(sql, False)).endswith('ORDER BY MAX("销售额") ASC LIMIT 1')


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT "地区", SUM("销售额") FROM "sales" GROUP BY "地区" ORDER BY 2 DESC',
        'SELECT "地区", SUM("销售额") FROM "sales" GROUP BY "地区" LIMIT 3',
        'SELECT "地区", SUM("销售额"), COUNT(*) FROM "sales" GROUP BY "地区"',
        'SELECT "地区", "销售额" FROM "sales"',
        'SELECT "地区", SUM("销售额") + 1, "产品" || \'x\' FROM "sales" GROUP BY "地区", "产品"',
        "not sql at all (",
    ],
)
def test_other_queries_are_left_alone(sql: str) -> None:
    assert top_group(sql, True) is None
