"""Mending unquoted real-world names and glued keywords before the guard."""

from __future__ import annotations

import pytest

from tablepilot.sql.requote import backquotes_as_quotes, requote

NAMES = [
    "a\\b",
    "注册资本",
    "母公司名称",
    "项 目",
    "期末余额",
    "Winner(s)",
    "Height ft / m",
    "Height",
    "Year",
    "t_9",
]


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT注册资本 FROM t_9", 'SELECT "注册资本" FROM t_9'),
        (
            "SELECT 期末余额 FROM t_9 WHERE 项 目 = '项 目'",
            'SELECT "期末余额" FROM t_9 WHERE "项 目" = \'项 目\'',
        ),
        (
            "SELECT COUNT(*) FROM t_9 WHERE Winner(s) LIKE '%A%'",
            "SELECT COUNT(*) FROM t_9 WHERE \"Winner(s)\" LIKE '%A%'",
        ),
        ("SELECT Height ft / m FROM t_9", 'SELECT "Height ft / m" FROM t_9'),
        ('SELECT "Winner(s)", Year FROM t_9', 'SELECT "Winner(s)", Year FROM t_9'),
        (
            "SELECT 期末余额名称 FROM t_9",
            "SELECT 期末余额名称 FROM t_9",
        ),  # a longer unknown name is left alone
        ("SELECT a\\b FROM t_9", 'SELECT "a\\b" FROM t_9'),  # a backslash in a name survives re.sub
    ],
)
def test_requote(sql: str, expected: str) -> None:
    assert requote(sql, NAMES) == expected


def test_a_correct_query_is_unchanged() -> None:
    sql = 'SELECT "项 目", SUM("期末余额") AS s FROM "t_9" WHERE "Year" = 2020 GROUP BY 1'
    assert requote(sql, NAMES) == sql


def test_names_respelled_with_underscores_are_mended() -> None:
    names = ["t_502", "Team", "Years participated", "Runners-up", "Time_seconds", "Total Population"]
    assert (
        requote("SELECT T1.Years_participated FROM t_502 AS T1", names)
        == 'SELECT T1."Years participated" FROM t_502 AS T1'
    )
    assert requote('SELECT "Runners_up" FROM t_502', names) == 'SELECT "Runners-up" FROM t_502'


def test_respelling_leaves_aliases_literals_functions_and_known_names_alone() -> None:
    names = ["t", "Total Population", "Time_seconds", "a b", "A-B"]
    for sql in [
        "SELECT COUNT(*) AS total_population FROM t ORDER BY total_population",
        "SELECT Time_seconds, DATE_PART('year', d) FROM t WHERE x = 'total_population'",
        "WITH total_population AS (SELECT 1) SELECT * FROM total_population",
        "SELECT a_b FROM t",  # two known names share the key: ambiguous, left for the repair loop
    ]:
        assert requote(sql, names) == sql


def test_a_name_with_its_words_in_another_order_is_the_known_name() -> None:
    names = ["player", "player_id", "name_first", "name_last", "first_name_count"]
    assert requote("SELECT T1.first_name, last_name FROM player AS T1", names) == (
        'SELECT T1."name_first", "name_last" FROM player AS T1'
    )
    # a name the query defines, one word, or words shared by two known names: left alone
    assert requote("SELECT 1 AS first_name FROM player ORDER BY first_name", names) == (
        "SELECT 1 AS first_name FROM player ORDER BY first_name"
    )
    assert (
        requote("SELECT id_player FROM player", [*names, "id_player_x"]) == 'SELECT "player_id" FROM player'
    )
    assert (
        requote("SELECT first_last FROM player", ["last_first", "Last First"])
        == "SELECT first_last FROM player"
    )


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("SELECT T1.`EMP_FNAME` FROM `CLASS` AS T1", 'SELECT T1."EMP_FNAME" FROM "CLASS" AS T1'),
        ("SELECT `a b` FROM t GROUP BY T1.`Product_Name", 'SELECT "a b" FROM t GROUP BY T1."Product_Name"'),
        ("SELECT x FROM t WHERE y = 'it`s `here`'", "SELECT x FROM t WHERE y = 'it`s `here`'"),  # text stays
        ('SELECT "a`b" FROM t', 'SELECT "a`b" FROM t'),  # a quoted name stays
    ],
)
def test_mysql_backquotes_become_standard_quotes(written: str, read: str) -> None:
    assert backquotes_as_quotes(written) == read
