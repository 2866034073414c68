"""A question's noun selected as a column the table lacks, read as the table's row names."""

from __future__ import annotations

import pytest

from tablepilot.sql.subject_column import name_for_table, subject_for_missing

COLUMNS = {"medals": ["Rank", "Nation", "Gold", "Bronze", "Notes_text", "Notes"]}
TYPES = {
    "medals": {
        "Rank": "BIGINT",
        "Nation": "VARCHAR",
        "Gold": "BIGINT",
        "Bronze": "BIGINT",
        "Notes_text": "VARCHAR",
        "Notes": "BIGINT",
    }
}


def test_a_missing_noun_of_the_question_is_read_as_the_first_text_column() -> None:
    sql = 'SELECT "Team" FROM "medals" WHERE "Gold" = 4 AND "Bronze" = 1'
    assert subject_for_missing(sql, "which team had four gold medals?", COLUMNS, TYPES) == (
        'SELECT "Nation" FROM "medals" WHERE "Gold" = 4 AND "Bronze" = 1',
        "Team",
        "Nation",
    )


def test_a_missing_name_holding_a_word_of_the_question_is_read_the_same_way() -> None:
    sql = 'SELECT "Hometown" FROM "medals" ORDER BY "Gold" ASC LIMIT 1'
    mended = subject_for_missing(sql, "which town had the fewest golds?", COLUMNS, TYPES)
    assert mended == ('SELECT "Nation" FROM "medals" ORDER BY "Gold" ASC LIMIT 1', "Hometown", "Nation")
    assert subject_for_missing('SELECT "Hometown" FROM "medals"', "which one is it?", COLUMNS, TYPES) is None


def test_other_outputs_and_subqueries_of_the_same_table_are_kept() -> None:
    sql = (
        'SELECT "Team", "Gold" - "Bronze" AS margin FROM "medals" '
        'WHERE "Gold" > (SELECT MIN("Gold") FROM "medals") ORDER BY margin DESC LIMIT 1'
    )
    mended = subject_for_missing(sql, "which team has the largest margin?", COLUMNS, TYPES)
    assert mended is not None and mended[0].startswith('SELECT "Nation", "Gold" - "Bronze" AS margin')


@pytest.mark.parametrize(
    ("sql", "question"),
    [
        ('SELECT "Nation" FROM "medals"', "which team?"),  # the column exists
        ('SELECT "Club" FROM "medals"', "which team?"),  # not a word of the question
        (
            'SELECT "Team" FROM "medals" WHERE "Team" <> \'Cuba\'',
            "which team other than cuba?",
        ),  # filtered on
        ('SELECT "Team", "Club" FROM "medals"', "which team and club?"),  # two missing
        ('SELECT "Team" FROM "medals" JOIN "other" ON 1 = 1', "which team?"),  # a join
        ('SELECT "Team" FROM "elsewhere"', "which team?"),  # a table not loaded
        ("SELECT FROM", "which team?"),
    ],
)
def test_left_alone(sql: str, question: str) -> None:
    assert subject_for_missing(sql, question, COLUMNS, TYPES) is None


def test_no_text_column_no_stand_in() -> None:
    numbers = {"t": ["Year", "Gold"]}
    assert (
        subject_for_missing('SELECT "Team" FROM "t"', "which team?", numbers, {"t": {"Year": "BIGINT"}})
        is None
    )


def test_the_kept_text_of_a_typed_column_is_no_row_name() -> None:
    columns = {"t": ["Rank", "Score_text", "Score", "Club"]}
    types = {"t": {"Rank": "BIGINT", "Score_text": "VARCHAR", "Score": "BIGINT", "Club": "VARCHAR"}}
    mended = subject_for_missing('SELECT "Team" FROM "t"', "which team?", columns, types)
    assert mended is not None and mended[2] == "Club"


WINES = {"wine": ["No", "Grape", "Name", "Price"], "grapes": ["ID", "Grape", "Color"]}


def test_a_table_selected_as_a_column_is_read_as_its_name_column() -> None:
    sql = 'SELECT "wine" FROM "wine" JOIN "grapes" ON "grapes"."Grape" = "wine"."Grape" WHERE "Price" > 50'
    assert name_for_table(sql, WINES) == (
        'SELECT "wine"."Name" FROM "wine" JOIN "grapes" ON "grapes"."Grape" = "wine"."Grape" WHERE "Price" > 50',
        "wine",
        "Name",
    )


@pytest.mark.parametrize(
    "sql",
    ['SELECT "Name" FROM "wine"', 'SELECT "grapes" FROM "grapes"', 'SELECT "wine" FROM "wine" AS w'],
)
def test_columns_and_tables_without_one_name_column_are_left_alone(sql: str) -> None:
    assert name_for_table(sql, WINES) is None
