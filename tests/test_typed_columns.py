"""Typed columns built in a real DuckDB: naming, order, policies, errors, speed, and real WTQ tables."""

from __future__ import annotations

import csv
import datetime as dt
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from tablepilot.data.names import quote_ident
from tablepilot.errors import InputError
from tablepilot.typed_columns import add_typed_columns

WTQ = Path("/work/shared/bench/wtq-dev/tables/csv")


def _make(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, list[str | None]]) -> None:
    con.register("__src", pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()}))
    con.execute(f"CREATE TABLE {quote_ident(name)} AS SELECT * FROM __src")
    con.unregister("__src")


def _types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    return {r[0]: r[1] for r in con.execute(f"DESCRIBE {quote_ident(table)}").fetchall()}


MESSY: dict[str, list[str | None]] = {
    "id": ["1", "2", "3", "4", "5"],
    "Attendance": ["12,345", "9,001", "—", "100", "7,000"],
    "Prize": ["$1,000", "$250[a]", "$3.5 million", "N/A", "$10"],
    "Score": ["3–1", "0–0", "2–4", "1–1", None],
    "Date": ["June 5, 1998", "1998-07-01", "2023年1月5日", "2023/1/5", "5 June 1998"],
    "Season": ["1998–99", "1999–2001", "2003", "2005–07", "2010"],
    "Time": ["2:31.45", "2:29.01", "1:02:03", "2:30.00", "DNF"],
    "Released": ["June 1998", "1999", "May 5, 2000", "2001", "2002年3月"],
    "营业收入 (万元)": ["1.5万", "3亿", "１２３", "（3）", "-59,559,343.23"],
    "Name": ["Diddy", "Route 66 west", "N/A", "B.I.G", "Harve"],
    "Attendance_text": ["a", "b", "c", "d", "e"],  # collides with a generated name
}


def test_replace_policy_types_each_kind() -> None:
    con = duckdb.connect()
    _make(con, "games", MESSY)
    result = add_typed_columns(con, "games")
    types = _types(con, "games")
    assert list(types) == [c.name for c in result.columns]
    assert types["id"] == "BIGINT"
    assert types["Attendance"] == "BIGINT"
    assert "Attendance_text_2" not in types  # "—" is empty, nothing was lost: no text copy
    assert types["Prize"] == "BIGINT" and types["Prize_text"] == "VARCHAR"  # footnote dropped
    assert (types["Score"], types["Score_1"], types["Score_2"]) == ("VARCHAR", "BIGINT", "BIGINT")
    assert types["Date"] == "DATE"
    assert (types["Season_low"], types["Season_high"]) == ("BIGINT", "BIGINT")
    assert types["Time_seconds"] == "DOUBLE"
    assert (types["Released"], types["Released_year"], types["Released_month"]) == (
        "VARCHAR",
        "INTEGER",
        "INTEGER",
    )
    assert types["营业收入 (万元)"] == "DOUBLE"
    assert types["Name"] == "VARCHAR"
    assert types["Attendance_text"] == "VARCHAR"
    rows = con.execute(
        'SELECT id, Attendance, Prize, Prize_text, Score_1, Score_2, "Date", Season_low, Season_high, '
        'Time_seconds, Released_year, Released_month, "营业收入 (万元)", Attendance_text FROM games'
    ).fetchall()
    assert rows[0] == (
        1,
        12345,
        1000.0,
        "$1,000",
        3,
        1,
        dt.date(1998, 6, 5),
        1998,
        1999,
        151.45,
        1998,
        6,
        15000.0,
        "a",
    )
    assert rows[2][1] is None and rows[2][2] == 3.5e6 and rows[2][6] == dt.date(2023, 1, 5)
    assert rows[4][9] is None and rows[4][10:12] == (2002, 3)
    assert [r[12] for r in rows] == [15000.0, 3e8, 123.0, -3.0, -59559343.23]
    assert con.execute("SELECT sum(Attendance) FROM games").fetchone() == (28446,)


