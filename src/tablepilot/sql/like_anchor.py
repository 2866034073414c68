""" "Names that end with the letter m" written as ``LIKE '%m%'``: the pattern anchored as asked.

A small model writes every text match as ``'%x%'``; "ends with", "starts with" (以…结尾, 以…开头)
say where the text must sit, and ``'%m%'`` also returns every name with an m inside. The pattern
whose text the question anchors loses the wildcard on the other side.
"""

from __future__ import annotations

import re

from sqlglot import exp

from tablepilot.sql.dialects import parse_sql, read_dialect

_QUOTED = r"""['"“‘]?([^\s'"”’,.?，。？]+)['"”’]?"""
_ENDS = re.compile(
    r"(?i)\b(?:ends?|ending|ended) with (?:an? |the )?(?:letters?|strings?|words?|substrings?|characters?|suffix)?\s*"
    + _QUOTED
    + r"|以"
    + _QUOTED
    + r"(?:结尾|结束)"
)
_STARTS = re.compile(
    r"(?i)\b(?:starts?|starting|started|begins?|beginning) with (?:an? |the )?"
    r"(?:letters?|strings?|words?|substrings?|characters?|prefix)?\s*"
    + _QUOTED
    + r"|以"
    + _QUOTED
    + r"(?:开头|开始|打头)"
)


def anchored_patterns(question: str, sql: str, *, dialect: str = "duckdb") -> str | None:
    """``sql`` with ``LIKE '%x%'`` made ``'%x'`` (``'x%'``) where the question says the text ends
    (starts) with x; None when nothing changed."""
    wanted = {}
    for pattern, anchor in ((_ENDS, "end"), (_STARTS, "start")):
        for match in pattern.finditer(question):
            text = next(t for t in match.groups() if t)
            wanted[text.casefold()] = anchor
    if not wanted:
        return None
    tree = parse_sql(sql, dialect)
    if tree is None:
        return None
    changed = False
    for like in tree.find_all(exp.Like, exp.ILike):
        literal = like.expression
        if not isinstance(literal, exp.Literal) or not literal.is_string:
            continue
        value = str(literal.this)
        inner = value[1:-1] if len(value) > 2 and value.startswith("%") and value.endswith("%") else None
        side = wanted.get(inner.casefold()) if inner else None
        if inner is None or side is None or "%" in inner:
            continue
        literal.replace(exp.Literal.string(f"%{inner}" if side == "end" else f"{inner}%"))
        changed = True
    return tree.sql(dialect=read_dialect(dialect)) if changed else None
