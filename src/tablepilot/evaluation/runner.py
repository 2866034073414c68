"""Run an answering function over a suite and write ``predictions.jsonl``.

The runner sees questions and data only: it never imports or calls ``load_gold``, so answers
cannot leak into answering (a test runs it with ``answers.jsonl`` made unreadable). Each
prediction line is written and flushed as soon as it exists, so an interrupted run keeps its work.
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TextIO

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tablepilot.answer import json_cell
from tablepilot.engines.base import Engine
from tablepilot.evaluation.scoring import Report, answer_items, score
from tablepilot.evaluation.suite import Question, Suite, chosen, has_gold
from tablepilot.evaluation.tables import load_question_tables

AnswerFn = Callable[[Question, Engine], Mapping[str, Any]]
EngineFactory = Callable[[], Engine]


def default_engine_factory() -> Engine:
    from tablepilot.engines.duckdb_engine import DuckDBEngine

    return DuckDBEngine()


class EngineCache:
    """The last few engines, keyed by the tables they hold; evicted engines are closed."""

    def __init__(self, factory: EngineFactory | None = None, size: int = 4) -> None:
        self.factory = factory or default_engine_factory
        self.size = max(1, size)
        self._engines: OrderedDict[tuple[str, ...], Engine] = OrderedDict()
        self.loads = 0  # how many engines were built (for tests and progress)

    def get(self, question: Question) -> Engine:
        key = question.table_key
        engine = self._engines.get(key)
        if engine is not None:
            self._engines.move_to_end(key)
            return engine
        engine = self.factory()
        try:
            load_question_tables(question, engine)  # type: ignore[arg-type]
            lock = getattr(engine, "lock", None)
            if callable(lock):
                lock()
        except BaseException:
            engine.close()
            raise
        self.loads += 1
        self._engines[key] = engine
        while len(self._engines) > self.size:
            _, old = self._engines.popitem(last=False)
            old.close()
        return engine

    def close(self) -> None:
        while self._engines:
            _, engine = self._engines.popitem()
            engine.close()


def prediction_line(question: Question, result: Mapping[str, Any], seconds: float) -> dict[str, Any]:
    """One predictions.jsonl object in FORMAT.md's shape, whatever the answer function returned."""
    rows = result.get("rows")
    error = result.get("error")
    return {
        "id": question.id,
        "answer": answer_items(result["answer"]) if result.get("answer") is not None else [],
        "rows": [[json_cell(c) for c in r] for r in rows] if isinstance(rows, list) else None,
        "sql": result.get("sql"),
        "code": result.get("code"),
        "seconds": round(seconds, 4),
        "prompt_tokens": int(result.get("prompt_tokens") or 0),
        "completion_tokens": int(result.get("completion_tokens") or 0),
        "error": None if error is None else str(error),
    }


def _answer_one(question: Question, answer: AnswerFn, engines: EngineCache) -> dict[str, Any]:
    try:
        engine = engines.get(question)  # loading time is not the question's time
    except Exception as e:  # noqa: BLE001 - a run never stops for one question's data
        return prediction_line(question, {"error": f"loading the tables failed: {_describe(e)}"}, 0.0)
    start = time.perf_counter()
    try:
        result = answer(question, engine)
        seconds = time.perf_counter() - start
        return prediction_line(question, result, seconds)
    except Exception as e:  # noqa: BLE001 - every failure becomes the prediction's error
        return prediction_line(question, {"error": _describe(e)}, time.perf_counter() - start)


def _describe(e: BaseException) -> str:
    return f"{type(e).__name__}: {e}"


def _done_ids(out: Path) -> set[str]:
    done: set[str] = set()
    if out.is_file():
        for line in out.read_text(encoding="utf-8").splitlines():
            try:
                done.add(str(json.loads(line)["id"]))
            except (ValueError, KeyError, TypeError):
                continue
    return done


def run_suite(
    suite: Suite,
    answer: AnswerFn,
    *,
    limit: int | None = None,
    out: Path,
    progress: bool = True,
    engine_factory: EngineFactory | None = None,
    cache_size: int = 4,
    resume: bool = False,
    every: int = 1,
    start: int = 0,
) -> Path:
    """Answer the first ``limit`` questions (all by default) in file order; returns ``out``.

    With ``resume`` the questions already in ``out`` are skipped and new lines are appended; with
    ``every`` only every ``every``-th question from the ``start``-th is answered (``suite.chosen``).
    """
    questions = chosen(suite.questions(), limit, every, start)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    done = _done_ids(out) if resume else set()
    todo = [q for q in questions if q.id not in done]
    engines = EngineCache(engine_factory, cache_size)
    counts = {"answered": 0, "errors": 0}
    try:
        with out.open("a" if resume else "w", encoding="utf-8") as f:
            if progress:
                columns = (
                    TextColumn(f"{suite.name}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TextColumn("{task.description}"),
                    TimeElapsedColumn(),
                )
                with Progress(*columns, transient=False) as bar:
                    task = bar.add_task("", total=len(todo))
                    for q in todo:
                        _write(f, _answer_one(q, answer, engines), counts)
                        bar.update(task, advance=1, description=f"{counts['errors']} errors")
            else:
                for q in todo:
                    _write(f, _answer_one(q, answer, engines), counts)
    finally:
        engines.close()
    return out


def _write(f: TextIO, line: dict[str, Any], counts: dict[str, int]) -> None:
    f.write(json.dumps(line, ensure_ascii=False) + "\n")
    f.flush()
    counts["answered"] += 1
    counts["errors"] += line["error"] is not None


def evaluate(
    suite_dir: str | Path,
    answer: AnswerFn,
    limit: int | None = None,
    out: str | Path | None = None,
    **run_options: Any,
) -> Report | None:
    """Run then score (when the suite ships its gold); ``None`` for held-out suites."""
    suite = Suite.open(suite_dir)
    path = Path(out) if out is not None else Path(f"predictions-{suite.name}.jsonl")
    run_suite(suite, answer, limit=limit, out=path, **run_options)
    return score(suite, path, limit=limit) if has_gold(suite) else None
