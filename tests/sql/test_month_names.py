"""Month numbers selected for "which month" are written as names by the query itself."""

from __future__ import annotations

import duckdb
import pytest

from tablepilot.sql.month_names import asks_month, named_months


@pytest.mark.parametrize(
    "selected",
    ["month(d)", "EXTRACT(MONTH FROM d)", "DATE_PART('month', d)", "CAST(strftime(d, '%m') AS INT)"],
)
def test_each_way_of_writing_the_month_number_becomes_the_name(selected: str) -> None:
    sql = f"SELECT {selected} AS m, COUNT(*) AS n FROM t GROUP BY {selected} ORDER BY n DESC LIMIT 1"
    named = named_months(sql)
    assert named is not None
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES (DATE '2020-04-02'), (DATE '2020-04-09')) v(d)")
    assert con.execute(named).fetchall() == [("April", 2)]
    chinese = named_months(sql, chinese=True)
    assert chinese is not None and con.execute(chinese).fetchall() == [("4月", 2)]


def test_left_alone_when_ordered_by_the_month_or_no_month_is_selected() -> None:
    assert named_months("SELECT month(d) AS m FROM t ORDER BY m") is None
    assert named_months("SELECT month(d), COUNT(*) FROM t GROUP BY 1 ORDER BY 1") is None
    assert named_months("SELECT year(d) FROM t") is None
    assert named_months("SELECT month(d) FROM t UNION SELECT 1") is None


def test_which_questions_ask_for_a_month() -> None:
    assert asks_month("which month were the least amount of games held in?")
    assert asks_month("哪个月的销售额最高？")
    assert not asks_month("how many games were held in april?")
