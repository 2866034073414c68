"""A duration the question names, compared in seconds as the question says it.

Times such as '1:32:15' are typed as a ``<column>_seconds`` twin, and the model must turn "at least
an hour and 32 minutes" or "under the 39 minute mark" into seconds itself. A small model gets the
arithmetic wrong (``"Time_seconds" <= 2160`` for 39 minutes), and the query runs and counts the
wrong rows without a word. So when the question names exactly one duration in words and the query
compares exactly one ``_seconds`` column with exactly one other number, that number is the
question's duration in seconds.
"""

from __future__ import annotations

import itertools
import re

from sqlglot import exp

from tablepilot.sql.clauses import column_and_number
from tablepilot.sql.dialects import parse_sql, read_dialect

_AMOUNT = r"(an?|one|two|three|\d+(?:\.\d+)?)"
_UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1}
_PART = re.compile(rf"(?i)\b{_AMOUNT}[\s-]*(hours?|hrs?|minutes?|mins?|seconds?|secs?)\b")
_WORDS = {"a": 1.0, "an": 1.0, "one": 1.0, "two": 2.0, "three": 3.0}
_COMPARISONS = (exp.GT, exp.GTE, exp.LT, exp.LTE, exp.EQ)


def question_seconds(question: str) -> float | None:
    """The one duration the question names in words, in seconds ("an hour and 32 minutes": 5520);
    None when it names none, or two apart ("between 2 hours and 3 hours")."""
    parts = list(_PART.finditer(question))
    if not parts:
        return None
    for before, after in itertools.pairwise(parts):
        gap = question[before.end() : after.start()]
        larger = _UNIT_SECONDS[before.group(2)[0].casefold()] > _UNIT_SECONDS[after.group(2)[0].casefold()]
        if not larger or not re.fullmatch(r"(?i)[\s,]*(?:and)?\s*", gap):
            return None  # two durations ("between 2 hours and 3 hours"), not one written in parts
    total = 0.0
    for part in parts:
        amount = part.group(1).casefold()
        value = _WORDS.get(amount, None) if not amount[0].isdigit() else float(amount)
        if value is None:
            return None
        total += value * _UNIT_SECONDS[part.group(2)[0].casefold()]
    return total


def seconds_as_asked(sql: str, question: str, *, dialect: str = "duckdb") -> tuple[str, str] | None:
    """``sql`` with its one number compared with a ``_seconds`` column replaced by the question's
    duration, and a note; None when the question names no single duration, the query compares no
    such column (or several), already uses that number, or does not parse."""
    seconds = question_seconds(question)
    if seconds is None:
        return None
    tree = parse_sql(sql, dialect)
    if tree is None:
        return None
    compared = [
        pair
        for pair in map(column_and_number, tree.find_all(*_COMPARISONS))
        if pair is not None
        and isinstance(pair[1], exp.Literal)
        and pair[0].name.casefold().endswith("_seconds")
    ]
    if len(compared) != 1:
        return None
    column, literal = compared[0]
    if float(literal.this) == seconds:
        return None
    written = literal.this
    asked = int(seconds) if seconds.is_integer() else seconds
    literal.replace(exp.Literal.number(asked))
    note = (
        f"The question's duration is {asked} seconds; "
        f'"{column.name}" was compared with that, not with {written}.'
    )
    return tree.sql(dialect=read_dialect(dialect)), note
