"""Benchmark suites on Spark: each question's tables copied into Spark, SQL run by Spark SQL."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Spark needs Java 17+ (apt-get install openjdk-17-jre-headless)", allow_module_level=True)
pytest.importorskip("pyspark", reason="pip install 'tablepilot[spark]'")
os.environ.setdefault("TABLEPILOT_SPARK_MASTER", "local[2]")  # one JVM per test process, 2 cores

from tablepilot.engines.base import Engine
from tablepilot.engines.spark_engine import SparkEngine
from tablepilot.evaluation.runner import run_suite
from tablepilot.evaluation.scoring import score
from tablepilot.evaluation.suite import Question, Suite

SCHEMA = """CREATE TABLE `Shop_1`.`Customer` (`Cust_ID` INT(11) NOT NULL, `Name` VARCHAR(50), PRIMARY KEY (`Cust_ID`));
CREATE TABLE `Shop_1`.`Orders` (`Order_ID` INT(11) NOT NULL, `Cust_ID` INT(11), `Total` REAL, `Code` VARCHAR(10),
    PRIMARY KEY (`Order_ID`), FOREIGN KEY (`Cust_ID`) REFERENCES `Shop_1`.`Customer` (`Cust_ID`));
"""


def _tiny_suite(root: Path) -> Path:
    db = root / "dbs" / "Shop_1"
    db.mkdir(parents=True)
    (db / "schema.sql").write_text(SCHEMA, encoding="utf-8")
    (db / "Customer.csv").write_text("Cust_ID,Name\n1,Ann\n2,Bo\n", encoding="utf-8")
    (db / "Orders.csv").write_text("Order_ID,Cust_ID,Total,Code\n10,1,5.5,007\n11,1,4.5,A1\n12,2,1,NULL\n")
    meta = {
        "name": "tiny",
        "kind": "text-to-sql",
        "metric": "execution",
        "source": "t",
        "license": "-",
        "count": 1,
    }
    (root / "suite.json").write_text(json.dumps(meta))
    tables = ["dbs/Shop_1/Customer.csv", "dbs/Shop_1/Orders.csv"]
    question = {"id": "q1", "question": "Total per customer?", "tables": tables, "db": "dbs/Shop_1"}
    (root / "questions.jsonl").write_text(json.dumps(question) + "\n")
    (root / "answers.jsonl").write_text(
        json.dumps({"id": "q1", "rows": [["Ann", 10.0], ["Bo", 1.0]], "ordered": True, "sql": "-"}) + "\n"
    )
    return root


def test_a_suite_runs_on_spark_with_typed_tables(tmp_path: Path) -> None:
    suite_dir = _tiny_suite(tmp_path)
    used: list[Engine] = []

    def answer(question: Question, engine: Engine) -> dict[str, Any]:
        used.append(engine)
        sql = (
            'SELECT T1."Name", SUM(T2.Total) FROM Customer AS T1 JOIN Orders AS T2 '
            "ON T1.Cust_ID = T2.Cust_ID GROUP BY T1.Name ORDER BY T1.Name"
        )
        r = engine.execute(sql)
        types = {c.name: c.type for t in engine.tables() for c in t.columns}
        assert types["Total"] == "DOUBLE" and types["Code"] == "STRING" and types["Cust_ID"] == "BIGINT"
        assert engine.execute("SELECT Code FROM Orders ORDER BY Order_ID").rows == [["007"], ["A1"], [None]]
        return {"answer": r.rows, "rows": r.rows, "sql": sql}

    out = run_suite(
        Suite.open(suite_dir), answer, out=tmp_path / "p.jsonl", progress=False, engine_factory=SparkEngine
    )
    line = json.loads(out.read_text(encoding="utf-8"))
    assert line["error"] is None and line["rows"] == [["Ann", 10.0], ["Bo", 1.0]]
    assert isinstance(used[0], SparkEngine) and used[0].dialect == "spark"
    assert score(Suite.open(suite_dir), out).correct == 1


SPIDER = Path("/work/shared/bench/spider-dev-train")
SPIDER_LIMIT = 8


@pytest.mark.slow  # the embedded model on 8 Spider questions, run by Spark: a few minutes on 2 cores
@pytest.mark.skipif(not SPIDER.is_dir(), reason="the shared spider-dev-train suite is not here")
def test_the_embedded_model_answers_spider_questions_on_spark(tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp", reason="needs the [local] extra: make install")
    from tablepilot.eval_bridge import SuiteAnswerer
    from tablepilot.llm.model_store import status
    from tablepilot.llm.resolve import resolve_backend

    st = status("default")
    if not st.exists:
        pytest.skip("embedded model not installed: run `tablepilot model install`")
    ran: list[str] = []

    class Recording(SparkEngine):
        def execute(self, sql: str, *, max_rows: int = 1000, timeout_s: float = 30.0):  # type: ignore[no-untyped-def]
            result = super().execute(sql, max_rows=max_rows, timeout_s=timeout_s)
            ran.append(sql)
            return result

    llm = resolve_backend(backend="llama.cpp", model=str(st.path))
    suite = Suite.open(SPIDER)
    out = tmp_path / "spider-spark.jsonl"
    try:
        run_suite(
            suite, SuiteAnswerer(llm), limit=SPIDER_LIMIT, out=out, progress=False, engine_factory=Recording
        )
    finally:
        llm.close()
    report = score(suite, out, limit=SPIDER_LIMIT)
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    print(
        f"Spider on Spark: {report.correct}/{SPIDER_LIMIT}",
        *(f"{x['id']}: {x['sql']} {x['error']}" for x in lines),
    )
    assert len(ran) >= SPIDER_LIMIT // 2, "the SQL must have run on Spark"
    assert report.correct >= 2, f"only {report.correct}/{SPIDER_LIMIT} correct on Spark"
