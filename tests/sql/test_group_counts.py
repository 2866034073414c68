"""Counting the groups a grouped count stands for."""

from __future__ import annotations

import pytest

from tablepilot.sql.group_counts import groups_counted


@pytest.mark.parametrize(
    ("sql", "read"),
    [
        (
            'SELECT COUNT(DISTINCT "Final") FROM "t" GROUP BY "Final" HAVING COUNT(*) >= 4',
            'SELECT COUNT(*) FROM (SELECT "Final" FROM "t" GROUP BY "Final" HAVING COUNT(*) >= 4) AS groups',
        ),
        (
            'SELECT "Driver", COUNT(*) AS wins FROM "t" WHERE "Pos" = 1 GROUP BY "Driver" HAVING COUNT(*) >= 2',
            (
                'SELECT COUNT(*) FROM (SELECT "Driver" FROM "t" WHERE "Pos" = 1 GROUP BY "Driver" '
                "HAVING COUNT(*) >= 2) AS groups"
            ),
        ),
        (
            'SELECT COUNT(DISTINCT "Nation") FROM "t" GROUP BY "Nation"',
            'SELECT COUNT(*) FROM (SELECT "Nation" FROM "t" GROUP BY "Nation") AS groups',
        ),
    ],
)
def test_a_count_per_group_becomes_the_count_of_groups(sql: str, read: str) -> None:
    assert groups_counted(sql) == read


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT COUNT(*) FROM "t" GROUP BY "Nation"',  # each nation's count, no HAVING picks groups
        'SELECT COUNT(*) FROM "t" GROUP BY "Nation" HAVING COUNT(*) > 1 ORDER BY 1 DESC LIMIT 1',  # one group
        'SELECT "Nation", "Year", COUNT(*) FROM "t" GROUP BY "Nation" HAVING COUNT(*) > 1',  # not a key
        'SELECT SUM("Gold") FROM "t" GROUP BY "Nation" HAVING SUM("Gold") > 1',  # no count
        'SELECT COUNT(*) FROM "t" GROUP BY 1 HAVING COUNT(*) > 1',  # a position
        'SELECT COUNT(*) FROM "t"',
        "SELECT COUNT(*) FROM",
    ],
)
def test_other_queries_are_left_alone(sql: str) -> None:
    assert groups_counted(sql) is None
