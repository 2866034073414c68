"""Output columns put in the order the question asks for them."""

from __future__ import annotations

import pytest

from tablepilot.sql.asked_order import in_asked_order


@pytest.mark.parametrize(
    ("question", "sql", "mended"),
    [
        (
            "Return the total number of deaths and total damage in millions for storms.",
            'SELECT SUM("Damage_millions_USD") AS d, SUM("Number_Deaths") AS n FROM storm',
            'SELECT SUM("Number_Deaths") AS n, SUM("Damage_millions_USD") AS d FROM storm',
        ),
        (
            "Find the first name, last name and id of the players.",
            "SELECT name_last, name_first, player_id FROM p",
            "SELECT name_first, name_last, player_id FROM p",
        ),
        (
            "What are the names and ids of the players?",
            "SELECT id, name FROM p",
            "SELECT name, id FROM p",
        ),
        (
            "营业收入和净利润分别是多少？",
            'SELECT "净利润", "营业收入" FROM t',
            'SELECT "营业收入", "净利润" FROM t',
        ),
    ],
)
def test_outputs_follow_the_question(question: str, sql: str, mended: str) -> None:
    assert in_asked_order(sql, question) == mended


@pytest.mark.parametrize(
    ("question", "sql"),
    [
        (
            "Show all artist names and the number of exhibitions.",
            'SELECT "Name", COUNT(*) FROM a GROUP BY "Name"',
        ),
        ("What are the names and ages?", "SELECT name, age, city FROM p"),  # city is not asked: no place
        ("How many students in each major?", 'SELECT "Major", COUNT(*) FROM s GROUP BY 1 ORDER BY 2'),
        ("What are the ages and names?", "SELECT * FROM p"),
        # a breakdown keeps its labels first, so the answer lists the majors
        (
            "How many students are there in each major?",
            'SELECT "Major", COUNT(*) FROM "Student" GROUP BY "Major"',
        ),
        ("What are the ages and names?", "SELECT name FROM p"),
    ],
)
def test_queries_in_order_or_not_placed_are_left_alone(question: str, sql: str) -> None:
    assert in_asked_order(sql, question) is None
