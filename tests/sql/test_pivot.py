"""Dynamic DuckDB PIVOTs become static ones that the locked engine runs, with the same columns."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pytest

from tablepilot.engines.duckdb_engine import DuckDBEngine
from tablepilot.errors import QueryError
from tablepilot.sql.guard import check_readonly
from tablepilot.sql.pivot import is_dynamic_pivot, static_pivot


@pytest.fixture()
def engine() -> Iterator[DuckDBEngine]:
    e = DuckDBEngine()
    e.register_arrow(
        "orders",
        pa.table(
            {
                "地区": ["华东", "华南", "华东", None],
                "年": [2023, 2024, 2024, 2023],
                "月份": ["2023-02", "2023-01", "2023-01", None],
                "销售额": [10, 20, 30, 5],
            }
        ),
    )
    e.lock()
    yield e
    e.close()


def lookup(engine: DuckDBEngine):  # type: ignore[no-untyped-def]
    return lambda sql: engine.execute(sql, max_rows=1000).rows


def test_dynamic_pivot_is_refused_by_the_locked_engine_but_runs_once_static(engine: DuckDBEngine) -> None:
    sql = check_readonly('PIVOT "orders" ON "月份" USING SUM("销售额") GROUP BY "地区"', tables=["orders"])
    assert is_dynamic_pivot(sql)
    with pytest.raises(QueryError, match="only SELECT"):
        engine.execute(sql)
    fixed = static_pivot(sql, lookup(engine))
    assert "IN ('2023-01', '2023-02')" in fixed and not is_dynamic_pivot(fixed)
    result = engine.execute(fixed + ' ORDER BY "地区"')
    assert result.columns == ["地区", "2023-01", "2023-02"]  # NULL month left out, like DuckDB does
    assert [[None if v is None else int(v) for v in r[1:]] for r in result.rows] == [
        [30, 10],
        [20, None],
        [None, None],
    ]


def test_numbers_several_columns_and_ctes(engine: DuckDBEngine) -> None:
    fixed = static_pivot('PIVOT orders ON "年", "地区" USING SUM("销售额")', lookup(engine))
    assert engine.execute(fixed).columns[-4:] == ["2023_华东", "2023_华南", "2024_华东", "2024_华南"]
    cte = 'WITH x AS (SELECT * FROM orders WHERE "年" = 2024) PIVOT x ON "地区" USING COUNT(*)'
    assert "IN ('华东', '华南')" in static_pivot(cte, lookup(engine))


def test_static_and_other_sql_is_untouched(engine: DuckDBEngine) -> None:
    for sql in ["SELECT 1", "PIVOT orders ON \"年\" IN (2023) USING SUM(\"销售额\")", "UNPIVOT orders ON \"年\" INTO NAME k VALUE v"]:
        assert static_pivot(sql, lookup(engine)) == sql


def test_too_many_columns_is_a_clear_error(engine: DuckDBEngine) -> None:
    with pytest.raises(QueryError, match="more than 1 columns") as info:
        static_pivot('PIVOT orders ON "地区" USING SUM("销售额")', lookup(engine), max_values=1)
    assert "few distinct values" in (info.value.hint or "")
