"""The backend resolution order, table-driven, plus building real backends from a resolution."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openai_stub import ScriptedOpenAIServer

from tablepilot.errors import ConfigError, ModelStoreError
from tablepilot.llm import model_store
from tablepilot.llm.base import Message
from tablepilot.llm.fake import FakeLLM
from tablepilot.llm.openai_compat import OpenAICompatLLM
from tablepilot.llm.resolve import explain_resolution, resolve_backend

TP = {"TABLEPILOT_BASE_URL": "http://tp:1/v1", "TABLEPILOT_MODEL": "tp-model", "TABLEPILOT_API_KEY": "tp-key"}
OA = {"OPENAI_BASE_URL": "http://oa:2/v1", "OPENAI_API_KEY": "oa-key"}
GGUF = "<gguf>"  # replaced by a real file path in the test
DEFAULT = "<default>"  # replaced by the installed default model's path

# (id, flags, env, installed default?, llama.cpp importable?, expected (backend, model, url, key, reason) or error)
CASES: list[tuple[str, dict[str, Any], dict[str, str], bool, bool, Any]] = [
    ("fake flag", {"backend": "fake"}, TP, True, True, ("fake", "fake", None, None, "--backend fake")),
    (
        "openai flag + url flag",
        {"backend": "openai", "base_url": "http://flag/v1"},
        TP,
        False,
        True,
        ("openai", "tp-model", "http://flag/v1", "tp-key", "--backend openai --base-url"),
    ),
    (
        "openai flag + TP env",
        {"backend": "openai"},
        {**OA, **TP},
        False,
        True,
        ("openai", "tp-model", "http://tp:1/v1", "tp-key", "--backend openai with TABLEPILOT_BASE_URL"),
    ),
    (
        "openai flag + OA env",
        {"backend": "openai"},
        OA,
        False,
        True,
        ("openai", "", "http://oa:2/v1", "oa-key", "--backend openai with OPENAI_BASE_URL"),
    ),
    ("openai flag, no url", {"backend": "openai"}, {}, True, True, (ConfigError, "needs a server URL")),
    (
        "llama flag, installed",
        {"backend": "llama.cpp"},
        TP,
        True,
        True,
        ("llama.cpp", DEFAULT, None, None, "--backend llama.cpp --model default"),
    ),
    (
        "llama flag, not installed",
        {"backend": "llama.cpp"},
        {},
        False,
        True,
        (ModelStoreError, "not installed"),
    ),
    (
        "llama flag, no llama_cpp",
        {"backend": "llama.cpp"},
        {},
        True,
        False,
        (ConfigError, "tablepilot\\[local\\]"),
    ),
    ("unknown backend", {"backend": "vllm"}, {}, True, True, (ConfigError, "unknown backend 'vllm'")),
    (
        "url flag beats env; model flag is remote",
        {"base_url": "http://flag/v1", "model": "m", "api_key": "k"},
        TP,
        True,
        True,
        ("openai", "m", "http://flag/v1", "k", "--base-url"),
    ),
    (
        "gguf path beats env url",
        {"model": GGUF},
        TP,
        False,
        True,
        ("llama.cpp", GGUF, None, None, f"--model {GGUF}"),
    ),
    (
        "TP env beats OA env",
        {},
        {**OA, **TP},
        True,
        True,
        ("openai", "tp-model", "http://tp:1/v1", "tp-key", "TABLEPILOT_BASE_URL is set"),
    ),
    (
        "TP env without key falls back to OPENAI_API_KEY",
        {},
        {"TABLEPILOT_BASE_URL": "http://tp/v1", **OA},
        False,
        True,
        ("openai", "", "http://tp/v1", "oa-key", "TABLEPILOT_BASE_URL is set"),
    ),
    ("OA env", {}, OA, True, True, ("openai", "", "http://oa:2/v1", "oa-key", "OPENAI_BASE_URL is set")),
    (
        "OA env ignores TABLEPILOT_API_KEY",
        {},
        {**OA, "TABLEPILOT_API_KEY": "tp-key"},
        False,
        True,
        ("openai", "", "http://oa:2/v1", "oa-key", "OPENAI_BASE_URL is set"),
    ),
    (
        "model flag names the remote model",
        {"model": "gpt-x"},
        TP,
        False,
        True,
        ("openai", "gpt-x", "http://tp:1/v1", "tp-key", "TABLEPILOT_BASE_URL is set"),
    ),
    (
        "known model flag, installed",
        {"model": "default"},
        {},
        True,
        True,
        ("llama.cpp", DEFAULT, None, None, "--model default"),
    ),
    (
        "known model flag, not installed",
        {"model": "small"},
        {},
        True,
        True,
        (ModelStoreError, "qwen2.5-coder-0.5b is not installed"),
    ),
    (
        "unknown model flag, no url",
        {"model": "gpt-x"},
        {},
        True,
        True,
        (ConfigError, "unknown model 'gpt-x'"),
    ),
    (
        "embedded default",
        {},
        {},
        True,
        True,
        ("llama.cpp", DEFAULT, None, None, "the embedded default model is installed"),
    ),
    ("embedded default without llama_cpp", {}, {}, True, False, (ConfigError, "llama-cpp-python is not")),
    (
        "empty env values are unset",
        {},
        {"TABLEPILOT_BASE_URL": "", "OPENAI_BASE_URL": ""},
        True,
        True,
        ("llama.cpp", DEFAULT, None, None, "the embedded default model is installed"),
    ),
    ("nothing configured", {}, {}, False, True, (ConfigError, "no LLM backend is configured")),
]


def install_sparse_default(models: Path) -> Path:
    """Looks installed to the cheap check (right size + sidecar) without writing a gigabyte."""
    model = model_store.known_model("default")
    path = models / model.file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.truncate(model.size)
    (models / (model.file_name + ".sha256")).write_text(model.sha256 + "\n")
    return path


@pytest.mark.parametrize(
    ("flags", "env", "installed", "importable", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_resolution_order(
    tmp_path: Path,
    flags: dict[str, Any],
    env: dict[str, str],
    installed: bool,
    importable: bool,
    expected: Any,
) -> None:
    home = tmp_path / "home"
    env = {**env, "TABLEPILOT_HOME": str(home)}
    default_path = install_sparse_default(home / "models") if installed else None
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF")
    flags = {k: (str(gguf) if v == GGUF else v) for k, v in flags.items()}
    if isinstance(expected[0], type):
        error, pattern = expected
        with pytest.raises(error, match=pattern) as info:
            explain_resolution(**flags, env=env, llama_cpp_available=lambda: importable)
        assert info.value.hint
        return
    got = explain_resolution(**flags, env=env, llama_cpp_available=lambda: importable)
    subst = {GGUF: str(gguf), DEFAULT: str(default_path)}
    backend, model, url, key, reason = expected
    want_reason = reason.replace(GGUF, str(gguf))
    assert (got.backend, got.model, got.base_url, got.api_key, got.reason) == (
        backend,
        subst.get(model, model),
        url,
        key,
        want_reason,
    )


def test_nothing_configured_names_both_fixes(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        explain_resolution(env={"TABLEPILOT_HOME": str(tmp_path)})
    assert "tablepilot model install" in (info.value.hint or "")
    assert "TABLEPILOT_BASE_URL=http://host:port/v1" in (info.value.hint or "")
    assert info.value.exit_code == 3


def test_api_key_is_not_in_repr(tmp_path: Path) -> None:
    got = explain_resolution(
        base_url="http://x/v1", api_key="sk-secret", env={"TABLEPILOT_HOME": str(tmp_path)}
    )
    assert "sk-secret" not in repr(got)


def test_resolved_openai_backend_talks_to_the_server(tmp_path: Path) -> None:
    with ScriptedOpenAIServer(["SELECT 42"]) as server:
        env = {
            "TABLEPILOT_HOME": str(tmp_path),
            "TABLEPILOT_BASE_URL": server.base_url,
            "TABLEPILOT_API_KEY": "k1",
            "TABLEPILOT_TIMEOUT": "7.5",
        }
        llm = resolve_backend(env=env)
        assert isinstance(llm, OpenAICompatLLM) and llm.timeout == 7.5
        assert llm.complete([Message("user", "q")]).text == "SELECT 42"
    assert server.chat_requests[0].headers["Authorization"] == "Bearer k1"
    assert llm.model == "stub-model"


@pytest.mark.parametrize("raw", ["0", "-1", "soon"])
def test_bad_timeout(tmp_path: Path, raw: str) -> None:
    with pytest.raises(ConfigError, match="TABLEPILOT_TIMEOUT"):
        explain_resolution(base_url="http://x/v1", env={"TABLEPILOT_TIMEOUT": raw})


def test_fake_backend_reads_scripted_replies(tmp_path: Path) -> None:
    llm = resolve_backend(backend="fake", env={"TABLEPILOT_FAKE_REPLIES": '["SELECT 1", "SELECT 2"]'})
    assert isinstance(llm, FakeLLM)
    assert [llm.complete([]).text, llm.complete([]).text] == ["SELECT 1", "SELECT 2"]
    replies = tmp_path / "replies.json"
    replies.write_text('["from file"]', encoding="utf-8")
    assert (
        resolve_backend(backend="fake", env={"TABLEPILOT_FAKE_REPLIES": f"@{replies}"}).complete([]).text
        == "from file"
    )


@pytest.mark.parametrize("raw", ["not json", '{"a": 1}', "[1, 2]", "@/no/such/file.json"])
def test_fake_backend_bad_script(raw: str) -> None:
    with pytest.raises(ConfigError, match="TABLEPILOT_FAKE_REPLIES"):
        resolve_backend(backend="fake", env={"TABLEPILOT_FAKE_REPLIES": raw})
