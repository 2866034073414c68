"""The embedded backend: a GGUF model run in-process by llama-cpp-python (extra ``tablepilot[local]``).

Loading a model costs seconds and hundreds of MB, and two concurrent generations on a small CPU
starve each other, so each (file, n_ctx, threads) is loaded once per process and every call holds one
process-wide lock. Prompt evaluation dominates latency; llama-cpp-python keeps the KV cache of the
previous prompt and only evaluates the suffix after the longest common token prefix, so callers should
keep the stable part (system prompt, table description) first and identical. An optional RAM cache
of saved states extends that to a few alternating prefixes (e.g. questions about different tables).
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tablepilot.errors import BackendError, ConfigError
from tablepilot.llm.base import LLM, Completion, Message
from tablepilot.llm.llama_batch import decode_together, widen

DEFAULT_N_CTX = 4096
DEFAULT_RAM_CACHE_MB = 0
INSTALL_HINT = (
    "pip install 'tablepilot[local]' (it compiles llama.cpp; for a GPU build set CMAKE_ARGS first, "
    'e.g. CMAKE_ARGS="-DGGML_CUDA=on"), or use a server with --base-url / TABLEPILOT_BASE_URL'
)

_LOCK = threading.RLock()  # serialises loading and generation across the whole process
_LOADED: dict[tuple[str, int, int, int], Any] = {}


def default_threads(env: Mapping[str, str] | None = None) -> int:
    """``TABLEPILOT_THREADS`` or the CPUs this process may actually run on (not the host's count)."""
    value = (os.environ if env is None else env).get("TABLEPILOT_THREADS", "").strip()
    if value:
        try:
            if int(value) > 0:
                return int(value)
        except ValueError:
            pass
        raise ConfigError(
            f"TABLEPILOT_THREADS={value!r} is not a positive integer", hint="e.g. TABLEPILOT_THREADS=4"
        )
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def import_llama_cpp() -> Any:
    try:
        import llama_cpp
    except ImportError as exc:
        raise ConfigError(
            "the embedded model needs llama-cpp-python, which is not installed", hint=INSTALL_HINT
        ) from exc
    return llama_cpp


class LlamaCppLLM(LLM):
    """A local GGUF chat model; greedy (top_k=1) at temperature 0, so answers are reproducible."""

    backend = "llama.cpp"

    def __init__(
        self,
        model_path: str | Path,
        *,
        n_ctx: int = DEFAULT_N_CTX,
        n_threads: int | None = None,
        ram_cache_mb: int = DEFAULT_RAM_CACHE_MB,
        lookup: bool = True,
    ) -> None:
        self.path = Path(model_path)
        self.model = self.path.name
        self.n_ctx = n_ctx
        self.n_threads = n_threads or default_threads()
        self.ram_cache_mb = ram_cache_mb
        self.lookup = lookup  # prompt-lookup decoding for greedy replies (same reply, fewer steps)
        import_llama_cpp()  # fail at construction, not at the first question

    def load(self) -> Any:
        """The process-wide ``llama_cpp.Llama`` for these settings; loads it on first use."""
        key = (str(self.path.resolve()), self.n_ctx, self.n_threads, self.ram_cache_mb)
        with _LOCK:
            if key not in _LOADED:
                if not _LOADED:
                    # free models while the interpreter is intact; llama-cpp's own __del__ at
                    # shutdown finds its C bindings gone and prints tracebacks
                    atexit.register(unload_all)
                _LOADED[key] = self._load()
            return _LOADED[key]

    def _load(self) -> Any:
        llama_cpp = import_llama_cpp()
        if not self.path.is_file():
            raise ConfigError(f"model file {self.path} does not exist", hint="run `tablepilot model install`")
        try:
            llama = llama_cpp.Llama(
                model_path=str(self.path),
                n_ctx=self.n_ctx,
                n_threads=self.n_threads,
                n_threads_batch=self.n_threads,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise BackendError(
                f"llama.cpp could not load {self.path}: {exc}",
                hint="the file may be damaged or not a GGUF model; reinstall it with `tablepilot model install`",
                path=str(self.path),
            ) from exc
        try:
            widen(llama)  # room for the greedy reply and samples decoded side by side
        except (ValueError, RuntimeError) as exc:
            raise BackendError(
                f"llama.cpp could not make a context for {self.path}: {exc}",
                hint="free some memory, or set a smaller context",
                path=str(self.path),
            ) from exc
        if self.ram_cache_mb > 0:
            llama.set_cache(_lean_ram_cache(llama_cpp, self.ram_cache_mb << 20))
        return llama

    def prime(self, opening: Sequence[Message]) -> None:
        """Restore the saved KV cache of a fixed prompt start (``prefix_state``), or compute and save it."""
        from tablepilot.llm import prefix_state

        with _LOCK:
            llama = self.load()
            try:
                prefix_state.prime(llama, self.path, self.n_ctx, opening)
            except (ValueError, RuntimeError) as exc:  # never worse than not priming
                llama.reset()
                raise BackendError(
                    f"llama.cpp could not read the prompt start: {exc}",
                    hint="retry; if it persists, reinstall the model",
                ) from exc

    def complete(
        self,
        messages: Sequence[Message],
        *,
        temperature: float = 0.0,
        max_tokens: int = 512,
        stop: Sequence[str] | None = None,
        draft: bool = True,
    ) -> Completion:
        chat = [{"role": m.role, "content": m.content} for m in messages]
        with _LOCK:
            llama = self.load()
            if temperature <= 0 and self.lookup and draft:
                greedy = self._greedy(llama, messages, max_tokens=max_tokens, stop=stop or ())
                if greedy is not None:
                    return greedy
            try:
                out = llama.create_chat_completion(
                    messages=chat,
                    temperature=temperature,
                    top_k=1 if temperature <= 0 else 40,
                    max_tokens=max_tokens,
                    stop=list(stop) if stop else None,
                    seed=0,
                )
            except ValueError as exc:  # llama-cpp-python's "Requested tokens (…) exceed context window"
                raise BackendError(
                    f"the prompt does not fit the model's context window of {self.n_ctx} tokens: {exc}",
                    hint="ask about fewer tables or columns, or use a server model with a larger context",
                    n_ctx=self.n_ctx,
                ) from exc
            except RuntimeError as exc:
                raise BackendError(
                    f"llama.cpp failed: {exc}", hint="retry; if it persists, reinstall the model"
                ) from exc
        choice = out["choices"][0]
        usage = out.get("usage") or {}
        return Completion(
            text=choice["message"].get("content") or "",
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
        )

    def _greedy(
        self, llama: Any, messages: Sequence[Message], *, max_tokens: int, stop: Sequence[str]
    ) -> Completion | None:
        """The greedy reply by prompt-lookup decoding; None when the model has no chat template of its
        own (then ``create_chat_completion`` renders the prompt). Uses and fills the RAM cache of
        prompt states as ``create_chat_completion`` does, so a table asked about earlier is not read
        again."""
        from tablepilot.llm import prefix_state
        from tablepilot.llm.llama_batch import common_prefix, held_prefix
        from tablepilot.llm.lookup_decoding import decode_greedy

        tokens = prefix_state.chat_tokens(llama, messages)
        if tokens is None:
            return None
        if len(tokens) >= self.n_ctx:
            raise _too_long(len(tokens), self.n_ctx)
        try:
            if llama.cache is not None:
                try:
                    saved = llama.cache[tokens]
                except KeyError:
                    saved = None
                if saved is not None and common_prefix(saved.input_ids, tokens) > held_prefix(llama, tokens):
                    llama.load_state(saved)
            reply = decode_greedy(llama, tokens, max_tokens=max_tokens, stop=stop)
            if llama.cache is not None:
                llama.cache[tokens[:-1]] = llama.save_state()
        except RuntimeError as exc:
            llama.reset()
            raise BackendError(
                f"llama.cpp failed: {exc}", hint="retry; if it persists, reinstall the model"
            ) from exc
        return Completion(text=reply.text, prompt_tokens=len(tokens), completion_tokens=reply.tokens)

    def complete_many(
        self,
        messages: Sequence[Message],
        *,
        n: int,
        temperature: float,
        max_tokens: int = 512,
        stop: Sequence[str] | None = None,
    ) -> list[Completion]:
        """The greedy reply and ``n - 1`` samples in one batch (``llama_batch``); samples cut off for
        running on well past the greedy reply are left out."""
        from tablepilot.llm import prefix_state

        with _LOCK:
            llama = self.load()
            tokens = prefix_state.chat_tokens(llama, messages) if n > 1 else None
            if tokens is None:  # one reply wanted, or a chat format we cannot render ourselves
                return super().complete_many(
                    messages, n=n, temperature=temperature, max_tokens=max_tokens, stop=stop
                )
            if len(tokens) + max_tokens > self.n_ctx:
                raise _too_long(len(tokens), self.n_ctx)
            try:
                replies = decode_together(
                    llama, tokens, n=n, temperature=temperature, max_tokens=max_tokens, stop=stop or ()
                )
            except RuntimeError as exc:
                llama.reset()
                raise BackendError(
                    f"llama.cpp failed: {exc}", hint="retry; if it persists, reinstall the model"
                ) from exc
        first, *others = replies
        out = [Completion(text=first.text, prompt_tokens=len(tokens), completion_tokens=first.tokens)]
        out += [Completion(text=r.text, completion_tokens=r.tokens) for r in others if r.finished]
        return out


def _too_long(tokens: int, n_ctx: int) -> BackendError:
    return BackendError(
        f"the prompt ({tokens} tokens) does not fit the model's context window of {n_ctx} tokens",
        hint="ask about fewer tables or columns, or use a server model with a larger context",
        n_ctx=n_ctx,
    )


def _lean_ram_cache(llama_cpp: Any, capacity_bytes: int) -> Any:
    """A ``LlamaRAMCache`` that keeps one logits row per saved state instead of ``n_batch`` rows.

    The stock cache stores ``n_batch × n_vocab`` floats (~300 MB for Qwen's 152k vocabulary) per entry,
    uncounted by its capacity. Restored states are always re-evaluated from their last token before
    sampling, so only the shape matters: one row broadcasts into the slice ``load_state`` fills.
    """

    class LeanRAMCache(llama_cpp.LlamaRAMCache):  # type: ignore[misc]
        def __setitem__(self, key: Sequence[int], value: Any) -> None:
            value.scores = value.scores[-1:].copy()
            super().__setitem__(key, value)

    return LeanRAMCache(capacity_bytes=capacity_bytes)


def unload_all() -> None:
    """Drop every loaded model (tests, or a long-running server switching models)."""
    with _LOCK:
        for llama in _LOADED.values():
            close = getattr(llama, "close", None)
            if callable(close):
                close()
        _LOADED.clear()