def test_text_kept_next_to_its_column_and_links_recorded() -> None:
    con = duckdb.connect()
    _make(con, "t", {"Attendance": ["64,112", "Bye", "65,625", "1", "2"], "Note": ["x", "y", "z", "u", "v"]})
    result = add_typed_columns(con, "t")
    assert [(c.name, c.type, c.source_column) for c in result.columns] == [
        ("Attendance", "BIGINT", "Attendance_text"),
        ("Attendance_text", "VARCHAR", None),
        ("Note", "VARCHAR", None),
    ]
    assert con.execute("SELECT * FROM t LIMIT 3").fetchall() == [
        (64112, "64,112", "x"),
        (None, "Bye", "y"),
        (65625, "65,625", "z"),
    ]
    assert len(result.notes) == 1 and "80% of 5" in result.notes[0]
    assert result.kinds["Attendance"].kind == "number"
    info = result.table_info(source="games.csv")
    assert (info.name, info.row_count, info.source) == ("t", 5, "games.csv")


def test_add_policy_keeps_every_original_column() -> None:
    con = duckdb.connect()
    _make(con, "t", {k: MESSY[k] for k in ("Attendance", "Date", "Score", "Name")})
    add_typed_columns(con, "t", policy="add")
    types = _types(con, "t")
    assert list(types) == [
        "Attendance",
        "Attendance_num",
        "Date",
        "Date_date",
        "Score",
        "Score_1",
        "Score_2",
        "Name",
    ]
    assert all(types[c] == "VARCHAR" for c in ("Attendance", "Date", "Score", "Name"))
    assert con.execute("SELECT Attendance, Attendance_num FROM t LIMIT 1").fetchone() == ("12,345", 12345)


def test_target_leaves_source_alone() -> None:
    con = duckdb.connect()
    _make(con, "raw", {"n": ["1", "2"]})
    result = add_typed_columns(con, "raw", target="typed")
    assert result.table == "typed"
    assert _types(con, "raw") == {"n": "VARCHAR"}
    assert _types(con, "typed") == {"n": "BIGINT"}


def test_quoting_and_collisions_case_insensitive() -> None:
    con = duckdb.connect()
    _make(
        con,
        'my "table"',
        {'a "b"': ["1 km", "2 mi"], 'A "B"_TEXT': ["x", "y"], "分数": ["3–1", "2–0"], "分数_1": ["p", "q"]},
    )
    add_typed_columns(con, 'my "table"')
    types = _types(con, 'my "table"')
    assert list(types) == ['a "b"', 'a "b"_text_2', 'A "B"_TEXT', "分数", "分数_1_2", "分数_2", "分数_1"]
    assert types['a "b"'] == "BIGINT"


def test_non_text_columns_untouched_and_nothing_to_do() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT 1.5::DOUBLE AS x, 'hello' AS y")
    result = add_typed_columns(con, "t")
    assert result.notes == () and _types(con, "t") == {"x": "DOUBLE", "y": "VARCHAR"}


def test_row_order_and_count_preserved_on_a_large_table() -> None:
    con = duckdb.connect()
    n = 200_000
    con.execute(
        f"CREATE TABLE big AS SELECT (({n} - i) * 7919 % {n})::VARCHAR AS k, "
        "format('{:,}', i * 3) AS amount, CASE WHEN i % 10 = 0 THEN 'n/a' ELSE (i % 97)::VARCHAR || ' km' END AS d "
        f"FROM range({n}) t(i)"
    )
    expected = [r[0] for r in con.execute("SELECT k FROM big").fetchall()]
    add_typed_columns(con, "big")
    got = con.execute("SELECT k, amount FROM big").fetchall()
    assert [str(r[0]) for r in got] == expected
    assert [r[1] for r in got[:3]] == [0, 3, 6]
    assert _types(con, "big") == {"k": "BIGINT", "amount": "BIGINT", "d": "BIGINT"}


def test_rowid_named_column_still_keeps_order() -> None:
    con = duckdb.connect()
    _make(con, "t", {"rowid": ["c", "a", "b"], "v": ["3", "1,000", "2"]})
    add_typed_columns(con, "t")
    assert con.execute("SELECT * FROM t").fetchall() == [("c", 3), ("a", 1000), ("b", 2)]
    assert {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()} == {"t"}


