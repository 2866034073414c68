"""Questions about the row next to a named one: recognised, and the query shape suggested."""

from __future__ import annotations

import pytest

from tablepilot.row_order import (
    neighbour_direction,
    neighbour_request,
    neighbour_sql,
    only_sorts_by_row_order,
    uses_row_order,
)
from tablepilot.sql.text_filters import TextFilter


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ('what track came after "our time"?', "after"),
        ("who finished next after federica brignone?", "after"),
        ("which swimmer was previous to brazil's contestant?", "before"),
        ("who was drafted before robert alford?", "before"),
        ("on the list, what is the team above team ks?", "before"),
        ("第5周之后的歌曲是什么？", "after"),
        ("上一个季度的销售额是多少", "before"),
    ],
)
def test_neighbour_questions(question: str, expected: str) -> None:
    assert neighbour_direction(question) == expected


@pytest.mark.parametrize(
    "question",
    [
        "how many stations opened before 1926?",
        "how many scorers scored above 15 points?",
        "how many games did they win after december 1, 1968?",
        "previous to 2000 how many albums were released?",
        "after the year 2000, which team won?",
        "what name is above may 1944",
        "who won the most medals?",
        "which came first, before or after the war?",  # both: not one direction
    ],
)
def test_comparisons_and_other_questions_are_not_neighbour_questions(question: str) -> None:
    assert neighbour_direction(question) is None


def test_uses_row_order() -> None:
    assert uses_row_order('SELECT "a" FROM "t" WHERE rowid = (SELECT rowid FROM "t" WHERE "b" = \'x\') + 1')
    assert uses_row_order('SELECT "a", LEAD("a") OVER (ORDER BY "y") FROM "t"')
    assert not uses_row_order('SELECT "a" FROM "t" WHERE "b" = \'x\'')


def test_sorting_by_row_order_is_no_move_from_a_row() -> None:
    assert only_sorts_by_row_order('SELECT "a" FROM "t" WHERE "a" = \'x\' ORDER BY rowid LIMIT 1')
    assert not only_sorts_by_row_order('SELECT "a" FROM "t" ORDER BY rowid LIMIT 1 OFFSET 1')
    assert not only_sorts_by_row_order('SELECT "a" FROM "t" WHERE rowid > 3 ORDER BY rowid LIMIT 1')
    assert not only_sorts_by_row_order('SELECT "a" FROM "t" ORDER BY "a" LIMIT 1')


def test_request_names_the_row_and_the_selected_column() -> None:
    named = TextFilter("songs", "Week", "Week 5")
    request = neighbour_request(
        "what was the song choice after week 5?",
        'SELECT "Song" FROM "songs" WHERE "Week" = \'Week 5\'',
        named,
        "after",
        "returned 'Baby'",
    )
    assert "the row after the one where \"Week\" = 'Week 5'" in request
    assert "but that query returned 'Baby'" in request
    assert (
        'SELECT "Song" FROM "songs" WHERE rowid = (SELECT MAX(rowid) FROM "songs" WHERE "Week" = \'Week 5\') + 1'
        in request
    )


def test_request_for_a_count_before_a_row() -> None:
    named = TextFilter("results", "Nation", "Japan")
    request = neighbour_request(
        "japan finished below how many countries?",
        'SELECT COUNT(*) FROM "results" WHERE "Nation" = \'Japan\'',
        named,
        "before",
        "returned '1'",
    )
    assert 'SELECT COUNT(*) FROM "results" WHERE rowid < (SELECT MIN(rowid) FROM "results"' in request


def test_the_neighbour_query_carries_the_selected_column_or_counts() -> None:
    named = TextFilter("t", "Title", "Get Lost")
    assert neighbour_sql(
        "what album came next after get lost?",
        'SELECT "Album" FROM "t" WHERE "Title" = \'Get Lost\'',
        named,
        "after",
    ) == (
        'SELECT "Album" FROM "t" WHERE rowid = (SELECT MAX(rowid) FROM "t" WHERE "Title" = \'Get Lost\') + 1'
    )
    assert neighbour_sql("how many albums came before get lost?", "SELECT 1", named, "before") == (
        'SELECT COUNT(*) FROM "t" WHERE rowid < (SELECT MIN(rowid) FROM "t" WHERE "Title" = \'Get Lost\')'
    )
    # nothing plain to carry over: no query of its own, the model is asked instead
    assert (
        neighbour_sql("what came after get lost?", 'SELECT UPPER("Album") FROM "t"', named, "after") is None
    )
