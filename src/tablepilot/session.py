"""A conversation over a fixed set of tables: the engine, the model and the earlier turns live here."""

from __future__ import annotations

import os
from collections.abc import Sequence
from types import TracebackType

from tablepilot.answer import Answer
from tablepilot.engines.base import Engine
from tablepilot.llm.base import LLM
from tablepilot.pipeline import AskOptions, DataContext, Progress, Turn, ask_question

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
        engine_name: str | None = None,
    ) -> None:
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
        except BaseException:
            if self._owns_engine:
                engine.close()
            raise
        self.options = options or AskOptions()
        self.history: list[Turn] = []

    @property
    def tables(self) -> list[str]:
        return [t.name for t in self.context.tables]

    def ask(self, question: str, *, progress: Progress | None = None) -> Answer:
        answer = ask_question(
            self.context, self.llm, question, history=self.history, options=self.options, progress=progress
        )
        if answer.sql is not None and answer.error is None:
            self.history.append(Turn(question, answer.sql, tuple(answer.columns), len(answer.rows)))
        return answer

    def reset(self) -> None:
        """Forget earlier turns (the data stays loaded)."""
        self.history.clear()

    def close(self) -> None:
        """Close the engine if this session opened it (an engine passed in stays the caller's)."""
        if self._owns_engine:
            self.engine.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def ask(sources: Sequence[Source], question: str, **kwargs: object) -> Answer:
    """One question, one answer: ``tablepilot.ask(["sales.xlsx"], "哪个地区的销售额最高？")``."""
    with Session(sources, **kwargs) as session:  # type: ignore[arg-type]
        return session.ask(question)