def test_temp_table_stays_temporary() -> None:
    con = duckdb.connect()
    con.execute("CREATE TEMP TABLE tt AS SELECT '1,000' AS n")
    add_typed_columns(con, "tt")
    assert con.execute("SELECT temporary FROM duckdb_tables() WHERE table_name = 'tt'").fetchall() == [
        (True,)
    ]


@pytest.mark.parametrize(
    ("setup", "kwargs", "fragment"),
    [
        ("", {}, "No table named"),
        ("CREATE VIEW t AS SELECT '1' AS a", {}, "is a view"),
        ("CREATE TABLE t AS SELECT '1' AS a", {"policy": "squash"}, "Unknown typing policy"),
        (
            "CREATE TABLE t AS SELECT '1' AS a; CREATE TABLE u AS SELECT 1 AS b",
            {"target": "u"},
            "already exists",
        ),
    ],
)
def test_errors_say_what_and_how(setup: str, kwargs: dict[str, str], fragment: str) -> None:
    con = duckdb.connect()
    if setup:
        con.execute(setup)
    with pytest.raises(InputError) as err:
        add_typed_columns(con, "t", **kwargs)
    assert fragment in err.value.message and err.value.hint


def test_speed_one_million_rows_twenty_columns() -> None:
    """A 1M × 20 table with realistic distinct counts types in seconds (printed for the report)."""
    con = duckdb.connect()
    cols = []
    for j in range(20):
        kind = j % 5
        if kind == 0:
            cols.append(f"format('{{:,}}', (i * {j + 3}) % 50000) AS c{j}")
        elif kind == 1:
            cols.append(f"((i % 300) / 4.0)::VARCHAR || ' km' AS c{j}")
        elif kind == 2:
            cols.append(f"strftime(DATE '2000-01-01' + (i % 3000)::INTEGER, '%B %-d, %Y') AS c{j}")
        elif kind == 3:
            cols.append(f"(i % 7)::VARCHAR || '–' || (i % 5)::VARCHAR AS c{j}")
        else:
            cols.append(f"'name ' || (i % 1000)::VARCHAR AS c{j}")
    con.execute(f"CREATE TABLE big AS SELECT {', '.join(cols)} FROM range(1000000) t(i)")
    started = time.perf_counter()
    result = add_typed_columns(con, "big")
    elapsed = time.perf_counter() - started
    print(f"\n1M rows x 20 columns typed in {elapsed:.2f}s")
    assert result.row_count == 1_000_000
    assert {k.kind for k in result.kinds.values()} == {"number", "date", "score", "text"}
    assert elapsed < 60  # generous: the test machine is shared


# --- real WikiTableQuestions tables -----------------------------------------------------------------


def _load_wtq(con: duckdb.DuckDBPyConnection, rel: str) -> list[list[str]]:
    path = WTQ / rel
    if not path.exists():
        pytest.skip(f"benchmark table {path} not present")
    with path.open(encoding="utf-8") as f:
        rows = list(csv.reader(f, escapechar="\\", doublequote=False))
    names: list[str] = []
    for i, h in enumerate(rows[0]):
        h = h.strip() or f"column{i}"
        while h.casefold() in {n.casefold() for n in names}:
            h += "_"
        names.append(h)
    data = {n: [r[i] if i < len(r) and r[i] != "" else None for r in rows[1:]] for i, n in enumerate(names)}
    _make(con, "t", data)
    return rows


