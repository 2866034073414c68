"""The three answer-checking rules of FORMAT.md, as pure functions.

``denotation`` re-implements the semantics of the official WikiTableQuestions evaluator (1.0.2):
the same normalization, typing and set matching, so our numbers compare with published ones.
``cell_set`` is the IM-TQA rule, ``execution`` the Spider/RETQA result comparison.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

# --------------------------------------------------------------------------- denotation

_QUOTES = (re.compile("[‘’´`]"), "'"), (re.compile("[“”]"), '"'), (re.compile("[‐‑‒–—−]"), "-")
_TRAILING_CITATIONS = re.compile(r"((?<!^)\[[^\]]*\]|\[\d+\]|[•♦†‡*#+])*$")
_TRAILING_PARENS = re.compile(r"(?<!^)( \([^)]*\))*$")
_ENCLOSING_QUOTES = re.compile(r'^"([^"]*)"$')
_SPACES = re.compile(r"\s+")


def normalize(s: str) -> str:
    """The official evaluator's string normalization (accents, quotes, citations, case…)."""
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if unicodedata.category(c) != "Mn")
    for pattern, repl in _QUOTES:
        s = pattern.sub(repl, s)
    while True:
        before = s
        s = _TRAILING_CITATIONS.sub("", s.strip())
        s = _TRAILING_PARENS.sub("", s.strip())
        s = _ENCLOSING_QUOTES.sub(r"\1", s.strip())
        if s == before:
            break
    s = s.removesuffix(".")
    return _SPACES.sub(" ", s).lower().strip()


@dataclass(frozen=True)
class Value:
    """A typed answer item: ``kind`` is "number", "date" or "string"."""

    kind: str
    normalized: str
    amount: int | float | None = None
    ymd: tuple[int, int, int] | None = None  # -1 marks an ``xx`` field

    @property
    def identity(self) -> tuple[Any, ...]:
        """What makes two values the same set member (the evaluator's ``__eq__``)."""
        if self.kind == "number":
            return ("number", self.amount)
        if self.kind == "date":
            return ("date", self.ymd)
        return ("string", self.normalized)

    def matches(self, other: Value) -> bool:
        if self.normalized == other.normalized:
            return True
        if self.kind == other.kind == "number":
            assert self.amount is not None and other.amount is not None
            return abs(self.amount - other.amount) < 1e-6
        return self.kind == other.kind == "date" and self.ymd == other.ymd


def parse_number(text: str) -> int | float | None:
    """``int()`` else ``float()``, finite only; Python 2 had no ``_`` separators, so neither do we."""
    if "_" in text:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        f = float(text)
    except ValueError:
        return None
    return f if math.isfinite(f) else None


def parse_date(text: str) -> tuple[int, int, int] | None:
    """``y-m-d`` where a field may be ``xx`` (``xxxx`` for the year); -1 marks an unknown field."""
    parts = text.lower().split("-")
    if len(parts) != 3 or "_" in text:
        return None
    try:
        year = -1 if parts[0] in ("xx", "xxxx") else int(parts[0])
        month = -1 if parts[1] == "xx" else int(parts[1])
        day = -1 if parts[2] == "xx" else int(parts[2])
    except ValueError:
        return None
    if year == month == day == -1:
        return None
    if not (month == -1 or 1 <= month <= 12) or not (day == -1 or 1 <= day <= 31):
        return None
    return (year, month, day)


def _number_value(amount: float, original: str) -> Value:
    # "within 1e-6 of an integer" becomes that integer by int() truncation, as the evaluator does
    if abs(amount - round(amount)) < 1e-6:
        amount = int(amount)
    return Value("number", normalize(original), amount=amount)


def to_value(original: str, canon: str | None = None) -> Value:
    """Type ``canon`` (or the string itself) but keep the original string for matching by text."""
    typed_from = canon if canon else original
    amount = parse_number(typed_from)
    if amount is not None:
        return _number_value(amount, original)
    ymd = parse_date(typed_from)
    if ymd is not None:
        if ymd[1] == ymd[2] == -1:
            return _number_value(ymd[0], original)
        return Value("date", normalize(original), ymd=ymd)
    return Value("string", normalize(original))


def to_value_set(originals: Sequence[str], canons: Sequence[str] | None = None) -> list[Value]:
    """Distinct values; like a Python set, the first of several equal items is the one kept."""
    if canons is None or len(canons) != len(originals):
        canons = [""] * len(originals)
    seen: dict[tuple[Any, ...], Value] = {}
    for original, canon in zip(originals, canons):
        v = to_value(original, canon)
        seen.setdefault(v.identity, v)
    return list(seen.values())


