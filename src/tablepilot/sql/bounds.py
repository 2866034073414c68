"""Reading "at least N" as ``>= N``, not ``= N``.

"How many operas on this list have at least 3 acts?" becomes
``WHERE "Subdivisions_text" = '3 acts'`` in a small model's query, and "what type has at least a
relative cost of 1.0" ``WHERE "Relative cost" = 1.0``: the rows with exactly N. When the question
bounds a number (at least / at most / N or more / N or fewer / no more than) and the query pins a
column, or a count in its HAVING, to exactly that number, the ask loop runs it with the bound
instead, on the column's typed number when the query compared its text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlglot import exp

from tablepilot.sql.clauses import RANK_LIKE, conjuncts, pinned_to_number
from tablepilot.sql.dialects import parse_sql, read_dialect
from tablepilot.sql.top_ranks import NUMBER_WORDS

_TIMES = {"once": 1, "twice": 2, "thrice": 3}
_WORDS = "|".join([*(w for w in NUMBER_WORDS if w.isascii()), "one", *_TIMES])
_NUMBER = rf"(\d+(?:\.\d+)?|{_WORDS})"
#: up to three words between the bound and its number, none of them "and" ("an hour and 32 minutes")
_FILLER = r"\s+(?:an?\s+|the\s+)?(?:(?!and\b)\w+\s+){0,3}?"
_LOWER = re.compile(rf"(?i)\b(?:at least|no (?:less|fewer) than){_FILLER}{_NUMBER}\b|\b{_NUMBER} or more\b")
_UPPER = re.compile(
    rf"(?i)\b(?:at most|no more than|up to){_FILLER}{_NUMBER}\b|\b{_NUMBER} or (?:less|fewer)\b"
)


#: a place written as an ordinal: '2nd', '3rd'
_ORDINAL = re.compile(r"(?i)^\s*\d+\s*(st|nd|rd|th)\b")


def _value(word: str) -> float:
    word = word.lower()
    if word in _TIMES:
        return _TIMES[word]
    if word == "one":
        return 1
    return float(NUMBER_WORDS[word]) if word in NUMBER_WORDS else float(word)


def asked_bound(question: str) -> tuple[float, bool] | None:
    """(N, True) for "at least N" / "N or more", (N, False) for "at most N" / "N or fewer"; None
    when the question bounds no number, or bounds both ways."""
    lower, upper = _LOWER.search(question), _UPPER.search(question)
    if bool(lower) == bool(upper):
        return None
    match = lower or upper
    assert match is not None
    word = next(g for g in match.groups() if g)
    return _value(word), lower is not None


def bounded(
    sql: str, n: float, at_least: bool, typed_of: Callable[[str], str | None], *, dialect: str = "duckdb"
) -> tuple[str, str] | None:
    """``sql`` with its one condition pinned to exactly ``n`` (in a WHERE or a HAVING) bounded as
    asked (``>= n`` or ``<= n``), and that condition as written; None when there is no such
    condition or several, or the query compared text that has no typed number
    (``typed_of(column)``: the name of a column's typed number, if it has one)."""
    tree = parse_sql(sql, dialect)
    if tree is None:
        return None
    clauses: list[exp.Where | exp.Having] = [*tree.find_all(exp.Where), *tree.find_all(exp.Having)]
    found = [
        (condition, pinned)
        for clause in clauses
        for condition in conjuncts(clause)
        if (pinned := pinned_to_number(condition, n)) is not None
    ]
    if len(found) != 1:
        return None
    condition, (side, literal) = found[0]
    if literal.is_string:
        if not isinstance(side, exp.Column):
            return None
        typed = typed_of(side.name)
        if typed is None:
            return None
        side = exp.column(typed, table=side.table or None, quoted=True)
    number = exp.Literal.number(int(n) if float(n).is_integer() else n)
    written = condition.sql(dialect=read_dialect(dialect))
    place = _ORDINAL.search(str(literal.this)) or (
        isinstance(side, exp.Column) and RANK_LIKE.search(side.name)
    )
    compare = exp.GTE if at_least != bool(place) else exp.LTE  # at least 2nd: a place of 2 or less
    condition.replace(compare(this=side.copy(), expression=number))
    return tree.sql(dialect=read_dialect(dialect)), written
