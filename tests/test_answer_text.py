"""Answer values and the sentence come from the result only; the question picks the columns."""

from __future__ import annotations

import pytest

from tablepilot.answer import ResultTable
from tablepilot.answer_text import (
    answer_values,
    asked_direction,
    asked_parts,
    asks_named_thing,
    asks_yes_no,
    compose_text,
    focus_columns,
)


@pytest.mark.parametrize(
    ("question", "columns", "rows", "focus"),
    [
        ("哪些小区的均价最高？", ["项目名称", "成交均价"], [["古北壹号", 85000]], [0]),
        ("which team scored most?", ["points", "team"], [[79, "Málaga CF"]], [1]),
        ("how many games did Reds win?", ["team", "wins"], [["Reds", 12]], [1]),
        ("total amount by region", ["region", "total"], [["East", 2000], ["West", 1000]], None),
        ("what are the first and last names?", ["first", "last"], [["Ann", "Lee"]], None),
        ("how many rows?", ["n"], [[3]], None),
        # names asked for: the measure the query ordered by is context
        (
            "Find the names of the top 2 departments by courses?",
            ["dept_name", "total"],
            [["Finance", 9], ["Art", 3]],
            [0],
        ),
        ("What are the names and ages of the players?", ["name", "age"], [["Ann", 30], ["Bo", 31]], None),
        (
            "What are the student IDs and middle names of the students?",
            ["id", "middle"],
            [[1, "Al"], [2, "Bo"]],
            None,
        ),
        (
            "What are the titles with the highest rating and what are those ratings?",
            ["title", "r"],
            [["Up", 4.5]],
            None,
        ),
        # a breakdown by numbered majors: the major named is each row's label, not the answer
        ("How many students are there in each major?", ["Major", "count"], [[50, 2], [600, 18]], None),
        # 总 is part of the measure's name here, not a request for a total
        ("哪家公司的营业总成本更低？", ["企业名称", "营业总成本"], [["三巽控股", 17.65]], [0]),
        ("华南的总销售额是多少？", ["地区", "销售额"], [["华南", 350]], [1]),
        ("what is the total points of the reds?", ["team", "points"], [["Reds", 12]], [1]),
        ("厂房属于什么类别的资产，其账面价值是多少？", ["资产类别", "账面价值"], [["固定资产", 3.2e7]], None),
        # the question names the number column too: both are asked for
        (
            "因为什么被抵押,占总资产的比例告诉我下",
            ["发生原因", "占总资产的比例%"],
            [["银行贷款", 14.96]],
            None,
        ),
        (
            "which team has the most points?",
            ["team", "points"],
            [["Reds", 12]],
            [0],
        ),  # the measure is context
        # a superlative compares by the measure it names: the name is the answer
        ("which team has the largest margin of victory?", ["Winner", "margin"], [["Syracuse", 28]], [0]),
        # several number columns and no labels: the one the question names
        (
            "上年同期的净利润和存货周转率分别是多少？",
            ["本期", "上年同期", "增减比例%"],
            [["-59,559,343.23", "-37,376,016.76", "59.3%"], ["0.91", "0.66", ""]],
            [1],
        ),
        ("what were the home and away scores?", ["home", "away"], [[3, 1]], None),
        # the others are named in part ("期末和期初余额", "上期与本期的…金额") or repeat its header
        ("待抵扣进项税期末和期初余额是多少？", ["期末余额", "期初余额"], [["48,782.21", "8,758.32"]], None),
        (
            "上期与本期的主营业务收入金额分别为多少,变动比例是多少？",
            ["本期金额", "上期金额", "变动比例%"],
            [["23,672,290.98", "25,523,985.02", "-7.25"]],
            None,
        ),
        (
            "QGA,QGB系列气缸的最大行程S是多少mm？",
            ["QGA,QGB系列气缸", "QGA,QGB系列气缸_2"],
            [["500", "800"]],
            None,
        ),
        # an either-or question names the measure it compares: the name is still the answer
        (
            "是A公司的营业总成本高，还是B公司的营业总成本高？",
            ["企业名称", "年份", "营业总成本"],
            [["B公司", 2022, 666.71]],
            [0],
        ),
    ],
)
def test_focus_columns(
    question: str, columns: list[str], rows: list[list[object]], focus: list[int] | None
) -> None:
    assert focus_columns(question, ResultTable(columns, rows)) == focus


