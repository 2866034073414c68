"""Finding the values a 'which of A and B' question compares, and whether an answer is one of them."""

from __future__ import annotations

from tablepilot.comparison import Comparison, answers_each, answers_one_of, compared_values, wants_each
from tablepilot.linking import ValueLink


def link(column: str, value: str, matched: str | None = None, contains: bool = False) -> ValueLink:
    return ValueLink("t", column, value, 0.9, matched if matched is not None else value.lower(), contains)


def test_two_values_of_one_column_joined_by_a_conjunction() -> None:
    links = [link("区域", "杭州市桐庐县"), link("项目", "望江月"), link("项目", "富春山健康城")]
    q = "在杭州市桐庐县，望江月和富春山健康城这两个小区，哪个的容积率更低呢？"
    assert compared_values(q, links) == Comparison("t", "项目", ("望江月", "富春山健康城"))
    q = "which place has more jews, durdevo or zabalj?"
    found = compared_values(q, [link("Place", "Đurđevo", "durdevo"), link("Place", "Žabalj", "zabalj")])
    assert found is not None and found.values == ("Đurđevo", "Žabalj")


def test_values_apart_or_of_different_columns_are_no_comparison() -> None:
    q = "which driver from lisbon scored more than the best driver of falcon?"
    assert compared_values(q, [link("Hometown", "Lisbon"), link("Team", "Falcon")]) is None
    apart = [link("Team", "Falcon"), link("Team", "Orbit")]
    assert compared_values("did falcon win before orbit joined?", apart) is None
    assert (
        compared_values("falcon or orbit?", [link("Team", "Falcon"), link("Team", "Orbit", contains=True)])
        is None
    )


def test_the_two_named_apart_in_an_either_or_question() -> None:
    firms = [link("年份", "2022"), link("企业名称", "瑞安房地产"), link("企业名称", "众安集团")]
    q = "在2022年，是瑞安房地产的营业总成本低，还是众安集团的营业总成本更低？"
    assert compared_values(q, firms) == Comparison("t", "企业名称", ("瑞安房地产", "众安集团"))
    q = "did falcon complete more laps than orbit, or fewer?"
    assert compared_values(q, [link("Team", "Falcon"), link("Team", "Orbit")]) is None  # no either-or
    q = "did falcon or the driver of orbit score more?"  # apart, but a choice: still the two
    assert compared_values(q, [link("Team", "Falcon"), link("Team", "Orbit")]) is not None
    # two columns with two values each: which pair is chosen between is not certain
    two = [link("Team", "Falcon"), link("Team", "Orbit"), link("City", "Lisbon"), link("City", "Porto")]
    assert compared_values("是falcon在lisbon得分高，还是orbit在porto得分高？", two) is None


def test_an_answer_is_one_row_holding_one_of_the_values() -> None:
    c = Comparison("t", "项目", ("望江月", "富春山健康城"))
    assert answers_one_of([["富春山健康城"]], c)
    assert answers_one_of([["富春山健康城", 1.2]], c)
    assert not answers_one_of([["杭州市桐庐县"]], c)  # the column it filtered on
    assert not answers_one_of([["望江月"], ["富春山健康城"]], c)  # both, unordered
    assert not answers_one_of([[1.2]], c)


def test_a_list_with_yi_ji_and_its_items_each_wanted() -> None:
    links = [link("项目", "技术转让收入"), link("项目", "药品销售收入"), link("项目", "医疗器械销售收入")]
    q = "上年同期的技术转让收入和 药品销售收入，以及医疗器械销售收入分别有多少？"
    found = compared_values(q, links)
    assert found is not None and len(found.values) == 3
    assert wants_each(q)
    assert not wants_each("技术转让收入和药品销售收入合计多少？")
    assert not wants_each("what is the difference between falcon and orbit?")
    assert not wants_each("what is the number of votes for del norte and el dorado counties?")
    assert wants_each("how many votes did del norte and el dorado get, respectively?")
    assert wants_each("臻湖苑与中建联投学府悦城这两个小区的平均房价分别是多少？")  # each one's average price
    assert not wants_each("臻湖苑与中建联投学府悦城的平均房价是多少？")  # one average of both
    assert not wants_each("A与B的销售额分别相差多少？")
    assert not answers_each([["1.0"]], found) and answers_each([["a", 1], ["b", 2]], found)
