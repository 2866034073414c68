"""Join conditions that compare a table with itself are relinked to the table they must join."""

from __future__ import annotations

import duckdb

from tablepilot.engines.joins import ForeignKey
from tablepilot.sql.join_conditions import mend_join_conditions

COLUMNS = {
    "Faculty": ["FacID", "Fname", "Lname"],
    "Student": ["StuID", "Fname", "Advisor"],
    "Participates_in": ["stuid", "actid"],
    "Staff": ["StaffID", "Fname"],
}
KEYS = [
    ForeignKey("Student", ("Advisor",), "Faculty", ("FacID",)),
    ForeignKey("Participates_in", ("stuid",), "Student", ("StuID",)),
]


def test_the_joined_table_compared_with_itself_is_linked_on_the_foreign_key() -> None:
    sql = "SELECT T1.Fname FROM Faculty AS T1 JOIN Student AS T2 ON T2.Advisor = T2.advisor"
    assert mend_join_conditions(sql, COLUMNS, foreign_keys=KEYS) == (
        "SELECT T1.Fname FROM Faculty AS T1 JOIN Student AS T2 ON T2.Advisor = T1.FacID"
    )


def test_without_a_key_the_one_earlier_table_with_that_column_is_used() -> None:
    sql = "SELECT COUNT(*) FROM Student AS T1 JOIN Participates_in AS T3 ON T3.stuid = T3.StuID"
    assert mend_join_conditions(sql, COLUMNS) == (
        "SELECT COUNT(*) FROM Student AS T1 JOIN Participates_in AS T3 ON T3.stuid = T1.StuID"
    )


def test_an_earlier_table_compared_with_itself_is_linked_to_the_joined_one() -> None:
    sql = 'SELECT 1 FROM "Student" AS "T1" JOIN "Participates_in" AS "T2" ON "T1"."StuID" = "T1"."StuID"'
    assert mend_join_conditions(sql, COLUMNS, dialect="postgres", foreign_keys=KEYS) == (
        'SELECT 1 FROM "Student" AS "T1" JOIN "Participates_in" AS "T2" ON "T1"."StuID" = "T2"."stuid"'
    )


def test_the_mended_join_counts_matches_not_the_cross_product() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE Student (StuID INT, Fname TEXT, Advisor INT)")
    con.execute("CREATE TABLE Participates_in (stuid INT, actid INT)")
    con.execute("INSERT INTO Student VALUES (1, 'a', 9), (2, 'b', 9), (3, 'c', 9)")
    con.execute("INSERT INTO Participates_in VALUES (1, 10), (1, 11), (2, 10)")
    sql = "SELECT COUNT(*) FROM Student AS T1 JOIN Participates_in AS T3 ON T3.stuid = T3.StuID"
    assert con.execute(sql).fetchone() == (9,)  # the slip: every pair
    mended = mend_join_conditions(sql, COLUMNS, foreign_keys=KEYS)
    assert mended is not None
    assert con.execute(mended).fetchone() == (3,)


def test_left_alone_when_right_ambiguous_or_unreadable() -> None:
    right = "SELECT 1 FROM Faculty AS T1 JOIN Student AS T2 ON T1.FacID = T2.Advisor"
    assert mend_join_conditions(right, COLUMNS, foreign_keys=KEYS) is None
    # Fname is in both earlier tables and no key names it: no single reading
    three = (
        "SELECT 1 FROM Faculty AS T1 JOIN Student AS T2 ON T1.FacID = T2.Advisor "
        "JOIN Staff AS T3 ON T3.Fname = T3.Fname"
    )
    assert mend_join_conditions(three, COLUMNS) is None
    # a condition under OR, or comparing with a literal, is not a link
    assert (
        mend_join_conditions("SELECT 1 FROM Faculty AS T1 JOIN Student AS T2 ON T2.StuID = 1", COLUMNS)
        is None
    )
    assert (
        mend_join_conditions(
            "SELECT 1 FROM Faculty AS T1 JOIN Student AS T2 ON T1.FacID = T2.Advisor OR T2.StuID = T2.stuid",
            COLUMNS,
        )
        is None
    )
    assert mend_join_conditions("SELECT FROM WHERE", COLUMNS) is None


def test_when_the_named_columns_link_nothing_the_only_key_is_the_link() -> None:
    sql = "SELECT T1.Fname FROM Faculty AS T1 JOIN Student AS T3 ON T3.stuid = T3.StuID"
    assert mend_join_conditions(sql, COLUMNS, foreign_keys=KEYS) == (
        "SELECT T1.Fname FROM Faculty AS T1 JOIN Student AS T3 ON T3.Advisor = T1.FacID"
    )
    assert mend_join_conditions(sql, COLUMNS) is None  # no key, no shared name: left alone