WTQ_CASES: list[tuple[str, dict[str, str]]] = [
    (
        "204-csv/207.csv",
        {
            "Week": "BIGINT",
            "Date": "DATE",
            "Date_text": "VARCHAR",
            "Result_1": "BIGINT",
            "Attendance": "BIGINT",
            "Attendance_text": "VARCHAR",
        },
    ),
    ("203-csv/138.csv", {"Date": "DATE", "Score": "VARCHAR", "Score_1": "BIGINT", "Score_2": "BIGINT"}),
    ("203-csv/204.csv", {"Year": "BIGINT", "Film": "VARCHAR"}),
    ("203-csv/233.csv", {"Distance": "DOUBLE", "Date": "DATE", "Name": "VARCHAR"}),
    (
        "203-csv/25.csv",
        {"Length": "BIGINT", "Length_text": "VARCHAR", "Date_month": "INTEGER", "Date_day": "INTEGER"},
    ),
    ("203-csv/289.csv", {"Length": "VARCHAR", "Length_seconds": "DOUBLE", "Year": "BIGINT"}),
    ("203-csv/413.csv", {"Population": "BIGINT", "Area\n(km2)": "DOUBLE", "City": "VARCHAR"}),
    ("204-csv/470.csv", {"Year": "VARCHAR", "Year_low": "BIGINT", "Year_high": "BIGINT"}),
    ("203-csv/680.csv", {"Date": "DATE", "Score": "BIGINT", "Attendance": "BIGINT"}),
    ("203-csv/771.csv", {"#": "BIGINT", "Length_seconds": "DOUBLE"}),
    ("204-csv/592.csv", {"Opening\ndate": "DATE", "Closing\ndate": "DATE", "Performances": "BIGINT"}),
    ("204-csv/996.csv", {"Air date": "DATE", "Viewers\n(millions)": "DOUBLE"}),
    ("203-csv/348.csv", {"Years with franchise_low": "BIGINT", "Years with franchise_high": "BIGINT"}),
    ("204-csv/604.csv", {"Race Time_seconds": "DOUBLE", "Average Speed\n(mph)": "DOUBLE"}),
    ("204-csv/81.csv", {"Rank": "BIGINT", "Time_seconds": "DOUBLE", "Country": "VARCHAR"}),
    ("203-csv/741.csv", {"Season_low": "BIGINT", "Home_1": "BIGINT", "Aggregate_2": "BIGINT"}),
]


def _by_name(con: duckdb.DuckDBPyConnection) -> dict[str, list[object]]:
    cur = con.execute("SELECT * FROM t")
    names = [d[0] for d in cur.description or []]
    rows = cur.fetchall()
    return {n: [r[i] for r in rows] for i, n in enumerate(names)}


@pytest.mark.parametrize(("rel", "expected"), WTQ_CASES, ids=[c[0] for c in WTQ_CASES])
def test_real_wtq_tables(rel: str, expected: dict[str, str]) -> None:
    con = duckdb.connect()
    rows = _load_wtq(con, rel)
    before = _by_name(con)
    result = add_typed_columns(con, "t")
    types = _types(con, "t")
    assert {k: types.get(k) for k in expected} == expected
    assert result.row_count == len(rows) - 1
    after = _by_name(con)
    # the raw text survives row for row, in place or in its <col>_text copy
    for name, values in before.items():
        kept = name if types[name] == "VARCHAR" else f"{name}_text"
        if kept in after:
            assert after[kept] == values, name
    assert any(types[n] == "VARCHAR" for n in before)


def test_real_wtq_values() -> None:
    con = duckdb.connect()
    _load_wtq(con, "204-csv/207.csv")
    add_typed_columns(con, "t")
    first = con.execute('SELECT "Date", Result, Result_1, Result_2, Attendance FROM t LIMIT 1').fetchone()
    assert first == (dt.date(1991, 9, 1), "W 10–6", 10, 6, 64112)
    bye = con.execute(
        "SELECT Attendance, Attendance_text, Date_text FROM t WHERE Attendance IS NULL"
    ).fetchall()
    assert bye == [(None, "Bye", "Bye")]
    assert con.execute("SELECT max(Attendance) FROM t").fetchone() == (80366,)


def test_a_name_with_a_number_in_brackets_gains_the_number() -> None:
    con = duckdb.connect()
    con.execute('CREATE TABLE g ("High points" VARCHAR, "Team" VARCHAR)')
    con.execute(
        "INSERT INTO g VALUES ('Chris Kaman (14)', 'Saskatoon Legends (2003)'), "
        "('Randy Foye (8)', 'Regina Cougars (2005)'), ('Blake Griffin (13)', NULL)"
    )
    add_typed_columns(con, "g")
    types = _types(con, "g")
    assert (types["High points"], types["High points_number"]) == ("VARCHAR", "BIGINT")
    assert types["Team_year"] == "BIGINT"  # every number in brackets is a year
    rows = con.execute('SELECT MIN("High points_number"), MAX("Team_year") FROM g').fetchall()
    assert rows == [(8, 2005)]
