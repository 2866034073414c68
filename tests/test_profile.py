"""Table profiles and budgeted descriptions, on real DuckDB tables (and the token estimate)."""

from __future__ import annotations

import time

import duckdb
import pytest

from tablepilot.catalog import ColumnInfo, TableInfo
from tablepilot.linking import ValueIndex, ValueLink
from tablepilot.profile import (
    TableProfile,
    describe_tables,
    profile_table,
    table_infos_from_connection,
)
from tablepilot.tokens import estimate_tokens


@pytest.fixture
def sales() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        """CREATE TABLE sales AS SELECT
            i + 1 AS id,
            ['华东', '华南', '华北', '西南', '东北', '西北'][i % 6 + 1] AS "地区",
            12.5 + (i * 37) % 1000 AS "销售额",
            DATE '2023-01-01' + (i % 365)::INTEGER AS "日期",
            CASE WHEN i % 10 = 0 THEN NULL ELSE format('{:,}', 1000 + i * 13) END AS amount_text,
            format('{}年{:02d}月', 2020 + i % 3, i % 12 + 1) AS "月份",
            'customer number ' || (i * 7919 % 1204)::VARCHAR || ' of the long free-text notes field' AS notes
        FROM range(1204) t(i)"""
    )
    return con


def test_profile_flags_and_statistics(sales: duckdb.DuckDBPyConnection) -> None:
    (info,) = table_infos_from_connection(sales)
    assert info.row_count == 1204 and info.column_names[1] == "地区"
    p = profile_table(sales, info)
    assert p.row_count == 1204 and not p.sampled
    cols = {c.name: c for c in p.columns}
    assert cols["id"].is_id and not cols["id"].is_categorical
    region = cols["地区"]
    assert region.is_categorical and region.all_values and region.distinct_count == 6
    assert set(region.values) == {"华东", "华南", "华北", "西南", "东北", "西北"}
    assert (cols["销售额"].min_value, cols["销售额"].max_value) == ("12.5", "1011.5")
    assert (cols["日期"].min_value, cols["日期"].max_value) == ("2023-01-01", "2023-12-31")
    assert cols["amount_text"].numeric_text and cols["amount_text"].null_count == 121
    assert not cols["amount_text"].date_text
    assert cols["月份"].date_text and not cols["月份"].numeric_text
    notes = cols["notes"]
    assert not notes.is_categorical and all(len(v) <= 30 for v in notes.values) and notes.values
    assert notes.max_length is not None and notes.max_length > 30


def test_describe_shape_is_sql_ish_and_deterministic(sales: duckdb.DuckDBPyConnection) -> None:
    profiles = [profile_table(sales, t) for t in table_infos_from_connection(sales)]
    text = describe_tables(profiles, question="各地区的销售额", budget_tokens=600)
    assert text == describe_tables(profiles, question="各地区的销售额", budget_tokens=600)
    lines = text.splitlines()
    assert lines[0] == 'Table "sales" (1204 rows)'
    assert "  \"地区\" VARCHAR -- 6 values: '东北', '华东', '华北', '华南', '西北', '西南'" in lines
    assert '  "销售额" DECIMAL(' in text and "12.5 .. 1011.5" in text
    assert '"日期" DATE -- 2023-01-01 .. 2023-12-31' in text
    assert "text numbers e.g. '" in text and "121 nulls" in text
    assert estimate_tokens(text) <= 600


def test_describe_sheds_examples_before_columns(sales: duckdb.DuckDBPyConnection) -> None:
    profiles = [profile_table(sales, t) for t in table_infos_from_connection(sales)]
    rich = describe_tables(profiles, budget_tokens=2000, sample_rows=3)
    assert "-- first rows: id | 地区" in rich
    lean = describe_tables(profiles, budget_tokens=120)
    assert estimate_tokens(lean) <= 120 < estimate_tokens(rich)
    assert all(f'"{c}"' in lean for c in ("id", "地区", "销售额", "日期", "notes"))  # every column kept
    assert "'华东'" not in lean  # but no example values


def test_sample_rows_are_the_first_rows(sales: duckdb.DuckDBPyConnection) -> None:
    profiles = [profile_table(sales, t) for t in table_infos_from_connection(sales)]
    text = describe_tables(profiles, budget_tokens=5000, sample_rows=2)
    rows = [line for line in text.splitlines() if line.startswith(("  -- 1 | ", "  -- 2 | "))]
    assert rows == [
        "  -- 1 | 华东 | 12.5 | 2023-01-01 | NULL | 2020年01月 | customer number 0 o…",
        "  -- 2 | 华南 | 49.5 | 2023-01-02 | 1,013 | 2021年02月 | customer number 695…",
    ]
    assert "first rows" not in describe_tables(profiles, budget_tokens=5000)


