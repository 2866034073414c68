"""Which LLM backend a command uses, decided by one fixed order that ``model status`` can explain.

Order: explicit flags (``--backend``, ``--base-url``, ``--model``) > environment
(``TABLEPILOT_BASE_URL`` [+ ``TABLEPILOT_MODEL``, ``TABLEPILOT_API_KEY``], else ``OPENAI_BASE_URL``
[+ ``OPENAI_API_KEY``]) > the embedded default model if installed and llama.cpp is importable >
a ``ConfigError`` naming both ways to fix it. The decision (``explain_resolution``) is pure and
cheap; only ``resolve_backend`` builds a backend.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tablepilot import settings
from tablepilot.errors import ConfigError
from tablepilot.llm import model_store
from tablepilot.llm.base import LLM

BACKENDS = ("openai", "llama.cpp", "fake")
NO_BACKEND_HINT = (
    "run `tablepilot model install` to use the embedded model, "
    "or set TABLEPILOT_BASE_URL=http://host:port/v1 to use an OpenAI-compatible server"
)


@dataclass(frozen=True)
class Resolution:
    backend: str  # "openai" | "llama.cpp" | "fake"
    model: str  # remote model name ("" = ask the server), model file path, or "fake"
    reason: str  # one line for humans: which flag or variable decided
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    timeout: float = 120.0


def _llama_cpp_available() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None


def explain_resolution(
    *,
    backend: str | None = None,
    base_url: str | None = None,
    model: str | None = None,
    api_key: str | None = None,
    env: Mapping[str, str] = os.environ,
    llama_cpp_available: Callable[[], bool] = _llama_cpp_available,
) -> Resolution:
    """Decide the backend without contacting a server or loading a model."""
    timeout = _timeout(env)
    tp_url, tp_model, tp_key = (
        env.get(k) or None for k in ("TABLEPILOT_BASE_URL", "TABLEPILOT_MODEL", "TABLEPILOT_API_KEY")
    )
    oa_url, oa_key = env.get("OPENAI_BASE_URL") or None, env.get("OPENAI_API_KEY") or None

    def remote(url: str, reason: str, *, from_openai_env: bool = False) -> Resolution:
        key = api_key or (oa_key if from_openai_env else tp_key or oa_key)
        return Resolution("openai", model or tp_model or "", reason, url, key, timeout)

    def local(name: str, reason: str) -> Resolution:
        path = model_store.resolve_model_path(name, directory=settings.models_dir(env))
        if not llama_cpp_available():
            raise ConfigError(f"{reason}, but llama-cpp-python is not installed", hint=_local_hint())
        return Resolution("llama.cpp", str(path), reason, timeout=timeout)

    if backend is not None:
        if backend == "fake":
            return Resolution("fake", model or "fake", "--backend fake")
        if backend == "openai":
            if base_url:
                return remote(base_url, "--backend openai --base-url")
            if tp_url:
                return remote(tp_url, "--backend openai with TABLEPILOT_BASE_URL")
            if oa_url:
                return remote(oa_url, "--backend openai with OPENAI_BASE_URL", from_openai_env=True)
            raise ConfigError(
                "--backend openai needs a server URL",
                hint="pass --base-url http://host:port/v1 or set TABLEPILOT_BASE_URL",
            )
        if backend == "llama.cpp":
            return local(
                model or model_store.DEFAULT_MODEL, f"--backend llama.cpp --model {model or 'default'}"
            )
        raise ConfigError(f"unknown backend {backend!r}", hint=f"choose one of: {', '.join(BACKENDS)}")

    if base_url:
        return remote(base_url, "--base-url")
    if model and _is_model_file(model):
        return local(model, f"--model {model}")
    if tp_url:
        return remote(tp_url, "TABLEPILOT_BASE_URL is set")
    if oa_url:
        return remote(oa_url, "OPENAI_BASE_URL is set", from_openai_env=True)
    if model:
        model_store.known_model(model)  # ConfigError for names that are neither known nor a file
        return local(model, f"--model {model}")

    state = model_store.status(model_store.DEFAULT_MODEL, directory=settings.models_dir(env))
    if state.verified:
        if llama_cpp_available():
            return Resolution(
                "llama.cpp", str(state.path), "the embedded default model is installed", timeout=timeout
            )
        raise ConfigError("the embedded model is installed but llama-cpp-python is not", hint=_local_hint())
    raise ConfigError("no LLM backend is configured", hint=NO_BACKEND_HINT)


def resolve_backend(
    *,
    backend: str | None = None,
    base_url: str | None = None,
    model: str | None = None,
    api_key: str | None = None,
    env: Mapping[str, str] = os.environ,
) -> LLM:
    """Build the backend ``explain_resolution`` picks; heavy imports happen only for the chosen one."""
    choice = explain_resolution(backend=backend, base_url=base_url, model=model, api_key=api_key, env=env)
    if choice.backend == "openai":
        from tablepilot.llm.openai_compat import OpenAICompatLLM

        assert choice.base_url is not None
        return OpenAICompatLLM(choice.base_url, choice.model or None, choice.api_key, choice.timeout)
    if choice.backend == "llama.cpp":
        from tablepilot.llm.llama_cpp import LlamaCppLLM, default_threads

        return LlamaCppLLM(choice.model, n_threads=default_threads(env))
    from tablepilot.llm.fake import FakeLLM

    return FakeLLM(_fake_script(env), model=choice.model)


def _fake_script(env: Mapping[str, str]) -> list[str]:
    """``TABLEPILOT_FAKE_REPLIES``: a JSON list of replies, or ``@path`` to a file holding one (CLI tests)."""
    raw = env.get("TABLEPILOT_FAKE_REPLIES", "")
    if not raw:
        return []
    try:
        text = Path(raw[1:]).read_text(encoding="utf-8") if raw.startswith("@") else raw
        replies = json.loads(text)
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(
            f"TABLEPILOT_FAKE_REPLIES could not be read: {exc}",
            hint="set it to a JSON list of strings, e.g. '[\"SELECT 1\"]', or @path/to/replies.json",
        ) from exc
    if not isinstance(replies, list) or not all(isinstance(r, str) for r in replies):
        raise ConfigError("TABLEPILOT_FAKE_REPLIES must be a JSON list of strings", hint='e.g. ["SELECT 1"]')
    return replies


def _timeout(env: Mapping[str, str]) -> float:
    raw = env.get("TABLEPILOT_TIMEOUT", "").strip()
    if not raw:
        return 120.0
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise ConfigError(f"TABLEPILOT_TIMEOUT={raw!r} is not a positive number of seconds", hint="e.g. 300")
    return value


def _is_model_file(model: str) -> bool:
    return model.lower().endswith(".gguf") or "/" in model or os.sep in model


def _local_hint() -> str:
    from tablepilot.llm.llama_cpp import INSTALL_HINT

    return INSTALL_HINT
