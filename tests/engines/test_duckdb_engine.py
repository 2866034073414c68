"""The DuckDB engine: lock-down (tested against the engine, below any SQL guard), limits, errors."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from tablepilot.data.names import quote_ident
from tablepilot.engines.duckdb_engine import DuckDBEngine, open_sources
from tablepilot.errors import QueryError


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    p = tmp_path / "secret.csv"
    p.write_text("password\nhunter2\n")
    return p


@pytest.fixture
def engine(tmp_path: Path) -> DuckDBEngine:
    p = tmp_path / "t.csv"
    p.write_text("a,b\n" + "".join(f"{i},{i * 2}\n" for i in range(50)))
    e = open_sources([p], memory_limit="512MB", threads=2)
    yield e  # type: ignore[misc]
    e.close()


def test_locked_engine_reads_no_files(engine: DuckDBEngine, secret: Path) -> None:
    for sql in (
        f"SELECT * FROM read_csv('{secret}')",
        f"SELECT * FROM '{secret}'",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM glob('/etc/*')",
    ):
        with pytest.raises(QueryError) as info:
            engine.execute(sql)
        assert "hunter2" not in str(info.value) and info.value.data["sql"] == sql


@pytest.mark.parametrize(
    "sql",
    [
        "COPY (SELECT 1) TO '{out}'",
        "ATTACH '{db}' AS other",
        "ATTACH ':memory:' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET memory_limit='100GB'",
        "SET enable_external_access=true",
        "CREATE TABLE evil AS SELECT 1",
        "SELECT 1; SELECT 2",
    ],
)
def test_locked_engine_refuses_side_effects(engine: DuckDBEngine, tmp_path: Path, sql: str) -> None:
    out, db = tmp_path / "out.csv", tmp_path / "x.duckdb"
    with pytest.raises(QueryError):
        engine.execute(sql.format(out=out, db=db))
    assert not out.exists() and not db.exists()


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('{secret}')",
        "COPY (SELECT 1) TO '{out}'",
        "ATTACH '{db}' AS other",
        "INSTALL httpfs",
        "SET memory_limit='100GB'",
        "SET enable_external_access=true",
        "RESET lock_configuration",
    ],
)
def test_lock_holds_on_the_raw_connection_too(
    engine: DuckDBEngine, tmp_path: Path, secret: Path, sql: str
) -> None:
    """The statement filter in execute() aside, DuckDB itself refuses (defence in depth)."""
    out, db = tmp_path / "out.csv", tmp_path / "x.duckdb"
    with pytest.raises(duckdb.Error):
        engine.connection.execute(sql.format(secret=secret, out=out, db=db)).fetchall()
    assert not out.exists() and not db.exists()
    settings = dict(
        engine.connection.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN "
            "('enable_external_access', 'lock_configuration', 'memory_limit', 'threads', 'autoload_known_extensions')"
        ).fetchall()
    )
    assert settings["enable_external_access"] == "false" and settings["lock_configuration"] == "true"
    assert settings["autoload_known_extensions"] == "false" and settings["threads"] == "2"
    assert settings["memory_limit"].startswith("48")  # 512MB shown as 488.2 MiB


def test_load_after_lock_parses_elsewhere_and_stays_locked(engine: DuckDBEngine, secret: Path) -> None:
    (info,) = engine.load([secret])
    assert engine.execute(f"SELECT * FROM {quote_ident(info.name)}").rows == [["hunter2"]]
    with pytest.raises(QueryError):
        engine.execute(f"SELECT * FROM read_csv('{secret}')")
    engine.lock()  # idempotent


def test_execute_locks_an_engine_nobody_locked(secret: Path) -> None:
    e = DuckDBEngine()
    try:
        assert not e.locked
        with pytest.raises(QueryError):
            e.execute(f"SELECT * FROM read_csv('{secret}')")
        assert e.locked
    finally:
        e.close()


def test_timeout_interrupts_quickly(engine: DuckDBEngine) -> None:
    start = time.monotonic()
    with pytest.raises(QueryError, match="longer than 0.5 s"):
        engine.execute("SELECT count(*) FROM range(1000000000) a, range(1000000000) b", timeout_s=0.5)
    assert time.monotonic() - start < 5
    assert engine.execute("SELECT count(*) FROM t").rows == [[50]]  # still usable afterwards


def test_row_cap_sets_truncated(engine: DuckDBEngine) -> None:
    res = engine.execute("SELECT a FROM t ORDER BY a", max_rows=10)
    assert res.truncated and len(res.rows) == 10 and res.rows[-1] == [9] and res.columns == ["a"]
    full = engine.execute("SELECT a FROM t", max_rows=50)
    assert not full.truncated and len(full.rows) == 50


def test_row_cap_does_not_materialise_huge_results(engine: DuckDBEngine) -> None:
    start = time.monotonic()
    res = engine.execute("SELECT * FROM range(10000000000)", max_rows=5, timeout_s=10)
    assert res.truncated and len(res.rows) == 5 and time.monotonic() - start < 5


def test_errors_become_query_errors_with_hints(engine: DuckDBEngine) -> None:
    with pytest.raises(QueryError) as info:
        engine.execute("SELECT nope FROM t")
    assert info.value.hint and '"t"' in info.value.hint
    assert info.value.data["sql"] == "SELECT nope FROM t"
    with pytest.raises(QueryError, match="Parser|syntax"):
        engine.execute("SELEC 1")


def test_python_values_come_back(engine: DuckDBEngine) -> None:
    res = engine.execute("SELECT DATE '2024-01-02' AS d, 1.5::DECIMAL(4,2) AS x, NULL AS n, 'é' AS s")
    assert res.columns == ["d", "x", "n", "s"]
    assert res.rows[0][0] == dt.date(2024, 1, 2) and float(res.rows[0][1]) == 1.5 and res.rows[0][2] is None


def test_register_arrow_chinese_names_and_reserved_words() -> None:
    e = DuckDBEngine()
    try:
        table = pa.table({"用户": ["甲", "乙"], "user": [1, 2], "order": [3, 4], 'say "hi"': [5, 6]})
        info = e.register_arrow("客户 表", table, source="memory", notes=["from a test"])
        again = e.register_arrow("客户 表", table)
        e.lock()
        assert info.name == "客户 表" and again.name == "客户 表_2" and info.notes == ("from a test",)
        cols = ", ".join(quote_ident(c) for c in table.column_names)
        res = e.execute(f"SELECT {cols} FROM {quote_ident(info.name)} ORDER BY {quote_ident('order')}")
        assert res.rows == [["甲", 1, 3, 5], ["乙", 2, 4, 6]]
        after = e.register_arrow("later", pa.table({"x": [1]}))  # memory only: allowed after lock
        assert e.execute(f"SELECT x FROM {quote_ident(after.name)}").rows == [[1]]
        assert [t.name for t in e.tables()] == ["客户 表", "客户 表_2", "later"]
    finally:
        e.close()


def test_one_query_at_a_time_across_threads(engine: DuckDBEngine) -> None:
    results: list[int] = []

    def work() -> None:
        for _ in range(20):
            results.append(engine.execute("SELECT sum(b) FROM t").rows[0][0])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [2450] * 80


def test_close_removes_private_temp_directory() -> None:
    e = DuckDBEngine()
    temp = Path(e._temp_directory)
    assert temp.is_dir()
    e.close()
    assert not temp.exists()


def test_engine_nobody_closed_removes_its_temp_directory_when_dropped() -> None:
    import gc

    e = DuckDBEngine()
    e.execute("SELECT 1")
    temp = Path(e._temp_directory)
    del e
    gc.collect()
    assert not temp.exists()


def test_callers_temp_directory_is_kept(tmp_path: Path) -> None:
    e = DuckDBEngine(temp_directory=str(tmp_path))
    e.execute("SELECT 1")
    e.close()
    del e
    assert tmp_path.is_dir()