def denotation(
    predicted: Sequence[str], gold: Sequence[str], gold_canon: Sequence[str] | None = None
) -> bool:
    targets = to_value_set(gold, gold_canon)
    preds = to_value_set(predicted)
    if len(targets) != len(preds):
        return False
    return all(any(t.matches(p) for p in preds) for t in targets)


# --------------------------------------------------------------------------- cell-set


def cell_set(predicted: Sequence[str], gold: Sequence[str]) -> bool:
    """Set equality after deleting all whitespace (``str.split`` whitespace, full-width space too)."""
    return {"".join(s.split()) for s in predicted} == {"".join(s.split()) for s in gold}


# --------------------------------------------------------------------------- execution

_PLAIN_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

Cell = float | str | None


def canonical_cell(value: Any) -> Cell:
    if value is None:
        return None
    if isinstance(value, (bool, int, float)):
        try:
            return float(value)
        except OverflowError:  # an int beyond float range
            return math.copysign(math.inf, value)
    if isinstance(value, str):
        s = value.strip()
        return float(s) if _PLAIN_DECIMAL.fullmatch(s) else s
    # lists and objects are not in FORMAT.md; compare them as their JSON text
    return json.dumps(value, ensure_ascii=False)


def cells_equal(a: Cell, b: Cell) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)
    return isinstance(a, str) and isinstance(b, str) and a == b


def rows_equal(a: Sequence[Cell], b: Sequence[Cell]) -> bool:
    return len(a) == len(b) and all(cells_equal(x, y) for x, y in zip(a, b))


def canonical_rows(rows: Sequence[Any]) -> list[tuple[Cell, ...]]:
    """A row that is not a list counts as a one-cell row."""
    return [tuple(canonical_cell(c) for c in (r if isinstance(r, (list, tuple)) else [r])) for r in rows]


def execution(predicted_rows: Sequence[Any], gold_rows: Sequence[Any], ordered: bool) -> bool:
    pred = canonical_rows(predicted_rows)
    gold = canonical_rows(gold_rows)
    if len(pred) != len(gold):
        return False
    if ordered:
        return all(rows_equal(g, p) for g, p in zip(gold, pred))
    return _multiset_match(gold, pred)


_FULL_MATCHING_MAX_ROWS = 3000


def _multiset_match(gold: list[tuple[Cell, ...]], pred: list[tuple[Cell, ...]]) -> bool:
    """Each gold row matches a distinct predicted row.

    Tolerant float equality is not transitive, so this is a bipartite matching. Identical rows are
    paired first (the usual case, linear time); the rest go through augmenting paths, and if that
    fails a full matching from scratch decides, because pairing identical rows first can in rare
    float edge cases block a perfect matching that exists.
    """
    unmatched_pred: dict[tuple[Cell, ...], list[int]] = {}
    for j, row in enumerate(pred):
        unmatched_pred.setdefault(row, []).append(j)
    rest_gold: list[tuple[Cell, ...]] = []
    for row in gold:
        slots = unmatched_pred.get(row)
        if slots:
            slots.pop()
        else:
            rest_gold.append(row)
    if not rest_gold:
        return True
    rest_pred = [pred[j] for slots in unmatched_pred.values() for j in slots]
    if _perfect_matching(rest_gold, rest_pred, rows_equal):
        return True
    return len(gold) <= _FULL_MATCHING_MAX_ROWS and _perfect_matching(gold, pred, rows_equal)


def _perfect_matching(
    left: Sequence[tuple[Cell, ...]],
    right: Sequence[tuple[Cell, ...]],
    eq: Callable[[Sequence[Cell], Sequence[Cell]], bool],
) -> bool:
    """Kuhn's algorithm with breadth-first augmenting paths (no recursion limit to hit)."""
    n = len(left)
    if n != len(right):
        return False
    adj = [[j for j in range(n) if eq(left[i], right[j])] for i in range(n)]
    right_mate = [-1] * n
    left_mate = [-1] * n
    for start in range(n):
        parent: dict[int, int] = {}
        frontier = [start]
        found = -1
        while frontier and found < 0:
            nxt: list[int] = []
            for i in frontier:
                for j in adj[i]:
                    if j in parent:
                        continue
                    parent[j] = i
                    if right_mate[j] < 0:
                        found = j
                        break
                    nxt.append(right_mate[j])
                if found >= 0:
                    break
            frontier = nxt
        if found < 0:
            return False
        j = found
        while True:
            i = parent[j]
            previous = left_mate[i]
            right_mate[j], left_mate[i] = i, j
            if i == start:
                break
            j = previous
    return True
