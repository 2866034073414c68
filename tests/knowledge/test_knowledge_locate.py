"""Where knowledge files live: next to the data, else the user data dir; never the data file itself."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tablepilot.knowledge.locate import candidates, find, target


def test_next_to_the_data_first(tmp_path: Path) -> None:
    env = {"TABLEPILOT_HOME": str(tmp_path / "home")}
    data = tmp_path / "sales.xlsx"
    data.write_bytes(b"x")
    beside = tmp_path / "sales.knowledge.yaml"
    assert candidates([data, tmp_path / "other.csv"], env)[0] == beside
    assert find([data], env) is None and target([data], env) == beside
    beside.write_text("version: 1\n", encoding="utf-8")
    assert find([data], env) == beside
    assert candidates([f"sqlite://{tmp_path}/shop.db"], env)[0] == tmp_path / "shop.knowledge.yaml"


def test_database_urls_are_keyed_without_the_password(tmp_path: Path) -> None:
    env = {"TABLEPILOT_HOME": str(tmp_path)}
    a = candidates(["postgresql://analyst:secret@db:5432/sales"], env)
    b = candidates(["postgresql://analyst:other@db:5432/sales"], env)
    assert a == b and len(a) == 1 and a[0].parent == tmp_path / "knowledge"
    assert "secret" not in str(a[0]) and a[0].name.startswith("sales-")
    assert candidates(["postgresql://analyst@db/other"], env) != a
    glob = candidates([str(tmp_path / "big" / "*.parquet")], env)
    assert len(glob) == 1 and glob[0].parent == tmp_path / "knowledge"


def test_unwritable_data_folder_falls_back_to_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"TABLEPILOT_HOME": str(tmp_path / "home")}
    folder = tmp_path / "readonly"
    folder.mkdir()
    (folder / "sales.csv").write_text("a\n1\n", encoding="utf-8")
    real_access = os.access
    # chmod does not stop root (the CI user), so the permission check itself is made to say no
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == folder else real_access(p, mode))
    fallback = target([folder / "sales.csv"], env)
    assert fallback.parent == tmp_path / "home" / "knowledge" and fallback.name.startswith("sales-")
    fallback.parent.mkdir(parents=True)
    fallback.write_text("version: 1\n", encoding="utf-8")
    assert find([folder / "sales.csv"], env) == fallback  # and it is found there next time
