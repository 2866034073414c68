"""Choosing among several queries written for one question by what they found (self-consistency).

A small model's greedy query is its single most likely one, but when its sampled alternatives,
run on the data, agree on another answer more often than on the greedy one, the agreed answer is
more often right. A query that failed or found nothing has no vote; when the greedy one failed,
the alternative that ran saves a repair round.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from tablepilot.answer import ResultTable
from tablepilot.answer_text import answer_values


@dataclass(frozen=True)
class Candidate:
    """One query's outcome: ``key`` is its answer in comparable form, None when it has no vote."""

    key: tuple[str, ...] | None


def answer_key(question: str, result: ResultTable) -> tuple[str, ...]:
    """The answer values as a sorted tuple: case, spacing and number form do not split agreeing answers."""
    return tuple(sorted(_canonical(v) for v in answer_values(result, None, question)))


def _canonical(value: str) -> str:
    text = " ".join(value.split()).casefold()
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return text
    return f"{number:.6g}" if math.isfinite(number) else text


def choose(candidates: Sequence[Candidate]) -> int:
    """The index of the query to keep; candidates[0] is the greedy one.

    The greedy query stays unless a larger group of at least two others found one other answer,
    or it has no vote itself (then the largest group's first member, if any, else the greedy).
    """
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, c in enumerate(candidates):
        if c.key is not None:
            groups.setdefault(c.key, []).append(i)
    if not groups:
        return 0
    best = max(groups.values(), key=lambda members: (len(members), -members[0]))
    greedy = candidates[0].key if candidates else None
    if greedy is None:
        return best[0]
    if len(best) >= 2 and len(best) > len(groups[greedy]):
        return best[0]
    return 0
