"""A one-table query naming columns its table lacks is run on the one table that has them all."""

from __future__ import annotations

import pytest

from tablepilot.engines.joins import ForeignKey
from tablepilot.sql.owning_table import owning_table

TABLES = {
    "player": ["Player_ID", "Player", "Team"],
    "match_season": ["Season", "Player", "Position", "Team"],
    "team": ["Team_id", "Name"],
}


def test_the_table_with_every_named_column_is_used() -> None:
    sql = "SELECT Position, COUNT(*) AS n FROM player GROUP BY Position ORDER BY n"
    assert owning_table(sql, TABLES) == (
        'SELECT Position, COUNT(*) AS n FROM "match_season" GROUP BY Position ORDER BY n',
        "player",
        "match_season",
        False,
    )


def test_columns_written_with_the_table_name_follow_it() -> None:
    out = owning_table("SELECT player.Position FROM player WHERE player.Season = 2001", TABLES)
    assert out is not None
    assert out[0] == 'SELECT "match_season".Position FROM "match_season" WHERE "match_season".Season = 2001'


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT Player FROM player",  # its own table has the column
        "SELECT Team FROM team",  # two other tables have it: no way to choose
        "SELECT Nothing FROM player",  # no table has it
        "SELECT COUNT(*) FROM player",  # names no column
        "SELECT p.Position FROM player AS p JOIN team AS t ON p.Team = t.Name",  # two tables
    ],
)
def test_left_alone(sql: str) -> None:
    assert owning_table(sql, TABLES) is None


SCHOOL = {
    "CLASS": ["CLASS_CODE", "CRS_CODE", "PROF_NUM"],
    "COURSE": ["CRS_CODE", "DEPT_CODE", "CRS_CREDIT"],
    "DEPARTMENT": ["DEPT_CODE", "SCHOOL_CODE", "DEPT_NAME"],
    "SCHOOL": ["SCHOOL_CODE", "SCHOOL_NAME"],
}
KEYS = [
    ForeignKey("CLASS", ("CRS_CODE",), "COURSE", ("CRS_CODE",)),
    ForeignKey("COURSE", ("DEPT_CODE",), "DEPARTMENT", ("DEPT_CODE",)),
]


def test_a_table_two_declared_keys_away_is_joined() -> None:
    sql = 'SELECT COUNT(*), "SCHOOL_CODE" FROM "CLASS" GROUP BY "SCHOOL_CODE"'
    out = owning_table(sql, SCHOOL, foreign_keys=KEYS)
    joined = (
        'SELECT COUNT(*), "DEPARTMENT"."SCHOOL_CODE" FROM "CLASS" '
        'JOIN "COURSE" ON "CLASS"."CRS_CODE" = "COURSE"."CRS_CODE" '
        'JOIN "DEPARTMENT" ON "COURSE"."DEPT_CODE" = "DEPARTMENT"."DEPT_CODE" GROUP BY "DEPARTMENT"."SCHOOL_CODE"'
    )
    assert out == (
        joined,
        "CLASS",
        "DEPARTMENT",
        True,
    )


def test_an_alias_is_kept_and_the_others_columns_qualified_with_it() -> None:
    out = owning_table("SELECT CRS_CREDIT FROM CLASS AS c WHERE PROF_NUM = 3", SCHOOL, foreign_keys=KEYS)
    assert out is not None and out[3]
    assert out[0] == (
        'SELECT "COURSE".CRS_CREDIT FROM CLASS AS c JOIN "COURSE" ON c."CRS_CODE" = "COURSE"."CRS_CODE" '
        "WHERE c.PROF_NUM = 3"
    )


def test_no_key_path_and_two_holders_is_left_alone() -> None:
    # SCHOOL_CODE is in DEPARTMENT (keyed) and SCHOOL (not keyed): the key path decides
    out = owning_table('SELECT "SCHOOL_CODE" FROM "CLASS"', SCHOOL, foreign_keys=KEYS)
    assert out is not None and out[2] == "DEPARTMENT"
    assert owning_table('SELECT "SCHOOL_CODE" FROM "CLASS"', SCHOOL) is None  # no keys: two holders


