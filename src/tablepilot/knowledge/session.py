"""Which knowledge a ``Session`` uses: given, read from a named file, or found next to the data."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from tablepilot.knowledge.locate import find, target
from tablepilot.knowledge.model import Knowledge
from tablepilot.knowledge.store import load

Source = str | os.PathLike[str]


def open_knowledge(
    given: Knowledge | Source | None, sources: Sequence[Source]
) -> tuple[Knowledge, Path | None]:
    """The knowledge and the file that confirmations are saved to (None: kept in memory only).

    A named file that does not exist yet starts empty; a malformed one raises ``KnowledgeError``.
    """
    if isinstance(given, Knowledge):
        return given, None
    if given is not None:
        path = Path(given).expanduser()
        return (load(path) if path.exists() else Knowledge()), path
    if not sources:
        return Knowledge(), None
    found = find(sources)
    if found is not None:
        return load(found), found
    return Knowledge(), target(sources)
