"""One model for the whole server, called by one request at a time, in arrival order.

The embedded model on 2 cores must never run two completions at once (they would both crawl and
double the memory), so every session shares one ``QueuedLLM`` whose lock hands the model to waiting
requests first-come first-served; ``waiting`` lets the API show the queue length.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from typing import Self

from tablepilot.llm.base import LLM, Completion, Message


class FifoLock:
    """A lock granted strictly in request order (``threading.Lock`` makes no such promise)."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._queue: deque[threading.Event] = deque()
        self._held = False

    @property
    def waiting(self) -> int:
        with self._mutex:
            return len(self._queue)

    def acquire(self) -> None:
        with self._mutex:
            if not self._held and not self._queue:
                self._held = True
                return
            turn = threading.Event()
            self._queue.append(turn)
        turn.wait()  # release() hands the lock over directly, _held stays True

    def release(self) -> None:
        with self._mutex:
            if self._queue:
                self._queue.popleft().set()
            else:
                self._held = False

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class QueuedLLM(LLM):
    """Wraps the process's one backend; ``complete`` waits its turn in a FIFO queue."""

    def __init__(self, inner: LLM) -> None:
        self.inner = inner
        self.backend = inner.backend
        self.model = inner.model
        self.lock = FifoLock()
        self.calls = 0
        self.busy_seconds = 0.0

    def complete(
        self,
        messages: Sequence[Message],
        *,
        temperature: float = 0.0,
        max_tokens: int = 512,
        stop: Sequence[str] | None = None,
        draft: bool = True,
    ) -> Completion:
        with self.lock:
            started = time.perf_counter()
            try:
                return self.inner.complete(
                    messages, temperature=temperature, max_tokens=max_tokens, stop=stop, draft=draft
                )
            finally:
                self.calls += 1
                self.busy_seconds += time.perf_counter() - started
                self.model = self.inner.model

    def prime(self, opening: Sequence[Message]) -> None:
        with self.lock:
            self.inner.prime(opening)

    def close(self) -> None:
        self.inner.close()


class ReplayingFakeLLM(LLM):
    """The fake backend for a long-running server: replays its script forever, optionally slowly.

    ``FakeLLM`` fails loudly when its script runs out, which is right for a test of N calls but not
    for a server answering an unknown number of questions (load benchmark, durability test).
    """

    backend = "fake"

    def __init__(self, replies: Sequence[str], *, delay_s: float = 0.0, model: str = "fake") -> None:
        self.model = model
        self._replies = itertools.cycle(list(replies) or ["```sql\nSELECT 1 AS one\n```"])
        self._lock = threading.Lock()
        self.delay_s = delay_s

    def complete(
        self,
        messages: Sequence[Message],
        *,
        temperature: float = 0.0,
        max_tokens: int = 512,
        stop: Sequence[str] | None = None,
        draft: bool = True,
    ) -> Completion:
        if self.delay_s:
            time.sleep(self.delay_s)
        with self._lock:
            text = next(self._replies)
        for s in stop or ():
            if s and s in text:
                text = text[: text.index(s)]
        return Completion(text=text, prompt_tokens=sum(len(m.content.split()) for m in messages))


def replaying_fake(env: Mapping[str, str] = os.environ) -> ReplayingFakeLLM:
    """The server's fake backend from ``TABLEPILOT_FAKE_REPLIES`` and ``TABLEPILOT_FAKE_DELAY`` (seconds)."""
    from tablepilot.errors import ConfigError
    from tablepilot.llm.resolve import _fake_script

    raw_delay = env.get("TABLEPILOT_FAKE_DELAY", "0") or "0"
    try:
        delay = float(raw_delay)
    except ValueError:
        raise ConfigError(f"TABLEPILOT_FAKE_DELAY={raw_delay!r} is not a number", hint="e.g. 0.05") from None
    return ReplayingFakeLLM(_fake_script(env), delay_s=max(0.0, delay))
