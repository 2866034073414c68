"""'The difference between A and B' is a size: a negative result is asked again as ABS(…)."""

from __future__ import annotations

import pytest

from tablepilot.answer import ResultTable
from tablepilot.sql.absolute import absolute_sql, asks_size_of_difference, is_negative_value


@pytest.mark.parametrize(
    ("question", "unsigned"),
    [
        ("what is the difference between the 2008 and 2009 scores?", True),
        ("A公司与B公司的营业总成本之间的差额是多少？", True),
        ("两家公司的收入相差多少？", True),
        ("how many more points did Ann score than Bo?", False),
        ("营业收入比上年增长了多少？", False),
        ("what was the change in population between 2000 and 2010?", False),
        ("how many teams are there?", False),
    ],
)
def test_which_questions_ask_for_the_size_of_a_difference(question: str, unsigned: bool) -> None:
    assert asks_size_of_difference(question) is unsigned


def test_only_one_negative_number_is_a_negative_value() -> None:
    assert is_negative_value(ResultTable(["d"], [[-3.5]]))
    assert not is_negative_value(ResultTable(["d"], [[3.5]]))
    assert not is_negative_value(ResultTable(["d"], [[-1], [-2]]))
    assert not is_negative_value(ResultTable(["a", "d"], [["x", -2]]))
    assert not is_negative_value(ResultTable(["d"], [["-2 km"]]))


def test_the_one_selected_expression_is_wrapped_keeping_its_name() -> None:
    assert absolute_sql(
        'SELECT (SELECT "v" FROM "t" WHERE "k" = \'a\') - (SELECT "v" FROM "t" WHERE "k" = \'b\')'
    ) == ('SELECT ABS((SELECT "v" FROM "t" WHERE "k" = \'a\') - (SELECT "v" FROM "t" WHERE "k" = \'b\'))')
    assert (
        absolute_sql('SELECT MAX("x") - MIN("x") AS "gap" FROM "t"')
        == 'SELECT ABS(MAX("x") - MIN("x")) AS "gap" FROM "t"'
    )


@pytest.mark.parametrize(
    "sql", ['SELECT "a", "b" FROM "t"', 'SELECT * FROM "t"', "SELECT 1 UNION SELECT 2", "SELEC"]
)
def test_other_shapes_are_left_alone(sql: str) -> None:
    assert absolute_sql(sql) is None