def test_a_key_path_that_fans_out_is_not_joined() -> None:
    # player → team ← match_season would repeat each player once per season of the team
    keys = [
        ForeignKey("player", ("Team",), "team", ("Team_id",)),
        ForeignKey("match_season", ("Team",), "team", ("Team_id",)),
    ]
    out = owning_table("SELECT Position, COUNT(*) FROM player GROUP BY Position", TABLES, foreign_keys=keys)
    assert out is not None and out[2:] == ("match_season", False)


COLLEGE = {
    "EMPLOYEE": ["EMP_NUM", "EMP_LNAME", "EMP_FNAME"],
    "PROFESSOR": ["EMP_NUM", "DEPT_CODE", "PROF_OFFICE"],
    "DEPARTMENT": ["DEPT_CODE", "DEPT_NAME", "EMP_NUM"],
}
COLLEGE_KEYS = [
    ForeignKey("PROFESSOR", ("EMP_NUM",), "EMPLOYEE", ("EMP_NUM",)),
    ForeignKey("PROFESSOR", ("DEPT_CODE",), "DEPARTMENT", ("DEPT_CODE",)),
    ForeignKey("DEPARTMENT", ("EMP_NUM",), "EMPLOYEE", ("EMP_NUM",)),
]


def test_a_joined_query_joins_the_table_beside_the_selected_columns() -> None:
    # both PROFESSOR and DEPARTMENT lead to EMPLOYEE; the office beside the name is the professor's
    sql = (
        "SELECT EMP_LNAME, PROF_OFFICE FROM PROFESSOR AS p JOIN DEPARTMENT AS d "
        "ON p.DEPT_CODE = d.DEPT_CODE WHERE DEPT_NAME = 'History'"
    )
    out = owning_table(sql, COLLEGE, foreign_keys=COLLEGE_KEYS)
    joined = (
        'SELECT "EMPLOYEE".EMP_LNAME, p.PROF_OFFICE FROM PROFESSOR AS p JOIN DEPARTMENT AS d '
        'ON p.DEPT_CODE = d.DEPT_CODE JOIN "EMPLOYEE" ON p."EMP_NUM" = "EMPLOYEE"."EMP_NUM" '
        "WHERE d.DEPT_NAME = 'History'"
    )
    assert out == (
        joined,
        "PROFESSOR",
        "EMPLOYEE",
        True,
    )


def test_the_alias_written_on_the_missing_column_decides() -> None:
    sql = "SELECT d.EMP_LNAME FROM PROFESSOR AS p JOIN DEPARTMENT AS d ON p.DEPT_CODE = d.DEPT_CODE"
    out = owning_table(sql, COLLEGE, foreign_keys=COLLEGE_KEYS)
    assert out is not None and out[1:] == ("DEPARTMENT", "EMPLOYEE", True)
    assert 'JOIN "EMPLOYEE" ON d."EMP_NUM" = "EMPLOYEE"."EMP_NUM"' in out[0]


@pytest.mark.parametrize(
    "sql",
    [
        # two tables lead there and nothing says which
        "SELECT COUNT(EMP_LNAME) FROM PROFESSOR AS p JOIN DEPARTMENT AS d ON p.DEPT_CODE = d.DEPT_CODE",
        # the columns are all there: nothing to join
        "SELECT PROF_OFFICE, DEPT_NAME FROM PROFESSOR AS p JOIN DEPARTMENT AS d ON p.DEPT_CODE = d.DEPT_CODE",
        # the owner is already read
        "SELECT e.EMP_LNAME FROM PROFESSOR AS p JOIN EMPLOYEE AS e ON p.EMP_NUM = e.EMP_NUM",
    ],
)
def test_joined_queries_left_alone(sql: str) -> None:
    assert owning_table(sql, COLLEGE, foreign_keys=COLLEGE_KEYS) is None
