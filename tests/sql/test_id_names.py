"""A key selected where the question asks about the things it points at shows their names."""

from __future__ import annotations

import duckdb
import pytest

from tablepilot.engines.joins import ForeignKey
from tablepilot.sql.id_names import names_for_ids

COLUMNS = {
    "cinema": ["Cinema_ID", "Name", "Capacity"],
    "schedule": ["Cinema_ID", "Film_ID", "Show_times_per_day"],
    "film": ["Film_ID", "Title"],
    "review": ["Film_ID", "stars"],
}
KEYS = [
    ForeignKey("schedule", ("Cinema_ID",), "cinema", ("Cinema_ID",)),
    ForeignKey("schedule", ("Film_ID",), "film", ("Film_ID",)),
]


def test_each_cinema_is_shown_by_its_name_and_two_of_one_name_stay_two() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE cinema (Cinema_ID INT, Name TEXT, Capacity INT)")
    con.execute("CREATE TABLE schedule (Cinema_ID INT, Film_ID INT, Show_times_per_day INT)")
    con.execute("INSERT INTO cinema VALUES (1, 'Oriel', 100), (2, 'Codling', 80), (3, 'Oriel', 50)")
    con.execute("INSERT INTO schedule VALUES (1, 1, 5), (2, 1, 4), (2, 2, 6), (3, 2, 2)")
    sql = 'SELECT "Cinema_ID", SUM("Show_times_per_day") FROM "schedule" GROUP BY "Cinema_ID"'
    found = names_for_ids(
        "What is the total number of show times per day for each cinema?", sql, COLUMNS, KEYS
    )
    assert found is not None
    mended, key, name = found
    assert (key, name) == ("Cinema_ID", "Name")
    assert sorted(con.execute(mended).fetchall()) == [("Codling", 10), ("Oriel", 2), ("Oriel", 5)]


def test_the_key_of_an_aliased_table_in_a_picked_group() -> None:
    sql = "SELECT Film_ID FROM schedule AS s GROUP BY Film_ID ORDER BY COUNT(*) DESC LIMIT 1"
    found = names_for_ids("Which film has the most shows?", sql, COLUMNS, KEYS)
    assert found is not None and found[0] == (
        'SELECT "named"."Title" FROM schedule AS s JOIN "film" AS "named" ON "named"."Film_ID" = s.Film_ID '
        'GROUP BY s.Film_ID, "named"."Title" ORDER BY COUNT(*) DESC LIMIT 1'
    )


@pytest.mark.parametrize(
    ("question", "sql"),
    [
        ("What is the id of the cinema with most shows?", 'SELECT "Cinema_ID" FROM "schedule" LIMIT 1'),
        (
            "How many shows are on each day?",
            'SELECT "Cinema_ID", COUNT(*) FROM "schedule" GROUP BY 1',
        ),  # no cinema
        (
            "Which film has the best review?",
            'SELECT "Film_ID" FROM "review" ORDER BY stars DESC LIMIT 1',
        ),  # no key
        (
            "Which cinema?",
            'SELECT s."Cinema_ID" FROM "schedule" AS s JOIN film AS f ON f.Film_ID = s.Film_ID',
        ),
        ("Which cinema?", "SELECT FROM WHERE"),
    ],
)
def test_left_alone(question: str, sql: str) -> None:
    assert names_for_ids(question, sql, COLUMNS, KEYS) is None
