"""Finding the text a query compares its columns with, and the table of each column."""

from __future__ import annotations

from tablepilot.sql.text_filters import TextFilter, respelled, text_comparisons, text_filters


def test_equals_and_in_with_the_table_of_the_column() -> None:
    sql = (
        "SELECT T1.a FROM x AS T1 JOIN y AS T2 ON T1.id = T2.id "
        "WHERE T2.\"name\" IN ('a', 'b') AND T1.c = 'z' AND d = 'q' AND T1.n = 3"
    )
    assert text_filters(sql) == [
        TextFilter("y", "name", "a"),
        TextFilter("y", "name", "b"),
        TextFilter("x", "c", "z"),
    ]


def test_one_table_owns_unqualified_columns_and_either_side_may_be_the_literal() -> None:
    assert text_filters('SELECT "本年增加" FROM "t_sideways" WHERE \'本年增加\' = "项 目"') == [
        TextFilter("t_sideways", "项 目", "本年增加")
    ]


def test_a_query_that_does_not_parse_has_none() -> None:
    assert text_filters("SELECT FROM WHERE = 'x") == []


def test_text_put_in_order_is_found_with_its_operator() -> None:
    sql = 'SELECT COUNT(*) FROM "events" AS e WHERE e."Event" > \'Crucifixion\' AND "Year" <= \'30\' AND "N" > 3'
    assert text_comparisons(sql) == [
        (TextFilter("events", "Event", "Crucifixion"), ">"),
        (TextFilter("events", "Year", "30"), "<="),
    ]
    assert text_comparisons("SELECT FROM WHERE >") == []


def test_respelling_reaches_every_text_filter_text_filters_reads_the_literal_first_one_too() -> None:
    sql = 'SELECT "n" FROM "t" WHERE \'Fremon\' = "Employer" OR "Employer" IN (\'Fremon\', \'x\')'
    assert respelled(sql, {("Employer", "Fremon"): "Fremont"}) == (
        'SELECT "n" FROM "t" WHERE \'Fremont\' = "Employer" OR "Employer" IN (\'Fremont\', \'x\')'
    )
    assert respelled(sql, {("Other", "Fremon"): "Fremont"}) is None
