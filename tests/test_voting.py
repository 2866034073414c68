"""Choosing among sampled queries by their answers."""

from __future__ import annotations

from tablepilot.answer import ResultTable
from tablepilot.voting import Candidate, answer_key, choose


def keys(*values: str | None) -> list[Candidate]:
    return [Candidate(None if v is None else (v,)) for v in values]


def test_greedy_stays_unless_a_larger_group_of_two_agrees_elsewhere() -> None:
    assert choose(keys("a", "b", "b")) == 1
    assert choose(keys("a", "b", "a", "b")) == 0  # a tie keeps the greedy one
    assert choose(keys("a", "b", "c")) == 0  # lone disagreements do not move it
    assert choose(keys("a", None, "b", "b", "b")) == 2
    assert choose(keys("a")) == 0 and choose([]) == 0


def test_without_a_greedy_vote_the_largest_group_wins_and_its_first_member_is_kept() -> None:
    assert choose(keys(None, "b", "c", "c")) == 2
    assert choose(keys(None, "b", "c")) == 1
    assert choose(keys(None, None)) == 0


def test_answers_agree_across_case_spacing_order_and_number_form() -> None:
    one = ResultTable(["x"], [["South  Africa"], [1234.0]])
    other = ResultTable(["y"], [["1,234"], ["south africa"]])
    assert answer_key("which?", one) == answer_key("which?", other)
    assert answer_key("which?", ResultTable(["x"], [["Kenya"]])) != answer_key("which?", one)