def test_values_and_text_only_use_result_cells() -> None:
    result = ResultTable(["地区", "total"], [["华南", 350.0]])
    assert answer_values(result, question="哪个地区最高？") == ["华南"]
    assert compose_text("哪个地区最高？", result) == "答案：华南（地区 = 华南, total = 350）"
    assert compose_text("list it", result) == "Answer: 地区 = 华南, total = 350"
    assert answer_values(ResultTable(["x"], [[2.5], [3.0]])) == ["2.5", "3"]
    assert compose_text("how many?", ResultTable(["n"], [])).startswith("The query returned no rows")


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("哪一个的容积率更低呢？", True),
        ("who has more points, ana silva or tom berg?", True),
        ("哪几个地区的销售额超过 100？", True),
        ("which year had the most games?", False),
        ("哪一年的收入最高？", False),
        ("哪个地区有多少家门店？", False),
        ("how many teams are there?", False),
        ("at the 2006 race, did oriol servia or katherine legge complete more laps?", True),
        ("Falcon 还是 Orbit 的积分更高？", True),
        ("how many more laps did a or b complete?", False),
        ("did a or b win the race?", False),
        ("List names of all pilot aged 30 or younger in descending alphabetical order.", False),
        ("What are the employee ids for those who had two or more jobs.", False),
        ("has frits pirard won more or less than bert oosterbosch?", False),
        ("在2022年，是瑞安房地产有限公司的营业总成本低，还是众安集团有限公司的营业总成本低？", True),
        ("是瑞安房地产有限公司还是众安集团有限公司的营业总成本是多少？", False),
    ],
)
def test_asks_named_thing(question: str, named: bool) -> None:
    assert asks_named_thing(question) is named


def test_amounts_per_label_answer_a_quantity_question() -> None:
    result = ResultTable(["项目", "本期金额"], [["人工成本", 3507558.89], ["折旧费", 464865.96]])
    display = {"本期金额": {3507558.89: "3,507,558.89", 464865.96: "464,865.96"}}
    assert answer_values(result, display, "公司各个项目的本期金额是多少？") == ["3,507,558.89", "464,865.96"]
    assert answer_values(result, display, "列出所有项目") == ["人工成本", "折旧费"]


def test_an_empty_cell_of_a_one_row_answer_is_no_value() -> None:
    result = ResultTable(["本期", "上年同期", "增减比例%"], [[1.35, 1.97, None]])
    assert answer_values(result, None, "本期和上年同期的周转率分别是多少？") == ["1.35", "1.97"]
    assert answer_values(ResultTable(["a", "b"], [[None, None]]), None, "what?") == ["", ""]


def test_empty_cells_of_a_list_are_no_values() -> None:
    scores = ResultTable(["Score"], [[""], ["26"], [None], ["16"]])
    assert answer_values(scores, None, "what is the score by bedford in each game at home?") == ["26", "16"]
    two = ResultTable(["Score", "Date"], [["", "16 October"], ["39", "2 April"]])
    assert answer_values(two, None, "what scores did bedford get at home?") == ["39"]
    assert answer_values(ResultTable(["Score"], [[""], [None]]), None, "scores?") == ["", ""]


def test_clauses_that_each_ask_something() -> None:
    assert asked_parts("房屋建筑物折旧采用什么方法,折旧年限是多少年？") == [
        "房屋建筑物折旧采用什么方法",
        "折旧年限是多少年？",
    ]
    assert asked_parts("给上海竞天科技股份有限公司做担保的是谁，担保金额是多少？") == [
        "给上海竞天科技股份有限公司做担保的是谁",
        "担保金额是多少？",
    ]
    assert asked_parts("你是否知道，QGA,QGB系列气缸的最大行程S是多少mm？") == [
        "QGB系列气缸的最大行程S是多少mm？"
    ]
    assert len(asked_parts("哪个地区的销售额最高？")) == 1
    assert asked_parts("which team scored most, and how many points?") == []  # Chinese clauses only


