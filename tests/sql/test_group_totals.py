"""Which queries the per-group sum rewrites, and how."""

from __future__ import annotations

import pytest

from tablepilot.sql.group_totals import asks_total, summed_per_group


def test_a_top_pick_by_one_column_is_grouped_by_its_selected_columns() -> None:
    grouped = summed_per_group('SELECT "District", "Pop" AS p FROM t WHERE x = 1 ORDER BY "Pop" DESC LIMIT 1')
    assert grouped is not None
    assert grouped.sql == (
        'SELECT "District", SUM("Pop") AS "p" FROM t WHERE x = 1 GROUP BY "District" '
        'ORDER BY SUM("Pop") DESC LIMIT 1'
    )
    assert (
        grouped.repeats
        == 'SELECT "District" FROM t WHERE x = 1 GROUP BY "District" HAVING COUNT(*) > 1 LIMIT 1'
    )
    assert (grouped.keys, grouped.measure) == (['"District"'], '"Pop"')


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT "Nation" FROM t ORDER BY "Total" DESC LIMIT 1',  # already a total
        'SELECT "Nation" FROM t ORDER BY "Gold" DESC',  # no pick of the top
        'SELECT "Nation" FROM t GROUP BY "Nation" ORDER BY SUM("Gold") DESC LIMIT 1',  # grouped already
        'SELECT "Nation" FROM t ORDER BY "Gold" + "Silver" DESC LIMIT 1',  # not one plain column
        'SELECT COUNT(*) FROM t ORDER BY "Gold" DESC LIMIT 1',
        'SELECT * FROM t ORDER BY "Gold" DESC LIMIT 1',
        'SELECT "Gold" FROM t ORDER BY "Gold" DESC LIMIT 1',  # nothing to group by
        'SELECT a."Nation" FROM t AS a JOIN u AS b ON a.id = b.id ORDER BY b."Gold" DESC LIMIT 1',
        'SELECT DISTINCT "Nation" FROM t ORDER BY "Gold" DESC LIMIT 1',
    ],
)
def test_other_shapes_are_left_alone(sql: str) -> None:
    assert summed_per_group(sql) is None


def test_total_words() -> None:
    assert asks_total("which district has the greatest total number of electorates?")
    assert asks_total("哪个地区的销售额合计最高？")
    assert not asks_total("which district has the most electorates?")
