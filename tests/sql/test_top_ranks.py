"""Reading "the top N" as the ranks 1..N."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tablepilot.sql.top_ranks import picked_count, ranks_up_to, top_count

RANKS = ["1", "2", "3", "4", "5", "Ret", "DNS"]


def cells_of(values: list[str]) -> Callable[[str], list[str]]:
    return lambda column: values


@pytest.mark.parametrize(
    ("question", "n"),
    [
        ("of those in the top 15 positions, who earned the least points?", 15),
        ("who was the only cuban to finish in the top eight?", 8),
        ("在2020年8月，销量排名前五的小区里，哪一个小区的均价最高？", 5),
        ("前 10 名中有几个", 10),
        ("who stopped at the top?", None),
        ("how many laps did the leader complete?", None),
    ],
)
def test_top_count_reads_digits_and_number_words(question: str, n: int | None) -> None:
    assert top_count(question) == n


def test_a_rank_pinned_to_n_reads_as_the_ranks_up_to_n() -> None:
    sql = 'SELECT "Rider" FROM "t" WHERE "Pos" = \'3\' ORDER BY "Points" LIMIT 1'
    mended = ranks_up_to(sql, 3, cells_of(RANKS))
    assert mended == (
        'SELECT "Rider" FROM "t" WHERE "Pos" IN (\'1\', \'2\', \'3\') ORDER BY "Points" LIMIT 1',
        "Pos",
        [],
    )


def test_the_same_n_on_another_column_is_dropped_and_other_filters_stay() -> None:
    sql = 'SELECT "Rider" FROM "t" WHERE "Pos" = \'3\' AND "Grid" = \'3\' AND "Team" = \'Honda\''
    mended = ranks_up_to(sql, 3, cells_of(["1.", "2.", "3.", "4.", "T5"]))
    assert mended is not None
    assert mended[0] == (
        "SELECT \"Rider\" FROM \"t\" WHERE \"Pos\" IN ('1.', '2.', '3.') AND \"Team\" = 'Honda'"
    )
    assert mended[2] == ["\"Grid\" = '3'"]


def test_a_number_column_gets_numbers() -> None:
    mended = ranks_up_to('SELECT COUNT(*) FROM "t" WHERE "Rank" = 3', 3, cells_of(RANKS))
    assert mended is not None and mended[0] == 'SELECT COUNT(*) FROM "t" WHERE "Rank" IN (1, 2, 3)'


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT "Rider" FROM "t" WHERE "Points" = 3',  # not a rank
        'SELECT "Rider" FROM "t" WHERE "Pos" <= 3',  # already a range
        'SELECT "Rider" FROM "t" WHERE "Pos" = 4',  # another number than the question's
        'SELECT "Rider" FROM "t" WHERE "Pos" = 3 OR "Place" = 3',  # not one condition of the WHERE
        "SELECT 'Rider' FROM",  # does not parse
    ],
)
def test_other_queries_are_left_alone(sql: str) -> None:
    assert ranks_up_to(sql, 3, cells_of(RANKS)) is None


def test_cells_that_are_no_ranks_are_left_alone() -> None:
    sql = 'SELECT "Rider" FROM "t" WHERE "Pos" = \'3\''
    assert ranks_up_to(sql, 3, cells_of(["GK", "DF", "MF", "FW", "3"])) is None
    # car numbers under "Car #": some below 10, but no places 1..10 in turn
    cars = 'SELECT COUNT(*) FROM "t" WHERE "Make" = \'Toyota\' AND "Car #" = \'10\''
    assert ranks_up_to(cars, 10, cells_of(["38", "16", "99", "60", "10", "2", "5", "88"])) is None
    assert ranks_up_to(sql, 3, lambda column: None) is None


@pytest.mark.parametrize(
    ("question", "count"),
    [
        ("请问在2022年12月，上海市浦东新区房价最低的五个小区分别是哪些？", 5),
        ("what are the five lowest scores?", 5),
        ("which 3 teams had the fewest wins?", 3),
        ("the 10 most populous cities", 10),
        ("排名前3的公司", 3),
        ("杭州市拱墅区的五个最高价小区分别是哪几个？", 5),
        ("who won 2 games in the west?", None),
        ("in 2003 the 2 teams won", None),
        ("哪个小区的房价最低？", None),
    ],
)
def test_the_number_of_rows_a_question_picks(question: str, count: int | None) -> None:
    assert picked_count(question) == count
