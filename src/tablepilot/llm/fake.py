"""A scripted backend, so pipeline and CLI tests run without a model and fail loudly when over-called."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tablepilot.errors import BackendError
from tablepilot.llm.base import LLM, Completion, Message

Script = Sequence[str | Sequence[str]] | Callable[[Sequence[Message]], str]


class FakeLLM(LLM):
    """Replies from a list (in order) or a ``callable(messages) -> str``; records every prompt it saw.

    Stop sequences are applied like a real server would (the reply is cut before the first one), so
    code that relies on ``stop`` behaves the same against the fake. A list in the script is the
    replies of one ``complete_many`` call (the greedy one first); ``complete`` takes its first.
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
        draft: bool = True,
    ) -> Completion:
        return self._replies(messages, stop)[0]

    def complete_many(
        self,
        messages: Sequence[Message],
        *,
        n: int,
        temperature: float,
        max_tokens: int = 512,
        stop: Sequence[str] | None = None,
    ) -> list[Completion]:
        return self._replies(messages, stop)[:n]

    def _replies(self, messages: Sequence[Message], stop: Sequence[str] | None) -> list[Completion]:
        self.prompts.append(list(messages))
        if callable(self._script):
            texts: Sequence[str] = [self._script(messages)]
        else:
            if self._next >= len(self._script):
                raise BackendError(
                    f"fake backend script exhausted after {len(self._script)} replies",
                    hint="give FakeLLM one scripted reply per expected model call",
                    calls=self.calls,
                )
            item = self._script[self._next]
            texts = [item] if isinstance(item, str) else item
            self._next += 1
        prompt_tokens = sum(len(m.content.split()) for m in messages)
        out = []
        for text in texts:
            for s in stop or ():
                if s and s in text:
                    text = text[: text.index(s)]
            out.append(
                Completion(text=text, prompt_tokens=prompt_tokens, completion_tokens=len(text.split()))
            )
            prompt_tokens = 0  # the prompt is read once for all replies
        return out
