"""A whole date pinned where the question names only a year or a month.

"How many matches were in 2007?" becomes ``WHERE "Date" = '2007-01-04'`` in a small model's
query (a date it saw in the table description), and "titles with a date of november"
``"Date" = '1914-11-01'``. When the question names the pinned date's year or month but no day,
the condition is read at the question's grain: ``EXTRACT(YEAR FROM "Date") = 2007``, the month, or
both. The column must hold dates (DATE/TIMESTAMP); a day named in the question, or a position in
time ("the first film released in 2002", where the pinned day is the first), leaves it alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlglot import exp

from tablepilot.cells import MONTHS
from tablepilot.profile import is_date_type
from tablepilot.sql.clauses import column_type, parsed_scopes, table_of, typed_names
from tablepilot.sql.dialects import read_dialect

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"


#: a pinned day may be the model's reading of a position: "the first film released in 2002"
_POSITION = re.compile(
    r"\b(first|last|earliest|latest|next|previous|before|after|prior|following|final|opening)\b"
)


def asked_grain(question: str) -> tuple[set[int], set[int]] | None:
    """The years and the months the question names, when it names no day; None when it names a day
    (a number beside a month name, or a written date) or asks for a position in time."""
    text = question.casefold()
    if re.search(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}", text) or _POSITION.search(text):
        return None
    years = {int(y) for y in re.findall(r"(?<![\d-])(1[5-9]\d\d|20\d\d)(?![\d-])", text)}
    months = set()
    for word in re.finditer(r"[a-z]+", text):
        month = MONTHS.get(word.group())
        if month is None or (word.group() == "may" and not _beside_a_number(text, word)):
            continue  # "may" is far more often the verb
        after, before = text[word.end() :], text[: word.start()]
        if re.match(rf"\.?\s+{_DAY}\b(?!\d)", after) and not re.match(r"\.?\s+\d{4}\b", after):
            return None  # "november 6"
        if re.search(rf"\b{_DAY}\s+(?:of\s+)?$", before) and not re.search(r"\b\d{3,4}\s+$", before):
            return None  # "6 november", "6th of november"
        months.add(month)
    return years, months


def _beside_a_number(text: str, word: re.Match[str]) -> bool:
    return bool(re.match(r"\s+\d", text[word.end() :]) or re.search(r"\d\s+$", text[: word.start()]))


def coarser_dates(
    question: str, sql: str, types: Mapping[str, Mapping[str, str]], *, dialect: str = "duckdb"
) -> tuple[str, str] | None:
    """``sql`` with each ``date_column = 'YYYY-MM-DD'`` the question asks only at the year or month
    grain tested at that grain, and the condition it replaced; None when there is none."""
    grain = asked_grain(question)
    if grain is None:
        return None
    years, months = grain
    if not years and not months:
        return None
    known = typed_names(types)
    parsed = parsed_scopes(sql, dialect)
    if parsed is None:
        return None
    tree, scopes = parsed
    replaced = []
    for scope, tables in scopes:
        for node in list(scope.find_all(exp.EQ)):
            column, literal = node.this, node.expression
            if not isinstance(column, exp.Column) or not isinstance(literal, exp.Literal):
                continue
            match = _ISO.match(literal.this) if literal.is_string else None
            type_name = column_type(column, table_of(column, tables, known), known)
            if match is None or type_name is None or not is_date_type(type_name):
                continue
            year, month = int(match.group(1)), int(match.group(2))
            parts = []
            if year in years:
                parts.append(("YEAR", year))
            if month in months:
                parts.append(("MONTH", month))
            if not parts:
                continue
            replaced.append(node.sql(dialect=read_dialect(dialect)))
            node.replace(_at(column, parts))
    if not replaced:
        return None
    return tree.sql(dialect=read_dialect(dialect)), ", ".join(replaced)


def _at(column: exp.Column, parts: list[tuple[str, int]]) -> exp.Expr:
    tests: list[exp.Expr] = [
        exp.EQ(
            this=exp.Extract(this=exp.var(name), expression=column.copy()),
            expression=exp.Literal.number(value),
        )
        for name, value in parts
    ]
    return exp.Paren(this=exp.and_(*tests)) if len(tests) > 1 else tests[0]
