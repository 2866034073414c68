"""Without a usable bubblewrap the Python path is off and says why; it never runs code unsandboxed."""

from __future__ import annotations

import shutil

import pyarrow as pa
import pytest

from tablepilot.errors import SandboxError
from tablepilot.sandbox import BubblewrapSandbox, seccomp


def test_missing_bwrap_is_reported_with_an_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert (
        BubblewrapSandbox.check()
        == "bwrap not found: install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap)"
    )
    assert not BubblewrapSandbox.available()
    sb = BubblewrapSandbox()
    with pytest.raises(SandboxError) as info:
        sb.start({"t": pa.table({"a": [1]})})
    assert "Python analysis is off" in info.value.message and "apt-get install bubblewrap" in (
        info.value.hint or ""
    )
    with pytest.raises(SandboxError, match="has not been started"):
        sb.run("1 + 1")


def test_bwrap_that_cannot_make_namespaces_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(shutil, "which", lambda name: str(fake))
    problem = BubblewrapSandbox.check()
    assert problem is not None and "No permissions to create new namespace" in problem
    with pytest.raises(SandboxError, match="Python analysis is off"):
        BubblewrapSandbox().start({"t": pa.table({"a": [1]})})


def test_missing_pandas_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/bwrap")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name == "pandas" else real(name))
    assert BubblewrapSandbox.check() == "pandas is not installed: pip install 'tablepilot[python]'"


def test_seccomp_filter_is_well_formed() -> None:
    prog = seccomp.worker_filter("x86_64")
    assert len(prog) % 8 == 0 and 10 < len(prog) // 8 < 256
    assert len(seccomp.worker_filter("aarch64")) % 8 == 0
    with pytest.raises(ValueError):
        seccomp.worker_filter("sparc")
