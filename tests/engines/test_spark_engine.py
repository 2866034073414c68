"""SparkEngine in local mode: files as views, fixed SQL, the row cap, timeouts, and writes that cannot happen.

Needs Java 17+ and pyspark (``pip install 'tablepilot[spark]'``); skipped with the reason otherwise.
One SparkSession serves the whole test process (a JVM start takes seconds).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tablepilot.errors import GuardError, LoadError, QueryError

if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Spark needs Java 17+ (apt-get install openjdk-17-jre-headless)", allow_module_level=True)
pytest.importorskip("pyspark", reason="pip install 'tablepilot[spark]'")
os.environ.setdefault("TABLEPILOT_SPARK_MASTER", "local[2]")  # one JVM per test process, 2 cores

from tablepilot.engines.sources import open_engine
from tablepilot.engines.spark_engine import SparkEngine, is_master, open_spark
from tablepilot.pipeline import DataContext
from tablepilot.sql.guard import check_readonly

MASTER = os.environ["TABLEPILOT_SPARK_MASTER"]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("spark-data")
    events = root / "events"
    events.mkdir()
    for part in range(3):
        pq.write_table(
            pa.table(
                {
                    "id": list(range(part * 100, part * 100 + 100)),
                    "region": [["north", "south", "east"][i % 3] for i in range(100)],
                    "amount": [float(i % 10) for i in range(100)],
                }
            ),
            events / f"part-{part}.parquet",
        )
    (root / "people.csv").write_text(
        "name,age,home city\nAnn,31,Oslo\nBo,45,Rome\nCy,28,Oslo\n", encoding="utf-8"
    )
    (root / "tags.json").write_text(
        "\n".join(json.dumps({"tag": t, "n": n}) for t, n in [("a", 1), ("b", 2)]) + "\n", encoding="utf-8"
    )
    return root


@pytest.fixture(scope="module")
def engine(data: Path) -> Iterator[SparkEngine]:
    e = open_spark([str(data / "events"), str(data / "people.csv"), str(data / "tags.json")], master=MASTER)
    try:
        yield e
    finally:
        e.close()


def test_files_globs_and_folders_become_views(engine: SparkEngine) -> None:
    tables = {t.name: t for t in engine.tables()}
    assert set(tables) == {"events", "people", "tags"}
    assert tables["events"].row_count == 300 and tables["people"].row_count == 3
    assert {c.name: c.type for c in tables["events"].columns} == {
        "id": "BIGINT",
        "region": "STRING",
        "amount": "DOUBLE",
    }
    assert [c.name for c in tables["people"].columns] == ["name", "age", "home city"]
    assert engine.dialect == "spark"


def test_fixed_sql_runs_on_spark_with_double_quoted_names(engine: SparkEngine) -> None:
    r = engine.execute(
        "SELECT region, SUM(amount) AS total, COUNT(*) AS n FROM events GROUP BY region ORDER BY region"
    )
    assert r.columns == ["region", "total", "n"]
    assert r.rows == [["east", 450.0, 99], ["north", 459.0, 102], ["south", 441.0, 99]]
    r = engine.execute('SELECT "home city", AVG(age) FROM people WHERE name <> \'Bo\' GROUP BY "home city"')
    assert r.rows == [["Oslo", 29.5]]
    joined = engine.execute(
        "WITH t AS (SELECT tag, n FROM tags) SELECT p.name FROM people p JOIN t ON p.age > t.n * 15 "
        "WHERE t.tag = 'b' ORDER BY p.name"
    )
    assert joined.rows == [["Ann"], ["Bo"]]


def test_row_cap(engine: SparkEngine) -> None:
    r = engine.execute("SELECT id FROM events ORDER BY id", max_rows=5)
    assert r.rows == [[0], [1], [2], [3], [4]] and r.truncated
    assert not engine.execute("SELECT id FROM events", max_rows=300).truncated


def test_a_slow_query_is_cancelled_at_the_timeout(engine: SparkEngine) -> None:
    start = time.monotonic()
    with pytest.raises(QueryError, match="longer than 1 s"):
        engine.execute(
            "SELECT COUNT(*) FROM range(0, 4000000000) a WHERE hash(a.id, 1) % 7 = 3", timeout_s=1.0
        )
    assert time.monotonic() - start < 30
    assert engine.execute("SELECT COUNT(*) FROM people").rows == [[3]]  # still usable afterwards


def test_errors_say_what_to_fix(engine: SparkEngine) -> None:
    with pytest.raises(QueryError) as info:
        engine.execute("SELECT nope FROM people")
    assert info.value.hint and "listed tables" in info.value.hint
    with pytest.raises(QueryError) as info:
        engine.execute("SELECT FROM WHERE")
    assert info.value.hint and "Spark SQL" in info.value.hint


WRITES = [
    "INSERT OVERWRITE DIRECTORY '{out}' USING parquet SELECT * FROM people",
    "INSERT OVERWRITE LOCAL DIRECTORY '{out}' SELECT * FROM people",
    "CREATE TABLE copy USING parquet LOCATION '{out}' AS SELECT * FROM people",
    "CREATE TEMPORARY VIEW sneaky AS SELECT 1",
    "CACHE TABLE people",
    "UNCACHE TABLE people",
    "CACHE LAZY TABLE c AS SELECT * FROM people",
    "ADD JAR {out}/x.jar",
    "SET spark.sql.runSQLOnFiles=true",
    "RESET",
    "REFRESH TABLE people",
    "DROP VIEW people",
    "FROM people INSERT INTO people SELECT *",
    "SELECT TRANSFORM(name) USING 'touch {out}' AS (x) FROM people",
    "WITH c AS (SELECT TRANSFORM(name) USING 'touch {out}' AS (x) FROM people) SELECT * FROM c",
    "SELECT reflect('java.lang.System', 'getProperty', 'user.home')",
    "SELECT java_method('java.io.File', 'createTempFile', 'x', 'y')",
    "SELECT name FROM people WHERE name IN (SELECT reflect('java.lang.Math', 'abs', -1))",
    "SELECT * FROM parquet.`{data}/events/part-0.parquet`",
    "SELECT * FROM csv.`file:///etc/passwd`",
    "SELECT * FROM read_files('{data}')",
    "SELECT * FROM some_catalog_table",
]


@pytest.mark.parametrize("template", WRITES)
def test_the_engine_refuses_writes_and_escapes_with_the_guard_switched_off(
    engine: SparkEngine, data: Path, tmp_path: Path, template: str
) -> None:
    out = tmp_path / "out"
    sql = template.format(out=out, data=data)
    with pytest.raises((GuardError, QueryError)):
        engine.execute(sql)  # the engine alone, no guard in front of it
    assert not out.exists()
    assert sorted(t.name for t in engine.session.catalog.listTables()) == ["events", "people", "tags"]
    assert engine.session.conf.get("spark.sql.runSQLOnFiles") == "false"
    assert not engine.session.catalog.isCached("people")
    assert engine.execute("SELECT COUNT(*) FROM people").rows == [[3]]


@pytest.mark.parametrize("template", WRITES)
def test_the_guard_refuses_them_in_the_spark_dialect(engine: SparkEngine, data: Path, template: str) -> None:
    sql = template.format(out="/tmp/x", data=data)
    with pytest.raises(GuardError):
        check_readonly(sql, dialect="spark", tables=[t.name for t in engine.tables()])


def test_the_guard_reads_spark_as_spark_does() -> None:
    tables = ["people"]
    ok = "SELECT \"home city\", count(*) FROM people WHERE name = 'it''s' GROUP BY \"home city\""
    assert check_readonly(ok, dialect="spark", tables=tables) == ok
    assert check_readonly("SELECT explode(array(1, 2))", dialect="spark", tables=tables)
    for bad in ("SELECT '${spark.sql.warehouse.dir}'", "SELECT input_file_name() FROM people"):
        with pytest.raises(GuardError):
            check_readonly(bad, dialect="spark", tables=tables)


def test_engines_in_one_process_do_not_see_each_others_views(engine: SparkEngine, data: Path) -> None:
    with SparkEngine(master=MASTER) as other:
        other.register_arrow("people", pa.table({"x": [1, 2]}))
        assert other.execute("SELECT SUM(x) FROM people").rows == [[3]]
        with pytest.raises((QueryError, GuardError)):
            other.execute("SELECT * FROM events")
    assert engine.execute("SELECT COUNT(*) FROM people").rows == [[3]]


def test_profiles_come_from_a_duckdb_sample(data: Path) -> None:
    with open_spark([str(data / "events")], master=MASTER, sample_rows=50) as e:
        con = e.profile_connection()
        assert con.execute("SELECT COUNT(*) FROM events").fetchone() == (50,)
        ctx = DataContext.build(e)
        assert ctx.profiles[0].row_count == 300 and ctx.profiles[0].sampled


def test_sources_pick_spark_by_flag_or_master(data: Path) -> None:
    assert is_master("local[*]") and is_master("spark://h:7077") and is_master("spark://h:7077/sales")
    assert not is_master("local.csv") and not is_master("events/")
    with open_engine([str(data / "people.csv")], engine="spark") as e:  # type: ignore[attr-defined]
        assert isinstance(e, SparkEngine)
    with open_engine([MASTER, str(data / "tags.json")]) as e:  # type: ignore[attr-defined]
        assert isinstance(e, SparkEngine) and [t.name for t in e.tables()] == ["tags"]
    with pytest.raises(LoadError, match="no tables"):
        open_engine([MASTER])
    with pytest.raises(LoadError, match="format"):
        open_engine([str(data / "nothing.xyz")], engine="spark")


def test_catalog_tables_of_a_database(engine: SparkEngine) -> None:
    root = engine.session.newSession()
    root.sql("CREATE DATABASE IF NOT EXISTS sales")
    root.sql(
        "CREATE TABLE IF NOT EXISTS sales.orders (id INT COMMENT 'order number', amount DOUBLE) USING parquet"
    )
    root.sql("INSERT INTO sales.orders VALUES (1, 2.5), (2, 4.0)")
    with SparkEngine(master=MASTER) as cat:
        [info] = cat.add_catalog_tables("sales")
        assert info.name == "orders" and info.row_count == 2
        assert {c.name: c.description for c in info.columns}["id"] == "order number"
        assert cat.execute('SELECT SUM("amount") FROM orders').rows == [[6.5]]
        with pytest.raises(GuardError):
            cat.execute("INSERT INTO orders VALUES (3, 1.0)")
    assert root.sql("SELECT COUNT(*) FROM sales.orders").collect()[0][0] == 2
