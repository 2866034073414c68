"""Content typing of text columns: only when every present cell parses; otherwise text stays text."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from tablepilot.data.coerce import plan_casts


def _plan(values: list[str | None]) -> tuple[str, str | None, list[object]]:
    con = duckdb.connect()
    table = pa.table({"c": pa.array(values, type=pa.string())})
    con.register("v", table)
    (cast,) = plan_casts(con, table, "v", ["c"])
    rows = [r[0] for r in con.execute(f"SELECT {cast.expr} FROM v").fetchall()]
    return cast.type, cast.note, rows


def test_integers_decimals_and_thousands() -> None:
    assert _plan(["1", " 2 ", "-3", None])[0] == "BIGINT"
    assert _plan(["1", "2.5", "1e3"])[0] == "DOUBLE"
    assert _plan(["1,234", "5"])[2] == [1234, 5]
    assert _plan(["1,234.5", "2"])[2] == [1234.5, 2.0]


def test_leading_zeros_and_huge_integers_stay_text() -> None:
    kind, note, rows = _plan(["007", "12"])
    assert kind == "VARCHAR" and rows == ["007", "12"] and note and "leading zeros" in note
    assert _plan(["0.5", "0"])[0] == "DOUBLE"
    assert _plan(["05 Main St", "7 High St"])[1] is None  # text anyway: nothing to explain
    assert _plan(["123456789012345678901234"])[0] == "VARCHAR"


def test_null_tokens_in_typed_columns_are_noted() -> None:
    kind, note, rows = _plan(["1", "None", "NULL", "n/a", ""])
    assert kind == "BIGINT" and rows == [1, None, None, None, None]
    assert note and "3 cell(s)" in note


def test_dates_timestamps_booleans() -> None:
    import datetime as dt

    assert _plan(["2024-01-05", "2024/2/1", "2024年3月9日"])[2] == [
        dt.date(2024, 1, 5),
        dt.date(2024, 2, 1),
        dt.date(2024, 3, 9),
    ]
    assert _plan(["2024-01-05 10:30", "2024-01-06 00:00:00"])[0] == "TIMESTAMP"
    assert _plan(["2024-01-05", "2024-01-06 10:00"])[0] == "TIMESTAMP"
    assert _plan(["true", "FALSE"])[0] == "BOOLEAN"
    assert _plan(["2024-13-45", "2024-01-01"])[0] == "VARCHAR"  # date-shaped but not a date


def test_mixed_text_stays_text() -> None:
    assert _plan(["1", "two"])[0] == "VARCHAR"
    assert _plan(["–", "1"])[0] == "VARCHAR"
    assert _plan([None, None])[0] == "VARCHAR"
