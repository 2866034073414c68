"""The suite runner: never reads the gold, never crashes on one question, flushes every line."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from tablepilot.evaluation.runner import EngineCache, evaluate, run_suite
from tablepilot.evaluation.scoring import score
from tablepilot.evaluation.suite import Question, Suite

SuiteMaker = Callable[..., Path]

CSV_A = '"Name","Points"\n"Alpha","3"\n"Beta","5"\n'
CSV_B = '"City","Pop"\n"X","10"\n'


def wtq_like(make_suite: SuiteMaker, answers: list[dict[str, Any]] | None) -> Path:
    qs = [
        {"id": "q1", "question": "who has 5 points?", "tables": ["tables/csv/200-csv/1.csv"]},
        {"id": "q2", "question": "how many rows?", "tables": ["tables/csv/200-csv/1.csv"]},
        {"id": "q3", "question": "population of X?", "tables": ["tables/csv/200-csv/2.csv"]},
        {"id": "q4", "question": "explode", "tables": ["tables/csv/200-csv/1.csv"]},
        {"id": "q5", "question": "missing table", "tables": ["tables/csv/200-csv/404.csv"]},
    ]
    files = {"tables/csv/200-csv/1.csv": CSV_A, "tables/csv/200-csv/2.csv": CSV_B}
    return make_suite(metric="denotation", questions=qs, answers=answers, files=files)


GOLD = [
    {"id": "q1", "answers": ["Beta"], "canon": ["Beta"]},
    {"id": "q2", "answers": ["2"], "canon": ["2.0"]},
    {"id": "q3", "answers": ["10"], "canon": ["10.0"]},
    {"id": "q4", "answers": ["x"], "canon": ["x"]},
    {"id": "q5", "answers": ["x"], "canon": ["x"]},
]

SQL = {
    "q1": "SELECT Name FROM t_1 WHERE Points = '5'",
    "q2": "SELECT COUNT(*) FROM t_1",
    "q3": "SELECT Pop FROM t_2 WHERE City = 'X'",
}


def sql_answerer(question: Question, engine: Any) -> Mapping[str, Any]:
    if question.id == "q4":
        raise RuntimeError("model fell over")
    rows = engine.execute(SQL[question.id])
    return {
        "answer": [r[0] for r in rows],
        "rows": [list(r) for r in rows],
        "sql": SQL[question.id],
        "prompt_tokens": 7,
        "completion_tokens": 3,
    }


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_run_suite_writes_one_line_per_question(
    make_suite: SuiteMaker, tmp_path: Path, plain_engine: Any
) -> None:
    suite = Suite.open(wtq_like(make_suite, GOLD))
    engines: list[Any] = []

    def factory() -> Any:
        engines.append(plain_engine())
        return engines[-1]

    out = run_suite(suite, sql_answerer, out=tmp_path / "p.jsonl", progress=False, engine_factory=factory)
    lines = read_lines(out)
    assert [x["id"] for x in lines] == ["q1", "q2", "q3", "q4", "q5"]
    q1, q2, _, q4, q5 = lines
    assert q1["answer"] == ["Beta"] and q1["rows"] == [["Beta"]] and q1["sql"] == SQL["q1"]
    assert q2["answer"] == ["2"] and q2["rows"] == [[2]]  # non-strings become strings in `answer`
    assert q1["prompt_tokens"] == 7 and q1["error"] is None and q1["seconds"] >= 0
    assert q4["error"] == "RuntimeError: model fell over" and q4["answer"] == []
    assert q5["error"].startswith("loading the tables failed") and q5["seconds"] == 0.0
    # q1, q2 share one engine; q3 another; q4 is back on the first table set (still cached)
    assert len(engines) == 3  # the third is q5's failed load
    assert all(e.closed for e in engines) and engines[0].locked


def test_runner_never_reads_answers(make_suite: SuiteMaker, tmp_path: Path, plain_engine: Any) -> None:
    root = wtq_like(make_suite, None)  # no answers.jsonl at all
    out = run_suite(
        Suite.open(root), sql_answerer, out=tmp_path / "a.jsonl", progress=False, engine_factory=plain_engine
    )
    assert len(read_lines(out)) == 5
    (root / "answers.jsonl").mkdir()  # present but unreadable (opening a directory fails, even for root)
    out = run_suite(
        Suite.open(root), sql_answerer, out=tmp_path / "b.jsonl", progress=False, engine_factory=plain_engine
    )
    assert [x["answer"] for x in read_lines(out)][:3] == [["Beta"], ["2"], ["10"]]


def test_lines_are_flushed_as_they_are_written(
    make_suite: SuiteMaker, tmp_path: Path, plain_engine: Any
) -> None:
    suite = Suite.open(wtq_like(make_suite, GOLD))
    out = tmp_path / "p.jsonl"
    seen_before: list[int] = []

    def answerer(question: Question, engine: Any) -> Mapping[str, Any]:
        seen_before.append(len(out.read_text().splitlines()))
        if question.id == "q3":
            raise KeyboardInterrupt  # an interrupted run keeps the lines it wrote
        return {"answer": ["x"]}

    with pytest.raises(KeyboardInterrupt):
        run_suite(suite, answerer, out=out, progress=False, engine_factory=plain_engine)
    assert seen_before == [0, 1, 2]
    assert [x["id"] for x in read_lines(out)] == ["q1", "q2"]
    # resume appends the rest
    run_suite(
        suite,
        lambda q, e: {"answer": ["y"]},
        out=out,
        progress=False,
        engine_factory=plain_engine,
        resume=True,
    )
    assert [x["id"] for x in read_lines(out)] == ["q1", "q2", "q3", "q4", "q5"]


def test_evaluate_with_limit_and_progress(make_suite: SuiteMaker, tmp_path: Path, plain_engine: Any) -> None:
    root = wtq_like(make_suite, GOLD)
    report = evaluate(root, sql_answerer, limit=3, out=tmp_path / "p.jsonl", engine_factory=plain_engine)
    assert report is not None
    assert (report.considered, report.correct, report.count) == (3, 3, 5)
    assert report.accuracy_considered == 1.0 and report.accuracy == 0.6
    assert len(read_lines(tmp_path / "p.jsonl")) == 3
    (root / "answers.jsonl").unlink()
    assert (
        evaluate(root, sql_answerer, limit=1, out=tmp_path / "q.jsonl", engine_factory=plain_engine) is None
    )


def test_every_nth_question_is_answered_and_scored(
    make_suite: SuiteMaker, tmp_path: Path, plain_engine: Any
) -> None:
    root = wtq_like(make_suite, GOLD)
    out = tmp_path / "p.jsonl"
    run_suite(Suite.open(root), sql_answerer, every=2, out=out, progress=False, engine_factory=plain_engine)
    assert [x["id"] for x in read_lines(out)] == ["q1", "q3", "q5"]
    report = score(Suite.open(root), out, every=2)
    assert (report.considered, report.correct, report.missing) == (3, 2, 0)
    assert score(Suite.open(root), out, every=2, limit=1).considered == 1
    # another start draws the other half: no question of the first sample again
    other = tmp_path / "o.jsonl"
    run_suite(
        Suite.open(root),
        sql_answerer,
        every=2,
        start=1,
        out=other,
        progress=False,
        engine_factory=plain_engine,
    )
    assert [x["id"] for x in read_lines(other)] == ["q2", "q4"]
    assert score(Suite.open(root), other, every=2, start=1).considered == 2
    assert score(Suite.open(root), other, every=2).missing == 3


def test_engine_cache_evicts_and_closes(tmp_path: Path, plain_engine: Any) -> None:
    paths = []
    for i in range(3):
        p = tmp_path / f"tables/csv/200-csv/{i}.csv"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(CSV_B)
        paths.append(p)
    made: list[Any] = []

    def factory() -> Any:
        made.append(plain_engine())
        return made[-1]

    cache = EngineCache(factory, size=2)
    qs = [Question(str(i), "?", (p,)) for i, p in enumerate(paths)]
    a = cache.get(qs[0])
    assert cache.get(qs[0]) is a
    cache.get(qs[1])
    cache.get(qs[2])  # evicts qs[0]'s engine
    assert made[0].closed and not made[1].closed
    assert cache.get(qs[1]) is made[1] and cache.loads == 3
    cache.close()
    assert all(e.closed for e in made)


def test_real_duckdb_engine_runs_a_question(make_suite: SuiteMaker, tmp_path: Path) -> None:
    pytest.importorskip("tablepilot.engines.duckdb_engine")
    suite = Suite.open(wtq_like(make_suite, GOLD))

    def answerer(question: Question, engine: Any) -> Mapping[str, Any]:
        result = engine.execute(SQL["q1"])
        return {"answer": [r[0] for r in result.rows], "rows": result.rows}

    out = run_suite(suite, answerer, limit=1, out=tmp_path / "p.jsonl", progress=False)
    assert read_lines(out)[0]["answer"] == ["Beta"]
