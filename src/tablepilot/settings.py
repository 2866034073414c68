"""Where tablepilot keeps its files: one user directory, overridable by ``TABLEPILOT_HOME``.

Every function takes an optional ``env`` mapping so tests (and embedders) can point tablepilot at a
temporary home without touching the process environment; there is no global state.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

APP_NAME = "tablepilot"
HOME_ENV = "TABLEPILOT_HOME"


def _home(env: Mapping[str, str] | None) -> Path | None:
    value = (os.environ if env is None else env).get(HOME_ENV, "").strip()
    return Path(value).expanduser() if value else None


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """Persistent user data (installed models): ``$TABLEPILOT_HOME`` or the platform's data dir."""
    return _home(env) or Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """Re-creatable files (downloaded model parts): ``$TABLEPILOT_HOME/cache`` or the platform's cache dir."""
    home = _home(env)
    return home / "cache" if home else Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def models_dir(env: Mapping[str, str] | None = None) -> Path:
    """Assembled, verified GGUF model files."""
    return data_dir(env) / "models"
