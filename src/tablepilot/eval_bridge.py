"""`tablepilot eval`: the ask pipeline plugged into the suite runner, one model for the whole run.

The data context (profile + value index) is built once per engine, so consecutive questions over the
same tables share the prompt prefix, as they would in a user's session.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console

from tablepilot.answer import ResultTable
from tablepilot.answer_text import focus_columns
from tablepilot.engines.base import Engine
from tablepilot.evaluation.runner import run_suite
from tablepilot.evaluation.scoring import format_report, score
from tablepilot.evaluation.suite import Question, Suite
from tablepilot.llm.base import LLM
from tablepilot.pipeline import AskOptions, DataContext, ask_question


class SuiteAnswerer:
    """Answers suite questions; keeps the data context of the last few engines."""

    def __init__(self, llm: LLM, options: AskOptions | None = None) -> None:
        self.llm = llm
        self.options = options or AskOptions()
        self._contexts: list[DataContext] = []

    def context_for(self, engine: Engine) -> DataContext:
        for ctx in self._contexts:
            if ctx.engine is engine:
                return ctx
        ctx = DataContext.build(engine)
        self._contexts = [ctx, *self._contexts[:3]]
        return ctx

    def __call__(self, question: Question, engine: Engine) -> dict[str, Any]:
        answer = ask_question(self.context_for(engine), self.llm, question.question, options=self.options)
        d = answer.to_dict()
        rows = d["rows"]
        focus = focus_columns(question.question, ResultTable(answer.columns, answer.rows))
        if focus is not None:  # the same columns the answer values come from, not the context ones
            rows = [[row[i] for i in focus] for row in rows]
        return {
            "answer": d["answer"],
            "rows": rows if answer.error is None else None,
            "sql": answer.sql,
            "seconds": answer.seconds,
            "prompt_tokens": answer.prompt_tokens,
            "completion_tokens": answer.completion_tokens,
            "error": (answer.error or {}).get("message"),
        }


def run_evaluation(
    suite_dir: Path,
    *,
    limit: int | None,
    every: int = 1,
    start: int = 0,
    out_path: Path | None,
    console: Console,
    backend: str | None = None,
    base_url: str | None = None,
    model: str | None = None,
    api_key: str | None = None,
    engine_url: str | None = None,
    engine_name: str | None = None,
) -> None:
    from tablepilot.llm.resolve import resolve_backend

    suite = Suite.open(suite_dir)
    llm = resolve_backend(backend=backend, base_url=base_url, model=model, api_key=api_key)
    out_path = out_path or Path(f"predictions-{suite.name}.jsonl")
    console.print(f"suite {suite.name}: {suite.count} questions · {llm.backend} {llm.model} → {out_path}")
    try:
        factory = None
        if engine_url:
            from tablepilot.evaluation.pg_suite import postgres_engine_factory

            factory = postgres_engine_factory(engine_url)
        elif engine_name == "spark":  # each question's tables copied into Spark as views
            from tablepilot.engines.spark_engine import SparkEngine

            factory = SparkEngine
        run_suite(
            suite,
            SuiteAnswerer(llm),
            limit=limit,
            out=out_path,
            engine_factory=factory,
            every=every,
            start=start,
        )
    finally:
        llm.close()
    if (suite.dir / "answers.jsonl").exists():
        report = score(suite, out_path, limit=limit, every=every, start=start)
        console.print(format_report(report), markup=False)
