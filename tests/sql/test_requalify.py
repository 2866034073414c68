"""Columns qualified with the wrong joined table are moved to the one table that has them."""

from __future__ import annotations

from tablepilot.engines.joins import ForeignKey
from tablepilot.sql.requalify import requalify_columns

COLUMNS = {"people": ["id", "first_name", "team_id"], "teams": ["id", "name"]}


def test_a_column_under_the_wrong_alias_moves_to_the_table_that_has_it() -> None:
    sql = "SELECT T1.first_name, T1.name FROM people AS T2 JOIN teams AS T1 ON T1.id = T2.team_id"
    assert requalify_columns(sql, COLUMNS) == (
        "SELECT T2.first_name, T1.name FROM people AS T2 JOIN teams AS T1 ON T1.id = T2.team_id"
    )


def test_quoted_aliases_stay_quoted_for_case_sensitive_databases() -> None:
    sql = 'SELECT "T1"."first_name" FROM "people" AS "T2" JOIN "teams" AS "T1" ON "T1"."id" = "T2"."team_id"'
    assert requalify_columns(sql, COLUMNS, dialect="postgres") == sql.replace(
        '"T1"."first_name"', '"T2"."first_name"'
    )


def test_nothing_to_do_or_no_single_answer() -> None:
    assert requalify_columns("SELECT T1.first_name FROM people AS T1", COLUMNS) is None  # right already
    assert (
        requalify_columns("SELECT T1.id FROM people AS T2 JOIN teams AS T1 ON T1.id = T2.team_id", COLUMNS)
        is None
    )
    # "nickname" is nowhere; "id" would be in both tables: both left for the repair loop
    assert (
        requalify_columns(
            "SELECT T1.nickname FROM people AS T2 JOIN teams AS T1 ON T1.id = T2.team_id", COLUMNS
        )
        is None
    )
    assert requalify_columns("SELECT FROM WHERE", COLUMNS) is None


def test_a_table_named_by_its_own_name_though_the_select_renamed_it_takes_the_alias() -> None:
    sql = "SELECT T1.name FROM teams AS T1 JOIN people AS T2 ON T1.id = T2.team_id WHERE People.first_name = 'Ann'"
    assert requalify_columns(sql, COLUMNS) == sql.replace("People.first_name", "T2.first_name")
    # the alias is not there to take when the table is not renamed, nor when the column is not its
    assert requalify_columns("SELECT people.first_name FROM people", COLUMNS) is None
    assert (
        requalify_columns(
            "SELECT T1.name FROM teams AS T1 JOIN people AS T2 ON T1.id = T2.team_id WHERE people.nickname = 'x'",
            COLUMNS,
        )
        is None
    )


BOOKINGS = {
    "Apartments": ["apt_id", "bedroom_count"],
    "Apartment_Bookings": ["booking_id", "apt_id", "booking_start_date", "booking_end_date"],
    "Guests": ["guest_id", "booking_start_date"],
}
KEYS = [ForeignKey("Apartment_Bookings", ("apt_id",), "Apartments", ("apt_id",))]


def test_a_column_no_joined_table_has_brings_in_the_one_table_that_has_it_on_its_key() -> None:
    sql = "SELECT T1.booking_end_date FROM Apartments AS T1 WHERE T1.bedroom_count > 2"
    assert requalify_columns(sql, BOOKINGS, foreign_keys=KEYS) == (
        'SELECT "Apartment_Bookings".booking_end_date FROM Apartments AS T1 JOIN "Apartment_Bookings" '
        'ON "Apartment_Bookings"."apt_id" = T1."apt_id" WHERE T1.bedroom_count > 2'
    )


def test_no_join_without_one_holder_and_one_key() -> None:
    # two tables hold booking_start_date: no telling which was meant
    sql = "SELECT T1.booking_start_date FROM Apartments AS T1"
    assert requalify_columns(sql, BOOKINGS, foreign_keys=KEYS) is None
    # one holder, but no key to join it on
    assert requalify_columns("SELECT T1.booking_end_date FROM Apartments AS T1", BOOKINGS) is None


def test_an_unqualified_column_of_no_table_read_brings_in_its_table_too() -> None:
    sql = "SELECT booking_end_date FROM Apartments WHERE bedroom_count > 2"
    assert requalify_columns(sql, BOOKINGS, foreign_keys=KEYS) == (
        'SELECT "Apartment_Bookings".booking_end_date FROM Apartments JOIN "Apartment_Bookings" '
        'ON "Apartment_Bookings"."apt_id" = Apartments."apt_id" WHERE bedroom_count > 2'
    )
    # a name the SELECT gave itself is no column to look for
    assert (
        requalify_columns(
            "SELECT bedroom_count AS booking_end_date FROM Apartments ORDER BY booking_end_date",
            BOOKINGS,
            foreign_keys=KEYS,
        )
        is None
    )


def test_a_grouped_query_also_groups_by_the_column_it_brought_in() -> None:
    sql = "SELECT T1.apt_id, T1.booking_end_date FROM Apartments AS T1 GROUP BY T1.apt_id ORDER BY COUNT(*) DESC LIMIT 1"
    mended = requalify_columns(sql, BOOKINGS, foreign_keys=KEYS)
    assert mended is not None and mended.endswith(
        'GROUP BY T1.apt_id, "Apartment_Bookings".booking_end_date ORDER BY COUNT(*) DESC LIMIT 1'
    )


def test_of_several_keys_the_one_to_the_table_the_column_was_written_under_joins() -> None:
    columns = {
        "Skills": ["skill_id", "skill_description"],
        "Engineer_Skills": ["skill_id"],
        "Fixes": ["skill_id"],
    }
    keys = [
        ForeignKey("Engineer_Skills", ("skill_id",), "Skills", ("skill_id",)),
        ForeignKey("Fixes", ("skill_id",), "Skills", ("skill_id",)),
    ]
    sql = (
        "SELECT T1.skill_id, T1.skill_description FROM Engineer_Skills AS T1 JOIN Fixes AS T2 "
        "ON T1.skill_id = T2.skill_id GROUP BY T1.skill_id, T1.skill_description"
    )
    assert requalify_columns(sql, columns, foreign_keys=keys) == (
        'SELECT T1.skill_id, "Skills".skill_description FROM Engineer_Skills AS T1 JOIN Fixes AS T2 '
        'ON T1.skill_id = T2.skill_id JOIN "Skills" ON "Skills"."skill_id" = T1."skill_id" '
        'GROUP BY T1.skill_id, "Skills".skill_description'
    )


def test_a_table_joined_inside_a_subquery_keeps_its_columns_there() -> None:
    columns = {"song": ["song_name", "f_id", "resolution"], "files": ["f_id", "languages"]}
    keys = [ForeignKey("song", ("f_id",), "files", ("f_id",))]
    sql = (
        "SELECT T1.song_name FROM song AS T1 JOIN files AS T2 ON T1.f_id = T2.f_id "
        "WHERE T1.resolution > (SELECT MIN(resolution) FROM files WHERE languages = 'english')"
    )
    mended = requalify_columns(sql, columns, foreign_keys=keys)
    assert mended is not None
    assert 'SELECT MIN("song".resolution) FROM files JOIN "song" ON "song"."f_id" = files."f_id"' in mended
