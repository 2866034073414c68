"""A name compared with a foreign-key id column is read as the id of the row so named."""

from __future__ import annotations

from tablepilot.engines.joins import ForeignKey
from tablepilot.sql.key_names import names_on_keys

KEYS = [ForeignKey("enrollments", ("Campus",), "Campuses", ("Id",))]
TYPES = {
    "enrollments": {"Campus": "INTEGER", "Year": "INTEGER", "Undergraduate": "INTEGER"},
    "Campuses": {"Id": "INTEGER", "Campus": "VARCHAR"},
}


def named(table: str, value: str) -> str | None:
    return "Campus" if (table, value) == ("Campuses", "San Jose State University") else None


def test_the_name_becomes_the_id_of_its_row_also_under_an_alias() -> None:
    sql = "SELECT SUM(T1.Undergraduate) FROM enrollments AS T1 WHERE T1.Campus = 'San Jose State University'"
    assert names_on_keys(sql, TYPES, KEYS, named) == (
        "SELECT SUM(T1.Undergraduate) FROM enrollments AS T1 WHERE T1.Campus IN "
        '(SELECT "Campuses"."Id" FROM "Campuses" WHERE "Campuses"."Campus" = \'San Jose State University\')'
    )


def test_queries_that_can_mean_what_they_say_are_left_alone() -> None:
    assert names_on_keys("SELECT * FROM enrollments WHERE Campus = '1'", TYPES, KEYS, named) is None  # an id
    assert (
        names_on_keys("SELECT * FROM Campuses WHERE Campus = 'San Jose State University'", TYPES, KEYS, named)
        is None
    )
    text_key = {**TYPES, "enrollments": {**TYPES["enrollments"], "Campus": "VARCHAR"}}
    sql = "SELECT * FROM enrollments WHERE Campus = 'San Jose State University'"
    assert names_on_keys(sql, text_key, KEYS, named) is None  # a text key may hold the name
    assert names_on_keys(sql.replace("San Jose", "Sun Jose"), TYPES, KEYS, named) is None  # no row so named
    assert names_on_keys("SELECT FROM WHERE (", TYPES, KEYS, named) is None
