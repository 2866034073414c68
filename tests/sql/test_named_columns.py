"""A second column the question names beside the selected one is selected too."""

from __future__ import annotations

import pytest

from tablepilot.sql.named_columns import mentioned_spans, with_named_columns

FX = ["项目", "期末外币余额", "折算汇率", "期末折算人民币余额"]


def test_two_columns_joined_by_and_are_both_selected_in_the_question_order() -> None:
    sql = 'SELECT "期末折算人民币余额" FROM t WHERE "项目" = \'其中：美元\''
    assert with_named_columns("美元的期末外币余额和期末折算人民币余额分别是多少？", sql, FX) == (
        'SELECT "期末外币余额", "期末折算人民币余额" FROM t WHERE "项目" = \'其中：美元\''
    )


def test_a_second_question_about_another_column_adds_it() -> None:
    sql = 'SELECT "存货周转率" FROM t WHERE "column_1" = \'本期\''
    columns = ["column_1", "应收账款周转率", "存货周转率"]
    assert with_named_columns("本期应收账款周转率是多少，存货周转率又是多少？", sql, columns) == (
        'SELECT "应收账款周转率", "存货周转率" FROM t WHERE "column_1" = \'本期\''
    )
    english = 'SELECT "Name" FROM t ORDER BY "Goals" DESC LIMIT 1'
    assert with_named_columns(
        "name and position of the top scorer?", english, ["Name", "Position", "Goals"]
    ) == ('SELECT "Name", "Position" FROM t ORDER BY "Goals" DESC LIMIT 1')


@pytest.mark.parametrize(
    ("question", "sql"),
    [
        (
            "which name had the most goals?",
            'SELECT "Name" FROM t ORDER BY "Goals" DESC LIMIT 1',
        ),  # goals: the order
        ("the name of the player whose position is fw", 'SELECT "Name" FROM t'),  # far apart, no "and"
        ("name and goals of the top scorer", 'SELECT "Name" FROM t ORDER BY "Goals" DESC LIMIT 1'),  # in use
        ("name and position?", 'SELECT MAX("Name") FROM t'),
        ("name and position?", 'SELECT "Name" FROM t JOIN u ON t.a = u.a'),
        ("name and position?", "SELECT FROM WHERE"),
    ],
)
def test_left_alone(question: str, sql: str) -> None:
    assert with_named_columns(question, sql, ["Name", "Position", "Goals"]) is None


def test_a_name_inside_a_longer_named_column_is_not_a_mention_of_its_own() -> None:
    spans = mentioned_spans("期末折算人民币余额是多少", ["期末折算人民币余额", "人民币余额", "余额"])
    assert list(spans) == ["期末折算人民币余额"]


def test_each_of_two_clauses_asking_about_its_own_column() -> None:
    sql = 'SELECT "本年增加" FROM t WHERE "项目" = \'其他资本公积\''
    columns = ["项目", "年初余额", "本年增加", "年末余额"]
    assert with_named_columns("该公司年初余额的其他资本公积有多少,本年增加了多少？", sql, columns) == (
        'SELECT "年初余额", "本年增加" FROM t WHERE "项目" = \'其他资本公积\''
    )
    # the other clause asks nothing: a condition, not a second request
    assert with_named_columns("年初余额不为零的项目，本年增加了多少？", sql, columns) is None


def test_two_columns_named_with_their_shared_part_written_once() -> None:
    growth = ["column_1", "营业收入增长率%", "净利润增长率%", "总资产增长率%"]
    sql = 'SELECT "净利润增长率%" FROM t WHERE "column_1" = \'本期\''
    assert with_named_columns("帮忙查查本期营业收入和净利润的增长率", sql, growth) == (
        'SELECT "净利润增长率%", "营业收入增长率%" FROM t WHERE "column_1" = \'本期\''
    )
    balances = ["项目", "期末余额", "期初余额"]
    sql = 'SELECT "期初余额" FROM t WHERE "项目" = \'待抵扣进项税\''
    assert with_named_columns("企业的待抵扣进项税期末和期初余额是多少？", sql, balances) == (
        'SELECT "期末余额", "期初余额" FROM t WHERE "项目" = \'待抵扣进项税\''
    )
    assert with_named_columns("企业的待抵扣进项税期初余额是多少？", sql, balances) is None
