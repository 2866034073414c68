"""The question's duration compared in seconds (run on real DuckDB)."""

from __future__ import annotations

import duckdb
import pytest

from tablepilot.sql.durations import question_seconds, seconds_as_asked


@pytest.mark.parametrize(
    ("question", "seconds"),
    [
        ("how many athletes took at least an hour and 32 minutes?", 5520),
        ("how many skiers finished under the 39 minute mark?", 2340),
        ("who ran it in 2 hours, 5 minutes and 3 seconds?", 7503),
        ("who won by a 1-minute lead?", 60),
        ("how many finished between 2 hours and 3 hours?", None),  # two durations
        ("who won in 1990?", None),
    ],
)
def test_one_duration_in_words_is_read_in_seconds(question: str, seconds: float | None) -> None:
    assert question_seconds(question) == seconds


def test_the_number_compared_with_seconds_is_the_questions_duration() -> None:
    con = duckdb.connect()
    con.execute('CREATE TABLE race ("Name" VARCHAR, "Time" VARCHAR, "Time_seconds" DOUBLE)')
    con.execute("INSERT INTO race VALUES ('A', '37:10', 2230), ('B', '38:50', 2330), ('C', '40:00', 2400)")
    question = "how many skiers finished under the 39 minute mark?"
    sql = 'SELECT COUNT(*) FROM "race" WHERE "Time_seconds" <= 2160'  # 36 minutes: the model's sum
    assert con.execute(sql).fetchall() == [(0,)]
    mended = seconds_as_asked(sql, question)
    assert mended is not None
    assert mended[0] == 'SELECT COUNT(*) FROM "race" WHERE "Time_seconds" <= 2340'
    assert con.execute(mended[0]).fetchall() == [(2,)]
    assert "2340 seconds" in mended[1] and "not with 2160" in mended[1]


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT COUNT(*) FROM "race" WHERE "Time_seconds" <= 2340',  # already right
        'SELECT COUNT(*) FROM "race" WHERE "Time_seconds" <= 2160 OR "Time_seconds" > 9000',  # two numbers
        'SELECT COUNT(*) FROM "race" WHERE "Time_seconds" <= (SELECT MIN("Time_seconds") + 60 FROM "race")',
        'SELECT COUNT(*) FROM "race" WHERE "Place" <= 3',
    ],
)
def test_other_comparisons_are_left_alone(sql: str) -> None:
    assert seconds_as_asked(sql, "how many skiers finished under the 39 minute mark?") is None
