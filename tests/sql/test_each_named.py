"""One aggregate over named rows, grouped by the name when the question asks for each."""

from __future__ import annotations

import pytest

from tablepilot.sql.each_named import averages_averages, grouped_by_named

NAMES = ("臻湖苑", "学府悦城")


@pytest.mark.parametrize(
    "where",
    [
        "\"项目名称\" IN ('臻湖苑', '学府悦城')",
        "(\"项目名称\" = '臻湖苑' OR \"项目名称\" = '学府悦城') AND \"年月\" = '2022年09月'",
    ],
)
def test_an_aggregate_over_the_named_rows_is_taken_per_name(where: str) -> None:
    sql = f'SELECT AVG("成交均价") FROM "t" WHERE {where}'
    grouped = grouped_by_named(sql, "项目名称", NAMES)
    assert grouped is not None
    assert grouped.startswith('SELECT "项目名称", AVG("成交均价") FROM "t" WHERE')
    assert grouped.endswith('GROUP BY "项目名称"')


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT "成交均价" FROM "t" WHERE "项目名称" IN (\'臻湖苑\', \'学府悦城\')',  # no aggregate
        "SELECT COUNT(*) FROM \"t\" WHERE \"项目名称\" IN ('臻湖苑', '学府悦城')",  # a count of both is asked so
        'SELECT AVG("成交均价") FROM "t" WHERE "项目名称" IN (\'臻湖苑\')',  # not the names asked
        'SELECT AVG("成交均价") FROM "t" WHERE "区域" IN (\'臻湖苑\', \'学府悦城\')',  # another column
        'SELECT AVG("成交均价") FROM "t" WHERE "项目名称" IN (\'臻湖苑\', \'学府悦城\') GROUP BY "区域"',
    ],
)
def test_other_queries_are_left_alone(sql: str) -> None:
    assert grouped_by_named(sql, "项目名称", NAMES) is None


def test_an_average_of_a_column_of_averages_is_told_apart() -> None:
    assert averages_averages('SELECT AVG("成交均价") FROM "t" WHERE "项目名称" IN (\'臻湖苑\', \'学府悦城\')')
    assert averages_averages('SELECT AVG("Win rate") FROM "t"')
    assert not averages_averages('SELECT AVG("成交套数") FROM "t"')  # a count per row: its average is asked
    assert not averages_averages('SELECT SUM("成交均价") FROM "t"')
