"""A joined table used only in its own join condition, and not named by the question, is dropped."""

from __future__ import annotations

import pytest

from tablepilot.sql.unused_joins import without_unused_join

ROOMS = (
    'SELECT "Rooms"."roomName" FROM "Reservations" INNER JOIN "Rooms" '
    'ON "Reservations"."Room" = "Rooms"."RoomId" WHERE "Rooms"."bedType" IN (\'King\', \'Queen\')'
)


def test_the_first_table_only_joined_is_dropped() -> None:
    out = without_unused_join(ROOMS, "List the name of rooms with king or queen bed.")
    assert out == (
        'SELECT "Rooms"."roomName" FROM "Rooms" WHERE "Rooms"."bedType" IN (\'King\', \'Queen\')',
        "Reservations",
    )


def test_a_later_table_only_joined_is_dropped() -> None:
    sql = "SELECT T1.title FROM Movie AS T1 JOIN Rating AS T2 ON T1.mID = T2.mID WHERE T1.director = 'X'"
    out = without_unused_join(sql, "What are the titles of movies directed by X?")
    assert out == ("SELECT T1.title FROM Movie AS T1 WHERE T1.director = 'X'", "Rating")


@pytest.mark.parametrize(
    ("sql", "question"),
    [
        (ROOMS, "List the rooms with a king bed that have reservations."),  # named: a condition asked
        (ROOMS, "Which rooms with king beds were reserved?"),  # 'reserved' shares 'reser…'
        (
            "SELECT a.x FROM a JOIN b ON a.id = b.aid JOIN c ON b.cid = c.id WHERE c.y = 1",
            "what x?",
        ),  # b bridges a and c
        ("SELECT a.x FROM a JOIN b ON a.id = b.aid WHERE b.y = 1", "what x?"),  # b filters
        ("SELECT a.x FROM a LEFT JOIN b ON a.id = b.aid", "what x?"),
        ("SELECT x FROM a JOIN b ON a.id = b.aid", "what x?"),  # x of which table?
        ("SELECT a.x FROM a", "what x?"),
    ],
)
def test_tables_used_or_named_stay(sql: str, question: str) -> None:
    assert without_unused_join(sql, question) is None
