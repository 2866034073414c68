"""The LLM backend interface: one abstract method, so every backend is small and swappable."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    role: str  # "system" | "user" | "assistant"
    content: str


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


class LLM(ABC):
    """A chat model. Implementations raise ``BackendError`` for every failure they can foresee."""

    #: short backend name shown to users: "openai", "llama.cpp", "fake"
    backend: str = "base"
    #: the model's name or path as the user knows it
    model: str = ""

    @abstractmethod
    def complete(
        self,
        messages: Sequence[Message],
        *,
        temperature: float = 0.0,
        max_tokens: int = 512,
        stop: Sequence[str] | None = None,
        draft: bool = True,
    ) -> Completion:
        """Return the assistant's reply to ``messages``; greedy when ``temperature`` is 0.

        ``draft``: a backend may write a greedy reply faster by drafting tokens from the prompt and
        checking several in one step (the same reply up to rounding, which can tip a near tie);
        False asks for plain one-token steps. Backends that do not draft ignore it."""

    def complete_many(
        self,
        messages: Sequence[Message],
        *,
        n: int,
        temperature: float,
        max_tokens: int = 512,
        stop: Sequence[str] | None = None,
    ) -> list[Completion]:
        """The greedy reply first, then up to ``n - 1`` sampled ones at ``temperature``.

        Backends that cannot sample cheaply return only the greedy reply; callers must not rely on
        getting more.
        """
        return [self.complete(messages, temperature=0.0, max_tokens=max_tokens, stop=stop)]

    def prime(self, opening: Sequence[Message]) -> None:
        """Prepare for prompts that open with ``opening``, whose last message the real prompts
        continue (a local model restores or computes its KV cache); a no-op for remote backends."""

    def close(self) -> None:
        """Release resources (HTTP clients, model memory)."""
