"""Receiving uploaded files: a size cap while copying, a safe name, and a content sniff before loading.

Files land in ``<data_dir>/files/<user>/<session>/<upload>/<name>``: one folder per upload keeps the
user's own file name (so ``sales.csv`` still becomes table ``sales``) without two uploads colliding.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import unicodedata
import uuid
from pathlib import Path
from typing import BinaryIO

from tablepilot.data.formats import SUPPORTED_EXTENSIONS, sniff_format
from tablepilot.errors import LoadError
from tablepilot.server.errors import UnsupportedFileError, UploadTooLargeError

CHUNK = 1 << 20


def safe_filename(name: str) -> str:
    """The last path component, without control or path characters, at most 120 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    base = re.sub(r'[<>:"|?*]', "_", base).strip(" .")
    if not base:
        base = "upload"
    stem, dot, ext = base.rpartition(".")
    if dot and len(base) > 120:
        base = stem[: 120 - len(ext) - 1] + "." + ext
    return base[:120]


def check_extension(filename: str) -> None:
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise UnsupportedFileError(
            f"{filename!r} is not a supported data file",
            hint="upload CSV, TSV, Excel (.xlsx/.xls), Parquet, JSON, SQLite or DuckDB files; "
            f"accepted endings: {' '.join(SUPPORTED_EXTENSIONS)}",
        )


def user_folder(user: str) -> str:
    """A folder name for a user: readable, but unique even when two names slug the same."""
    slug = re.sub(r"[^A-Za-z0-9_-]", "_", user)[:32] or "user"
    return f"{slug}-{hashlib.sha256(user.encode()).hexdigest()[:10]}"


def save_upload(source: BinaryIO, filename: str, folder: Path, *, max_bytes: int) -> tuple[Path, int, str]:
    """Copy ``source`` into ``folder/<new id>/<safe name>``; returns (path, size, sha256).

    Stops and deletes the partial file as soon as it grows past ``max_bytes``; a file whose content is
    not a data format tablepilot reads (whatever its name claims) is rejected before any loading.
    """
    name = safe_filename(filename)
    check_extension(name)
    target_dir = folder / uuid.uuid4().hex[:12]
    target_dir.mkdir(parents=True, exist_ok=False)
    target = target_dir / name
    digest = hashlib.sha256()
    size = 0
    try:
        with target.open("wb") as out:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadTooLargeError(
                        f"{name} is larger than the upload limit of {max_bytes / 1e6:g} MB",
                        hint="upload a smaller extract, or ask the admin to raise --max-upload-mb",
                        limit_bytes=max_bytes,
                    )
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise LoadError(f"{name} is empty", hint="upload a file that contains data", path=name)
        try:
            sniff_format(target)
        except LoadError as exc:
            raise LoadError(exc.message.replace(str(target), name), hint=exc.hint, path=name) from None
    except BaseException:
        shutil.rmtree(target_dir, ignore_errors=True)
        raise
    return target, size, digest.hexdigest()


def remove_upload(path: Path) -> None:
    shutil.rmtree(path.parent, ignore_errors=True)
