"""Small fake part wheels shaped like the real model wheels, and a known-model entry matching them."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from tablepilot.llm.model_store import KnownModel

PARTS = [b"GGUF" + bytes(range(256)) * 40, b"middle-" * 3000, b"tail" * 5]
BLOB = b"".join(PARTS)


def fake_model(blob: bytes = BLOB, *, count: int = len(PARTS)) -> KnownModel:
    return KnownModel(
        name="toy-model",
        aliases=("toy",),
        file_name="toy.gguf",
        packages=tuple(f"toy-model-part{i}" for i in range(1, count + 1)),
        version="1.0.0",
        size=len(blob),
        sha256=hashlib.sha256(blob).hexdigest(),
    )


def build_wheels(directory: Path, parts: list[bytes], *, pad: int = 2) -> None:
    """Wheels shaped like the real ones: ``<pkg>/data/partNN.bin`` plus some Python we must ignore."""
    directory.mkdir(parents=True, exist_ok=True)
    for i, data in enumerate(parts, start=1):
        pkg = f"toy_model_part{i}"
        with zipfile.ZipFile(directory / f"{pkg}-1.0.0-py3-none-any.whl", "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(f"{pkg}/__init__.py", "raise RuntimeError('never import me')\n")
            zf.writestr(f"{pkg}/data/part{i:0{pad}d}.bin", data)
            zf.writestr(f"{pkg}-1.0.0.dist-info/METADATA", f"Name: toy-model-part{i}\n")


class Fetcher:
    """Stands in for pip: copies prebuilt wheels into the parts dir and counts calls."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self.calls = 0

    def __call__(self, model: KnownModel, dest: Path) -> None:
        self.calls += 1
        dest.mkdir(parents=True, exist_ok=True)
        for wheel in self.source.glob("*.whl"):
            if not (dest / wheel.name).exists():
                (dest / wheel.name).write_bytes(wheel.read_bytes())
