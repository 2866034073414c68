"""A conversation over a fixed set of tables: the engine, the model and the earlier turns live here."""

from __future__ import annotations

import os
from collections.abc import Sequence
from types import TracebackType
from typing import Self

from tablepilot.answer import Answer
from tablepilot.engines.base import Engine
from tablepilot.llm.base import LLM
from tablepilot.pipeline import AskOptions, DataContext, Progress, Turn, ask_question
from tablepilot.python_path import PythonRunner

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
    ) -> None:
        self._owns_engine = engine is None
        if engine is None:
            from tablepilot.engines.sources import open_engine

            engine = open_engine(list(sources))
        self.engine = engine
        try:
            if llm is None:
                from tablepilot.llm.resolve import resolve_backend

                llm = resolve_backend(backend=backend, base_url=base_url, model=model, api_key=api_key)
            self.llm = llm
            self.context = DataContext.build(engine)
        except BaseException:
            if self._owns_engine:
                engine.close()
            raise
        self.options = options or AskOptions()
        self.history: list[Turn] = []
        #: the warm sandbox worker for Python answers; started on the first question that needs it
        self.python = PythonRunner(engine, self.context.tables)

    @property
    def tables(self) -> list[str]:
        return [t.name for t in self.context.tables]

    def ask(self, question: str, *, progress: Progress | None = None) -> Answer:
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
        return answer

    def reset(self) -> None:
        """Forget earlier turns (the data stays loaded)."""
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
