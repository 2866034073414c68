"""A scripted backend, so pipeline and CLI tests run without a model and fail loudly when over-called."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tablepilot.errors import BackendError
from tablepilot.llm.base import LLM, Completion, Message

Script = Sequence[str] | Callable[[Sequence[Message]], str]


class FakeLLM(LLM):
    """Replies from a list (in order) or a ``callable(messages) -> str``; records every prompt it saw.

    Stop sequences are applied like a real server would (the reply is cut before the first one), so
    code that relies on ``stop`` behaves the same against the fake.
    """

    backend = "fake"

    def __init__(self, script: Script, *, model: str = "fake") -> None:
        self.model = model
        self._script = script if callable(script) else list(script)
        self._next = 0
        self.prompts: list[list[Message]] = []

    @property
    def calls(self) -> int:
        return len(self.prompts)

    def complete(
        self,
        messages: Sequence[Message],
        *,
        temperature: float = 0.0,
        max_tokens: int = 512,
        stop: Sequence[str] | None = None,
    ) -> Completion:
        self.prompts.append(list(messages))
        if callable(self._script):
            text = self._script(messages)
        else:
            if self._next >= len(self._script):
                raise BackendError(
                    f"fake backend script exhausted after {len(self._script)} replies",
                    hint="give FakeLLM one scripted reply per expected model call",
                    calls=self.calls,
                )
            text = self._script[self._next]
            self._next += 1
        for s in stop or ():
            if s and s in text:
                text = text[: text.index(s)]
        prompt_tokens = sum(len(m.content.split()) for m in messages)
        return Completion(text=text, prompt_tokens=prompt_tokens, completion_tokens=len(text.split()))
