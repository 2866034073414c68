"""A query that found nothing is run again without the filters on values the question never names."""

from __future__ import annotations

from collections.abc import Callable

from tablepilot.sql.unasked_filters import (
    alone_probes,
    outer_text_filters,
    without_conditions,
    without_repeats,
    without_unasked,
)


def asked_in(question: str) -> Callable[[str], bool]:
    """A stand-in for linking.names_value: the value's text is in the question."""
    return lambda value: value.strip("%").lower() in question.lower()


def test_a_text_filter_the_question_does_not_name_is_dropped_and_the_named_ones_kept() -> None:
    sql = 'SELECT COUNT(*) FROM "g" WHERE "Result" = \'W 12–0\' AND "Team" = \'Eagles\' AND "Date" > \'1968-12-01\''
    dropped = without_unasked(sql, asked_in("how many games did the eagles win?"))
    assert dropped == (
        'SELECT COUNT(*) FROM "g" WHERE "Team" = \'Eagles\' AND "Date" > \'1968-12-01\'',
        ["\"Result\" = 'W 12–0'"],
    )


def test_number_filters_stay() -> None:
    sql = 'SELECT "Year" FROM "t" WHERE "Finish" = \'14th\' AND "L" = 0 AND "Score" IN (1, 2)'
    assert without_unasked(sql, asked_in("which year were they undefeated?")) == (
        'SELECT "Year" FROM "t" WHERE "L" = 0 AND "Score" IN (1, 2)',
        ["\"Finish\" = '14th'"],
    )


def test_number_equalities_go_too_when_the_caller_allows_them() -> None:
    sql = (
        'SELECT "Tie no" FROM "t" WHERE "Home team" = \'Darlington\' AND "Score_1" = 0 '
        'AND "Score_2" > 1 AND "Round" = 1'
    )
    asked = asked_in("darlington played in which tie in round 1?")
    assert without_unasked(sql, asked, numbers=True) == (
        'SELECT "Tie no" FROM "t" WHERE "Home team" = \'Darlington\' AND "Score_2" > 1 AND "Round" = 1',
        ['"Score_1" = 0'],
    )  # a comparison (> 1) and a number the question names (1) stay
    assert without_unasked(sql, asked) is None


def test_the_last_condition_of_a_where_is_never_dropped() -> None:
    sql = 'SELECT COUNT(*) FROM "t" WHERE "Champions" = \'Spain\''
    assert without_unasked(sql, asked_in("how many spanish champions?")) is None


def test_conditions_under_or_and_in_lists_with_one_named_value_stay() -> None:
    sql = (
        "SELECT * FROM \"t\" WHERE (\"a\" = 'x' OR \"b\" = 'y') AND \"c\" IN ('named', 'other') "
        "AND \"d\" LIKE '%Spain%'"
    )
    dropped = without_unasked(sql, asked_in("named"))
    assert dropped is not None
    assert (
        dropped[0] == "SELECT * FROM \"t\" WHERE (\"a\" = 'x' OR \"b\" = 'y') AND \"c\" IN ('named', 'other')"
    )
    assert dropped[1] == ["\"d\" LIKE '%Spain%'"]


def test_each_where_of_a_nested_query_is_judged_on_its_own() -> None:
    sql = (
        'SELECT "n" FROM "t" WHERE "v" = (SELECT MAX("v") FROM "t" WHERE "k" = \'a\' AND "z" = \'q\') '
        "AND \"k\" = 'a'"
    )
    dropped = without_unasked(sql, asked_in("a"))
    assert dropped is not None
    assert dropped[0] == (
        'SELECT "n" FROM "t" WHERE "v" = (SELECT MAX("v") FROM "t" WHERE "k" = \'a\') AND "k" = \'a\''
    )


def test_a_query_that_does_not_parse_is_left_alone() -> None:
    assert without_unasked("SELECT FROM WHERE (", asked_in("")) is None


def test_a_value_put_on_two_columns_is_tried_without_each() -> None:
    sql = 'SELECT COUNT(*) FROM "s" WHERE "Nation" = \'England\' AND "Points" > 15 AND "column_1" = \'15\''
    assert without_repeats(sql) == [
        ('SELECT COUNT(*) FROM "s" WHERE "Nation" = \'England\' AND "column_1" = \'15\'', '"Points" > 15'),
        ('SELECT COUNT(*) FROM "s" WHERE "Nation" = \'England\' AND "Points" > 15', "\"column_1\" = '15'"),
    ]
    assert without_repeats('SELECT * FROM "s" WHERE "a" = \'x\' AND "b" = \'y\'') == []


def test_each_written_filter_of_the_outer_where_gets_a_probe_over_the_same_from() -> None:
    sql = (
        'SELECT DISTINCT "Country" FROM "t" AS a JOIN "u" AS b ON a."id" = b."id" '
        "WHERE \"City\" IN ('Aspero', 'Caral') AND \"Notes\" ILIKE '%cities%' AND \"Year\" > 10 "
        "ORDER BY 1 LIMIT 3"
    )
    assert alone_probes(sql) == [
        (
            "\"City\" IN ('Aspero', 'Caral')",
            (
                'SELECT 1 FROM "t" AS a JOIN "u" AS b ON a."id" = b."id" '
                "WHERE \"City\" IN ('Aspero', 'Caral') LIMIT 1"
            ),
        ),
        (
            "\"Notes\" ILIKE '%cities%'",
            'SELECT 1 FROM "t" AS a JOIN "u" AS b ON a."id" = b."id" WHERE "Notes" ILIKE \'%cities%\' LIMIT 1',
        ),
    ]
    # one condition: dropping it would answer about the whole table
    assert alone_probes('SELECT * FROM "t" WHERE "a" = \'x\'') == []
    assert alone_probes("SELECT 1 WHERE 'a' = 'x' AND 1 = 1") == []


def test_conditions_are_dropped_by_their_written_form_but_never_all() -> None:
    sql = 'SELECT "n" FROM "t" WHERE "a" = \'x\' AND "b" ILIKE \'%y%\' ORDER BY "n"'
    assert (
        without_conditions(sql, ["\"b\" ILIKE '%y%'"]) == 'SELECT "n" FROM "t" WHERE "a" = \'x\' ORDER BY "n"'
    )
    assert without_conditions(sql, ["\"a\" = 'x'", "\"b\" ILIKE '%y%'"]) is None
    assert without_conditions(sql, ["\"c\" = 'z'"]) is None


def test_text_filters_are_listed_with_their_column_and_texts() -> None:
    sql = 'SELECT "n" FROM "t" WHERE "a" IN (\'x\', \'y\') AND "b" ILIKE \'%z%\' AND "c" = 3 AND "d" > \'q\''
    assert outer_text_filters(sql) == [
        ("\"a\" IN ('x', 'y')", "a", ["x", "y"]),
        ("\"b\" ILIKE '%z%'", "b", ["z"]),
    ]
    assert outer_text_filters('SELECT "n" FROM "t" WHERE "a" = \'x\'') == []