def test_a_yes_no_question_is_answered_from_what_its_query_returned() -> None:
    q = "were any towers established before the year 1800?"
    assert asks_yes_no(q) and not asks_yes_no("did fairfield or waverley have inside cylinders?")
    assert not asks_yes_no("which towers were established before 1800?")
    assert answer_values(ResultTable(["Name"], []), question=q) == ["no"]
    assert answer_values(ResultTable(["Name"], [["Eiffel"]]), question=q) == ["yes"]
    assert answer_values(ResultTable(["n"], [[0]]), question=q) == ["no"]
    assert answer_values(ResultTable(["n"], [[True]]), question=q) == ["yes"]
    assert answer_values(ResultTable(["x"], [["No"]]), question=q) == ["no"]
    assert compose_text(q, ResultTable(["Name"], [])) == "Answer: no (the query returned no rows)"
    assert compose_text(q, ResultTable(["Name"], [["A"], ["B"]])) == "Answer: yes (the query returned 2 rows)"


def test_columns_the_question_lists_are_all_kept() -> None:
    result = ResultTable(["engineer_id", "first_name", "last_name"], [[8, "Etha", "Reinger"]])
    listed = (
        "Among those engineers who have visited, which engineer makes the least number of visits? "
        "List the engineer id, first name and last name."
    )
    assert focus_columns(listed, result) is None
    assert answer_values(result, question=listed) == ["8", "Etha", "Reinger"]
    # the same comparison without the list keeps only the asked-for column
    assert focus_columns(listed.split("?")[0] + "?", result) == [0]


@pytest.mark.parametrize(
    ("question", "larger"),
    [
        ("是A的营业总收入少，还是B的营业总收入少？", False),
        ("是A还是B的利润更高？", True),
        ("哪一家公司的负债更低，是A还是B？", False),
        ("did falcon or orbit complete more laps?", True),
        ("which is smaller, a or b?", False),
        ("A与B的营业总收入分别是多少？", None),  # 多少 asks an amount, it compares nothing
        ("did A or B have fewer wins and more losses?", None),
    ],
)
def test_the_way_a_comparison_points(question: str, larger: bool | None) -> None:
    assert asked_direction(question) is larger


@pytest.mark.parametrize(
    ("question", "cells", "values"),
    [
        (
            "what year was number 445 and 446 entered into service?",
            ["24-5-1910", "30-4-1910"],
            ["1910", "1910"],
        ),
        ("in which year did the tower open?", ["June 5, 1998"], ["1998"]),
        ("哪一年开业？", ["2019-07-01"], ["2019"]),
        ("when was number 445 entered into service?", ["24-5-1910"], ["24-5-1910"]),  # a date was asked
        ("which year and month did it open?", ["June 5, 1998"], ["June 5, 1998"]),
        ("which years did they win?", ["2012–13"], ["2012–13"]),  # a season, not a date
        ("what year did they win?", ["1998", "June 5, 1998"], ["1998", "June 5, 1998"]),  # not all dates
    ],
)
def test_a_year_asked_is_answered_with_the_years_of_dates(
    question: str, cells: list[str], values: list[str]
) -> None:
    assert answer_values(ResultTable(columns=["Date"], rows=[[c] for c in cells]), None, question) == values


def test_a_second_sentence_saying_what_to_return_keeps_the_count_as_context() -> None:
    result = ResultTable(["city", "n"], [["Rome", 9]])
    assert focus_columns("Which city has the most students? Return the city name.", result) == [0]
    assert focus_columns("Which city has the most students, and what is that number?", result) is None


def test_a_list_of_columns_without_a_listing_verb_is_kept() -> None:
    # "id" is customer_id without the table's word; the most orders only picks the customer
    result = ResultTable(["customer_last_name", "customer_id", "phone_number"], [["Glover", 10, "197-955-3766"]])
    question = "What is the customer last name, id and phone number with most number of orders?"
    assert focus_columns(question, result) is None
    # without the list, the comparison keeps the asked-for thing
    assert focus_columns("What is the customer id with the most number of orders?", result) == [1]
