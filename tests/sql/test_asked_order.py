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
        # labels asked for after the measures, not as "by …", take their place too
        (
            "How many students are there in each major?",
            'SELECT "Major", COUNT(*) FROM "Student" GROUP BY "Major"',
            'SELECT COUNT(*), "Major" FROM "Student" GROUP BY "Major"',
        ),
        (
            "Find the number and average age of students living in each city.",
            "SELECT city_code, COUNT(*) AS n, AVG(age) AS a FROM Student GROUP BY city_code",
            "SELECT COUNT(*) AS n, AVG(age) AS a, city_code FROM Student GROUP BY city_code",
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
        # a breakdown asked for "by" / "per" its labels keeps them first
        ("total amount by region", "SELECT region, SUM(amount) AS total FROM sales GROUP BY region"),
        ("average price per month", "SELECT month, AVG(price) FROM sales GROUP BY month"),
        ("What are the ages and names?", "SELECT name FROM p"),
    ],
)
def test_queries_in_order_or_not_placed_are_left_alone(question: str, sql: str) -> None:
    assert in_asked_order(sql, question) is None
