"""The highest rank is the smallest number.

"What song made it to the highest rank on the US rap charts?" is ``MIN("US Rap")`` (6th beats
55th), but a small model writes ``MAX``. When the question joins highest/best/top/peak (or
lowest/worst) to a rank word (rank, position, place, spot, finish, chart) and the query takes the
other extreme of one column that holds places (its name is rank-like, or the question speaks of a
chart and the column holds small whole numbers), the ask loop runs it the other way round.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from sqlglot import exp

from tablepilot.cells import parse_number
from tablepilot.sql.clauses import RANK_LIKE
from tablepilot.sql.dialects import parse_sql, read_dialect

_RANK_WORD = r"(?:rank|ranking|ranked|position|place|placing|spot|finish|chart|charts|peak)"
_BEST = re.compile(rf"(?i)\b(?:highest|best|top|peak|higher|better)\b(?:\s+\w+){{0,3}}?\s+{_RANK_WORD}\b")
_WORST = re.compile(rf"(?i)\b(?:lowest|worst|bottom|lower|worse)\b(?:\s+\w+){{0,3}}?\s+{_RANK_WORD}\b")
_CHART = re.compile(r"(?i)\bcharts?\b|\bcharted\b")
#: the largest number a chart place is read as
_MAX_PLACE = 200


def asked_rank_extreme(question: str) -> bool | None:
    """True when the question asks for the best place (the smallest number), False for the worst,
    None when it asks neither (or both)."""
    best, worst = bool(_BEST.search(question)), bool(_WORST.search(question))
    return best if best != worst else None


def _places(cells: Sequence[str]) -> bool:
    """Whole numbers from 1 to ``_MAX_PLACE`` in most non-empty cells."""
    numbers = [parse_number(c) for c in cells if c.strip()]
    held = [n for n in numbers if n is not None]
    return len(held) >= max(2, len(numbers) // 2) and all(
        n.is_integer() and 1 <= n <= _MAX_PLACE for n in held
    )


def _extremes(tree: exp.Expr) -> tuple[list[exp.Expr], set[str]]:
    """The MAX/MIN calls and ORDER BY keys of plain columns, and those columns' names (casefolded)."""
    found: list[exp.Expr] = []
    for node in tree.find_all(exp.Max, exp.Min):
        if isinstance(node.this, exp.Column):
            found.append(node)
    for key in tree.find_all(exp.Ordered):
        if isinstance(key.this, exp.Column):
            found.append(key)
    return found, {node.this.name.casefold() for node in found}


def best_rank_first(
    question: str, sql: str, cells: Callable[[str], Sequence[str] | None], *, dialect: str = "duckdb"
) -> tuple[str, str] | None:
    """``sql`` with its extreme of a place column turned as the question asks (``MAX`` → ``MIN``,
    ``DESC`` → ``ASC`` for "the highest rank"), and that column's name; None when the question asks
    no best or worst place, the query already takes it, uses several columns' extremes, or the
    column holds no places. ``cells(column)``: the column's distinct texts."""
    best = asked_rank_extreme(question)
    tree = parse_sql(sql, dialect) if best is not None else None
    if tree is None:
        return None
    found, names = _extremes(tree)
    if len(names) != 1:
        return None
    column = found[0].this.name
    if not RANK_LIKE.search(column) and not (_CHART.search(question) and _places(cells(column) or [])):
        return None
    wrong = [
        node
        for node in found
        if (isinstance(node, exp.Max) and best)
        or (isinstance(node, exp.Min) and not best)
        or (isinstance(node, exp.Ordered) and bool(node.args.get("desc")) == best)
    ]
    if not wrong or len(wrong) != len(found):
        return None  # already the asked way, or mixed
    for node in wrong:
        if isinstance(node, exp.Ordered):
            node.set("desc", not best)
            node.set("nulls_first", None)
        else:
            node.replace((exp.Min if best else exp.Max)(this=node.this.copy()))
    return tree.sql(dialect=read_dialect(dialect)), column
