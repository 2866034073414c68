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


ROOMS = {
    "course": ["course_id", "title"],
    "section": ["course_id", "building", "room"],
    "classroom": ["building", "room", "capacity"],
    "College": ["cName", "state"],
    "Player": ["pID", "pName"],
    "Tryout": ["pID", "cName", "pPos"],
}
ROOM_KEYS = [
    ForeignKey("section", ("building", "room"), "classroom", ("building", "room")),
    ForeignKey("section", ("course_id",), "course", ("course_id",)),
    ForeignKey("Tryout", ("cName",), "College", ("cName",)),
    ForeignKey("Tryout", ("pID",), "Player", ("pID",)),
]


def test_a_skipped_table_between_the_two_is_joined_in_between() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE course (course_id TEXT, title TEXT)")
    con.execute("CREATE TABLE section (course_id TEXT, building TEXT, room INT)")
    con.execute("CREATE TABLE classroom (building TEXT, room INT, capacity INT)")
    con.execute("INSERT INTO course VALUES ('c1', 'Art'), ('c2', 'Law')")
    con.execute("INSERT INTO section VALUES ('c1', 'A', 1), ('c2', 'B', 2)")
    con.execute("INSERT INTO classroom VALUES ('A', 1, 10), ('B', 2, 500)")
    sql = (
        "SELECT T1.title FROM course AS T1 JOIN classroom AS T2 ON T1.course_id = T1.course_id "
        "ORDER BY T2.capacity DESC LIMIT 1"
    )
    mended = mend_join_conditions(sql, ROOMS, foreign_keys=ROOM_KEYS)
    assert mended == (
        'SELECT T1.title FROM course AS T1 JOIN "section" ON "section"."course_id" = T1."course_id" '
        'JOIN classroom AS T2 ON "section"."building" = T2."building" AND "section"."room" = T2."room" '
        "ORDER BY T2.capacity DESC LIMIT 1"
    )
    assert con.execute(mended).fetchall() == [("Law",)]


def test_a_table_between_them_joined_later_gets_the_skipped_link() -> None:
    sql = (
        "SELECT DISTINCT T1.state FROM College AS T1 JOIN Player AS T2 ON T1.cName = T1.cName "
        'JOIN "Tryout" ON "Tryout"."pID" = T2."pID" WHERE "Tryout".pPos = \'goalie\''
    )
    assert mend_join_conditions(sql, ROOMS, foreign_keys=ROOM_KEYS) == (
        "SELECT DISTINCT T1.state FROM College AS T1 JOIN Player AS T2 ON TRUE "
        'JOIN "Tryout" ON "Tryout"."pID" = T2."pID" AND "Tryout"."cName" = T1."cName" '
        "WHERE \"Tryout\".pPos = 'goalie'"
    )


def test_no_bridge_when_two_tables_could_stand_between() -> None:
    keys = [*ROOM_KEYS, ForeignKey("Waitlist", ("cName",), "College", ("cName",))]
    keys.append(ForeignKey("Waitlist", ("pID",), "Player", ("pID",)))
    sql = "SELECT 1 FROM College AS T1 JOIN Player AS T2 ON T1.cName = T1.cName"
    assert mend_join_conditions(sql, ROOMS, foreign_keys=keys) is None
    assert mend_join_conditions(sql, ROOMS, foreign_keys=ROOM_KEYS) == (
        'SELECT 1 FROM College AS T1 JOIN "Tryout" ON "Tryout"."cName" = T1."cName" '
        'JOIN Player AS T2 ON "Tryout"."pID" = T2."pID"'
    )
