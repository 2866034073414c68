from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from tablepilot import settings


def test_tablepilot_home_overrides_everything(tmp_path: Path) -> None:
    env = {"TABLEPILOT_HOME": str(tmp_path / "h")}
    assert settings.data_dir(env) == tmp_path / "h"
    assert settings.cache_dir(env) == tmp_path / "h" / "cache"
    assert settings.models_dir(env) == tmp_path / "h" / "models"


def test_home_expands_user(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert settings.data_dir({"TABLEPILOT_HOME": "~/tp"}) == tmp_path / "tp"


@pytest.mark.parametrize("env", [{}, {"TABLEPILOT_HOME": ""}, {"TABLEPILOT_HOME": "  "}])
def test_platform_dirs_when_unset(env: dict[str, str]) -> None:
    assert settings.data_dir(env) == Path(platformdirs.user_data_dir("tablepilot", appauthor=False))
    assert settings.cache_dir(env) == Path(platformdirs.user_cache_dir("tablepilot", appauthor=False))
    assert settings.models_dir(env).parent == settings.data_dir(env)


def test_process_environment_is_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TABLEPILOT_HOME", str(tmp_path))
    assert settings.models_dir() == tmp_path / "models"