def test_awkward_identifiers_are_quoted() -> None:
    con = duckdb.connect()
    con.execute('CREATE TABLE "order" ("user" VARCHAR, "a b" INTEGER, "x""y" VARCHAR, "年份" INTEGER)')
    con.execute("""INSERT INTO "order" VALUES ('ann', 1, 'q', 2020), ('bo', 2, 'r', 2021)""")
    (info,) = table_infos_from_connection(con)
    text = describe_tables([profile_table(con, info)])
    assert text.splitlines()[0] == 'Table "order" (2 rows)'
    assert '"user" VARCHAR' in text and '"a b" INTEGER' in text and '"x""y" VARCHAR' in text
    assert '"年份" INTEGER -- 2 values: 2020, 2021' in text  # every value: no range needed


def _wide_tables(
    con: duckdb.DuckDBPyConnection, names: list[str], n_cols: int, rows: int
) -> list[TableProfile]:
    for name in names:
        cols = ", ".join(
            [f"i AS {name}_id"]
            + [f"'{name} value ' || ((i + {k}) % 40)::VARCHAR AS metric_{k:03d}" for k in range(n_cols - 1)]
        )
        con.execute(f'CREATE TABLE "{name}" AS SELECT {cols} FROM range({rows}) t(i)')
    return [profile_table(con, info) for info in table_infos_from_connection(con)]


def test_300_columns_fit_the_budget_keeping_linked_and_key_columns() -> None:
    con = duckdb.connect()
    (profile,) = _wide_tables(con, ["wide"], 300, rows=50)
    index = ValueIndex.build(con, table_infos_from_connection(con))
    question = "which rows have metric_217 equal to wide value 33?"
    links = [link for link in index.link(question, limit=400) if link.column == "metric_250"][:1]
    assert links, "the value occurs in metric_250, too"
    for budget in (150, 300, 600):
        text = describe_tables([profile], question=question, links=links, budget_tokens=budget)
        assert estimate_tokens(text) <= budget
        assert '"wide_id"' in text and '"metric_217"' in text and '"metric_250"' in text
        assert "more columns not shown" in text


def test_120_tables_keep_the_relevant_and_the_linked_ones() -> None:
    con = duckdb.connect()
    profiles = _wide_tables(con, [f"tbl{k:03d}" for k in range(120)], 6, rows=5)
    link = ValueLink("tbl099", "metric_002", "tbl099 value 3", 0.9, "tbl099 value 3")
    question = "how many rows does tbl042 have with metric_001 above 3?"
    text = describe_tables(profiles, question=question, links=[link], budget_tokens=600)
    assert estimate_tokens(text) <= 600
    assert 'Table "tbl042"' in text and 'Table "tbl099"' in text
    assert "question mentions 'tbl099 value 3'" in text
    assert text.count("Table ") < 120 and "other tables:" in text
    tiny = describe_tables(profiles, question=question, links=[link], budget_tokens=80)
    assert estimate_tokens(tiny) <= 80 and 'Table "tbl099"' in tiny


def test_profile_uses_a_sample_on_big_tables_and_stays_fast() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE big AS SELECT i AS id, 'city ' || (i % 50)::VARCHAR AS city, "
        "(i * 7919 % 100003) / 100.0 AS price, DATE '2020-01-01' + (i % 1000)::INTEGER AS day, "
        "format('{:,} km', i % 5000) AS distance FROM range(1000000) t(i)"
    )
    info = TableInfo(
        "big",
        tuple(
            ColumnInfo(n, t)
            for n, t in con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'big'"
            ).fetchall()
        ),
        1_000_000,
    )
    started = time.perf_counter()
    p = profile_table(con, info)
    seconds = time.perf_counter() - started
    print(f"profile of 1M rows x 5 columns: {seconds:.3f}s")
    assert p.sampled and p.row_count == 1_000_000
    cols = {c.name: c for c in p.columns}
    assert cols["id"].is_id and cols["id"].min_value == "0" and cols["id"].max_value == "999999"
    assert 45 <= cols["city"].distinct_count <= 55 and not cols["city"].is_categorical
    assert cols["distance"].numeric_text
    assert seconds < 3.0


# ---------------------------------------------------------------- the token estimate


def test_estimate_tokens_follows_qwen_splitting() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("1234567890") == 10  # Qwen2 splits every digit
    assert estimate_tokens(" the") == 1
    assert 6 <= estimate_tokens("华东区的销售额是多少") <= 10
    long = "Table \"sales\" (1204 rows)\n  \"地区\" VARCHAR -- 6 values: '华东', '华南'"
    assert estimate_tokens(long) < estimate_tokens(long * 2) <= 2 * estimate_tokens(long) + 1
