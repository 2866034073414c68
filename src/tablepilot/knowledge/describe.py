"""`tablepilot describe` shows the table description as the model sees it, knowledge included."""

from __future__ import annotations

import os
from collections.abc import Sequence

from tablepilot.knowledge.locate import find
from tablepilot.knowledge.prompt import annotate, knowledge_block
from tablepilot.knowledge.store import load


def with_knowledge(
    description: str, sources: Sequence[str | os.PathLike[str]], budget_tokens: int = 250
) -> str:
    """``description`` with the dataset's knowledge file folded in (unchanged when there is none)."""
    path = find(sources)
    if path is None:
        return description
    k = load(path)
    block = knowledge_block(k, "", budget_tokens)
    text = annotate(description, k, budget_tokens)
    return f"{text}\n{block}" if block else text
