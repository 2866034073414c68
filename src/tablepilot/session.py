"""A conversation over a fixed set of tables: the engine, the model and the earlier turns live here."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Self

from tablepilot.answer import Answer
from tablepilot.engines.base import Engine
from tablepilot.knowledge.model import Knowledge
from tablepilot.llm.base import LLM
from tablepilot.pipeline import AskOptions, DataContext, Progress, Turn, answer_sql, ask_question
from tablepilot.python_path import PythonRunner
from tablepilot.workspace.intent import classify
from tablepilot.workspace.store import DerivedTable, Workspace

Source = str | os.PathLike[str]


class Session:
    """Multi-turn questions over the same data. Follow-ups see earlier questions and their SQL.

    The data is loaded and profiled once; with the embedded model the table description stays in the
    KV cache, so follow-up questions do not pay for it again.
    """

    def __init__(
        self,
        sources: Sequence[Source] = (),
        *,
        engine: Engine | None = None,
        llm: LLM | None = None,
        backend: str | None = None,
        base_url: str | None = None,
        model: str | None = None,
        api_key: str | None = None,
        options: AskOptions | None = None,
        knowledge: Knowledge | Source | None = None,
        engine_name: str | None = None,
    ) -> None:
        """``knowledge``: a ``Knowledge`` object, a knowledge file (created on the first ``confirm``),
        or None to use the file next to the data when there is one (docs/knowledge.md)."""
        self._owns_engine = engine is None
        if engine is None:
            from tablepilot.engines.sources import open_engine

            engine = open_engine(list(sources), engine=engine_name)
        self.engine = engine
        try:
            if llm is None:
                from tablepilot.llm.resolve import resolve_backend

                llm = resolve_backend(backend=backend, base_url=base_url, model=model, api_key=api_key)
            self.llm = llm
            self.context = DataContext.build(engine)
            from tablepilot.knowledge.session import open_knowledge

            self.knowledge, self.knowledge_path = open_knowledge(knowledge, sources)
            self.context.knowledge = self.knowledge
        except BaseException:
            if self._owns_engine:
                engine.close()
            raise
        self.options = options or AskOptions()
        self.history: list[Turn] = []
        #: the warm sandbox worker for Python answers; started on the first question that needs it
        self.python = PythonRunner(engine, self.context.tables)
        self.workspace = Workspace(engine)
        self._base_context = self.context
        #: the last question's answer when it is the latest result (what ``export()`` saves by default)
        self.last_result: Answer | None = None

    @property
    def tables(self) -> list[str]:
        return [t.name for t in self.context.tables]

    def ask(self, question: str, *, progress: Progress | None = None) -> Answer:
        """Answer a question, or carry out a table operation ("把华东的订单单独拿出来"): see ``workspace``."""
        intent = classify(question)
        if intent is not None:
            from tablepilot.workspace.operate import run_operation

            answer = run_operation(self, intent, question, progress)
            if answer.table is not None:
                self._sync_workspace(self.workspace.state.turns_after)
            return answer
        answer = ask_question(
            self.context,
            self.llm,
            question,
            history=self.history,
            options=self.options,
            progress=progress,
            python=self.python,
        )
        if answer.error is None and (answer.sql is not None or answer.code is not None):
            turn = Turn(question, answer.sql, tuple(answer.columns), len(answer.rows), code=answer.code)
            self.history.append(turn)
            self.last_result = answer if answer.columns else None
        return answer

    # -- derived tables (``tablepilot.workspace``) --------------------------------------------------

    @property
    def derived_tables(self) -> list[DerivedTable]:
        """Tables made in this conversation and not undone, oldest first."""
        return self.workspace.tables

    def undo(self) -> DerivedTable | None:
        """Take back the last table operation: its table and the turns since are forgotten (redo restores)."""
        undone = self.workspace.undo()
        self._sync_workspace(undone.turns_before)
        return next((t for t in undone.tables if t.name == undone.latest), None)

    def redo(self) -> DerivedTable | None:
        """Re-apply the operation ``undo`` took back, without asking the model again."""
        state = self.workspace.redo()
        self._sync_workspace(state.turns_after)
        return self.workspace.latest

    def export(self, path: str | os.PathLike[str], table: str | None = None) -> Path:
        """Save ``table`` (loaded or derived), by default the latest result, as .xlsx/.csv/.parquet."""
        from tablepilot.export import write_table
        from tablepilot.workspace.operate import export_data

        data, sheet = export_data(self, table)
        return write_table(path, data, sheet=sheet)

    def _sync_workspace(self, turns: Sequence[Turn]) -> None:
        """After a workspace change: the model sees the current derived tables and matching turns."""
        self.history = list(turns)
        self.last_result = None
        base = self._base_context
        self.context = replace(
            base,
            tables=[*base.tables, *(t.info() for t in self.workspace.tables)],
            derived_text=self.workspace.describe(),
        )
        self.python.close()  # the sandbox must see the derived tables too; it restarts on the next use
        self.python = PythonRunner(self.engine, self.context.tables)

    def confirm(self, question: str | None = None, sql: str | None = None) -> Answer:
        """Store a question → SQL pair a person confirmed; similar later questions get it as an example.

        Without arguments: the last answered question and its SQL (``/good``). With ``sql`` (``/fix``):
        that SQL is guard-checked and run first (``GuardError``/``QueryError`` if it fails, and nothing
        is stored), and becomes the conversation's last turn. Returns the answer the SQL gives. The
        knowledge file is saved when the session has one.
        """
        from tablepilot.errors import InputError

        if question is None:
            if not self.history:
                raise InputError("there is no answered question to confirm yet", hint="ask a question first")
            question = self.history[-1].question
        if sql is None:
            if not self.history or self.history[-1].question != question or not self.history[-1].sql:
                raise InputError(
                    f"no SQL to confirm for {question!r}", hint="give the correct SQL: /fix SELECT …"
                )
            sql = self.history[-1].sql
        answer = answer_sql(self.context, question, sql, self.options)
        assert answer.sql is not None
        self.knowledge.add_example(question, answer.sql)
        if self.knowledge_path is not None:
            from tablepilot.knowledge.store import save

            save(self.knowledge, self.knowledge_path)
        last = self.history[-1] if self.history else None
        if last is None or last.question != answer.question or last.sql != answer.sql:
            if last is not None and last.question == answer.question:
                self.history.pop()  # the corrected SQL replaces the wrong one in the conversation
            self.history.append(Turn(answer.question, answer.sql, tuple(answer.columns), len(answer.rows)))
        return answer

    def reset(self) -> None:
        """Forget earlier turns (the data and the derived tables stay)."""
        self.history.clear()

    def close(self) -> None:
        """Stop the sandbox; close the engine if this session opened it (a passed-in one stays the caller's)."""
        self.python.close()
        if self._owns_engine:
            self.engine.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def ask(sources: Sequence[Source], question: str, **kwargs: object) -> Answer:
    """One question, one answer: ``tablepilot.ask(["sales.xlsx"], "哪个地区的销售额最高？")``."""
    with Session(sources, **kwargs) as session:  # type: ignore[arg-type]
        return session.ask(question)
