"""open_engine: which engine a source gets, and in-place views over Parquet/CSV globs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb
import pytest

from tablepilot.engines.duckdb_engine import DuckDBEngine
from tablepilot.engines.inplace_engine import InPlaceEngine
from tablepilot.engines.sources import file_url_path, open_engine, scheme_of
from tablepilot.errors import InputError, LoadError, QueryError
from tablepilot.pipeline import DataContext


def _parquet_parts(root: Path, parts: int = 3, rows: int = 1000) -> Path:
    folder = root / "events"
    folder.mkdir()
    con = duckdb.connect()
    for k in range(parts):
        con.execute(
            f"COPY (SELECT {k} * {rows} + i AS id, ['华东', '华北'][1 + i % 2] AS region, i * 0.5 AS amount "
            f"FROM range({rows}) t(i)) TO '{folder}/part-{k}.parquet' (FORMAT parquet)"
        )
    con.close()
    return folder


def test_schemes_and_file_urls() -> None:
    assert scheme_of("postgresql://u@h/db") == "postgresql"
    assert scheme_of("C:/data/x.csv") is None and scheme_of("data/x.csv") is None
    assert file_url_path("sqlite:///data/a.db") == "/data/a.db"
    assert file_url_path("sqlite:///./a.db") == "./a.db"
    with pytest.raises(InputError, match="unsupported source"):
        open_engine(["oracle://u@h/db"])
    with pytest.raises(InputError):
        open_engine([])


def test_sqlite_url_and_plain_files_load_into_duckdb(tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    with sqlite3.connect(db) as c:
        c.execute("CREATE TABLE t (x INTEGER, y TEXT)")
        c.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
    engine = open_engine([f"sqlite:///{db}"])
    try:
        assert isinstance(engine, DuckDBEngine) and not isinstance(engine, InPlaceEngine)
        assert engine.execute('SELECT sum("x") FROM "t"').rows == [[3]]
    finally:
        engine.close()
    csv = tmp_path / "small.csv"
    csv.write_text("a,b\n1,2\n", encoding="utf-8")
    engine = open_engine([csv])
    try:
        assert not isinstance(engine, InPlaceEngine) and [t.name for t in engine.tables()] == ["small"]
    finally:
        engine.close()


def test_a_parquet_glob_is_queried_in_place_and_locked(tmp_path: Path) -> None:
    folder = _parquet_parts(tmp_path)
    outside = tmp_path / "secret.csv"
    outside.write_text("x\n42\n", encoding="utf-8")
    engine = open_engine([f"{folder}/*.parquet"])
    try:
        assert isinstance(engine, InPlaceEngine)
        (info,) = engine.tables()
        assert info.name == "events" and info.row_count == 3000
        assert engine.execute('SELECT count(*), max("id") FROM "events"').rows == [[3000, 2999]]
        with pytest.raises(QueryError):  # only the matched files may be read, nothing else
            engine.execute(f"SELECT * FROM read_csv('{outside}')")
        sample = engine.profile_connection().execute('SELECT count(*) FROM "events"').fetchone()
        assert sample == (3000,)
        context = DataContext.build(engine)
        assert context.profiles[0].row_count == 3000
    finally:
        engine.close()


def test_big_tables_are_profiled_from_a_sample_with_the_real_count(tmp_path: Path) -> None:
    folder = _parquet_parts(tmp_path, parts=4, rows=5000)
    from tablepilot.engines.inplace_engine import open_in_place

    engine = open_in_place([f"{folder}/*.parquet"], sample_rows=400)
    try:
        sample = engine.profile_connection().execute(
            'SELECT count(*), count(DISTINCT "id" // 5000) FROM "events"'
        )
        assert sample.fetchone() == (400, 4)  # rows from every file
        profile = DataContext.build(engine).profiles[0]
        assert profile.row_count == 20_000 and profile.sampled
    finally:
        engine.close()


def test_a_glob_matching_nothing_or_mixed_kinds_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no file matches"):
        open_engine([f"{tmp_path}/*.parquet"])
    folder = _parquet_parts(tmp_path, parts=1)
    (folder / "extra.csv").write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(LoadError, match="different or unsupported"):
        open_engine([f"{folder}/*"])
