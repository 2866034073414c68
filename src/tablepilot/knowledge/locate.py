"""Where a dataset's knowledge file lives.

Next to the data, so it is versioned with it: ``sales.xlsx`` → ``sales.knowledge.yaml`` (the first
file names the dataset when several are given). Database URLs and globs, and data in a folder we
cannot write to, use ``<data dir>/knowledge/<name>-<hash>.yaml``, keyed by the URL without its
password. ``--knowledge FILE`` overrides both. The data file itself is never touched.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tablepilot.engines.sources import DATABASE_SCHEMES, file_url_path, scheme_of
from tablepilot.settings import data_dir

SUFFIX = ".knowledge.yaml"
_GLOB = re.compile(r"[*?\[]")


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit((parts.scheme, f"{user}{host}{port}", parts.path, parts.query, ""))


def _fallback(key: str, env: dict[str, str] | None, name: str | None = None) -> Path:
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    stem = re.sub(r"[^\w.-]+", "_", name or key.rsplit("/", 1)[-1])[:40].strip("._") or "data"
    return data_dir(env) / "knowledge" / f"{stem}-{digest}.yaml"


def candidates(sources: Sequence[str | os.PathLike[str]], env: dict[str, str] | None = None) -> list[Path]:
    """Where the file may be, preferred first (next to the data, then the user data dir)."""
    if not sources:
        return []
    first = os.fspath(sources[0])
    scheme = scheme_of(first)
    if scheme in DATABASE_SCHEMES:
        return [_fallback(_without_password(first), env)]
    path = Path(file_url_path(first) if scheme else first).expanduser()
    if _GLOB.search(str(path)):
        return [_fallback(str(path.absolute()), env)]
    name = path.name if path.is_dir() else path.stem
    beside = path.parent / f"{name or 'data'}{SUFFIX}"
    return [beside, _fallback(str(path.absolute()), env, name)]


def find(sources: Sequence[str | os.PathLike[str]], env: dict[str, str] | None = None) -> Path | None:
    """The existing knowledge file of ``sources``, if any."""
    return next((p for p in candidates(sources, env) if p.is_file()), None)


def target(sources: Sequence[str | os.PathLike[str]], env: dict[str, str] | None = None) -> Path:
    """Where to write: the existing file, else next to the data when that folder is writable."""
    found = find(sources, env)
    if found is not None:
        return found
    options = candidates(sources, env)
    if not options:
        return _fallback("data", env)
    first = options[0]
    if len(options) > 1 and not os.access(first.parent, os.W_OK):
        return options[-1]
    return first
