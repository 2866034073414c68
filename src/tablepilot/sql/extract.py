"""Pull the one SQL query out of an LLM reply.

Small models wrap SQL in many shapes: fenced blocks with or without a language, unterminated
fences, ``SQL: SELECT …`` lines, inline backticks, prose before and after, and reasoning inside
``<think>`` tags. This module only finds the text; ``sql.guard`` decides whether it may run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Fence languages that mean "this is SQL".
SQL_LANGUAGES = frozenset(
    {"sql", "duckdb", "postgres", "postgresql", "psql", "sqlite", "mysql", "pgsql", "ansi"}
)

_THINK = re.compile(r"<think>.*?</think>", re.IGNORECASE | re.DOTALL)
_FENCE = re.compile(r"^[ \t]*(```+|~~~+)[ \t]*([\w+-]*)[ \t]*$", re.MULTILINE)
_LEADING_COMMENTS = re.compile(r"\A(?:\s+|--[^\n]*(?:\n|\Z)|/\*.*?\*/)*", re.DOTALL)
_QUERY_START = re.compile(r"(?:SELECT|WITH|FROM|VALUES|PIVOT|UNPIVOT)\b|\(", re.IGNORECASE)
_INLINE = re.compile(r"`{1,3}(?:sql\s+)?((?:SELECT|WITH)\b[^`]+)`{1,3}", re.IGNORECASE)
_KEYWORD = re.compile(r"(?<![\w\"'.`])(SELECT|WITH)\b", re.IGNORECASE)
_WITH_QUERY = re.compile(
    r"WITH\s+(?:RECURSIVE\s+)?(?:\"[^\"]+\"|\w+)(?:\s*\([^)]*\))?\s+AS\s*(?:NOT\s+)?(?:MATERIALIZED\s+)?\(",
    re.IGNORECASE,
)
_SQL_CONTINUATION = re.compile(
    r"(?:SELECT|WITH|FROM|WHERE|GROUP|ORDER|HAVING|LIMIT|OFFSET|QUALIFY|WINDOW|UNION|INTERSECT|EXCEPT|"
    r"JOIN|LEFT|RIGHT|INNER|OUTER|FULL|CROSS|ON|AND|OR|CASE|WHEN|THEN|ELSE|END|AS|"
    r"[a-z_\"][\w\"]*\s+AS\s*\()\b|[(),]|--",
    re.IGNORECASE,
)
_ENGLISH_PROSE = re.compile(r"[A-Z][a-z]+(?:\s+[a-z'’,]+){2,}")
_MARKDOWN = re.compile(r"(?:\*\*|#{1,6}\s|[-*•]\s|\d+[.)]\s)")
_CJK_PUNCTUATION = re.compile(r"[。，！？；：]")


@dataclass(frozen=True)
class _Block:
    language: str
    body: str


def extract_sql(reply: str) -> str | None:
    """Return the SQL query in ``reply``, trimmed and without trailing semicolons, or None.

    Order of preference: the last ```sql block that looks like a query (or the last ```sql block),
    the last untagged/other fenced block that looks like a query, inline `SELECT …`, then the
    first SELECT/WITH in the prose up to a semicolon or a paragraph that is not SQL.
    """
    text = _THINK.sub("", reply)
    blocks = _fenced_blocks(text)
    tagged = [b for b in blocks if b.language in SQL_LANGUAGES and b.body.strip()]
    for candidates in ([b for b in tagged if _looks_like_query(b.body)], tagged):
        if candidates:
            return _clean(candidates[-1].body)
    others = [b for b in blocks if b.language not in SQL_LANGUAGES and _looks_like_query(b.body)]
    if others:
        return _clean(others[-1].body)
    outside = _outside_fences(text)
    inline = _INLINE.search(outside)
    if inline:
        return _clean(inline.group(1))
    return _from_prose(outside)


def _fenced_blocks(text: str) -> list[_Block]:
    """Fenced blocks in order; an unterminated fence runs to the end of the reply."""
    blocks: list[_Block] = []
    fences = list(_FENCE.finditer(text))
    i = 0
    while i < len(fences):
        opening = fences[i]
        marker = opening.group(1)
        closing = next(
            (
                j
                for j in range(i + 1, len(fences))
                if fences[j].group(1).startswith(marker[:3]) and not fences[j].group(2)
            ),
            None,
        )
        end = fences[closing].start() if closing is not None else len(text)
        body = text[opening.end() : end]
        blocks.append(_Block(opening.group(2).lower(), body))
        i = closing + 1 if closing is not None else len(fences)
    return blocks


def _outside_fences(text: str) -> str:
    """The reply with fence marker lines removed (their content is kept as plain text)."""
    return _FENCE.sub("", text)


def _looks_like_query(body: str) -> bool:
    rest = body[_LEADING_COMMENTS.match(body).end() :]  # type: ignore[union-attr]  # \A(...)* always matches
    return bool(_QUERY_START.match(rest))


def _from_prose(text: str) -> str | None:
    matches = [m for m in _KEYWORD.finditer(text) if _plausible_start(text, m)]
    if not matches:
        return None
    upper = [m for m in matches if m.group(1).isupper()]
    start = (upper or matches)[0].start()
    return _clean(_until_prose(text[start:])) or None


def _plausible_start(text: str, match: re.Match[str]) -> bool:
    """A keyword starts a query if WITH introduces a CTE, and a lower-case one begins a line or
    follows a colon ("SQL: select …"), so prose such as "select the rows" is not taken."""
    if match.group(1).upper() == "WITH" and not _WITH_QUERY.match(text, match.start()):
        return False
    if match.group(1).isupper():
        return True
    line_start = text.rfind("\n", 0, match.start()) + 1
    before = text[line_start : match.start()].strip()
    return before == "" or before.endswith((":", "："))


def _until_prose(text: str) -> str:
    """Cut at a semicolon ending a line, at a prose line, or at a blank line before prose."""
    semicolon = re.search(r"[;；][ \t]*(?:\n|$)", text)
    if semicolon:
        text = text[: semicolon.start()]
    lines = text.split("\n")
    kept = [lines[0]]
    blank = False
    for line in lines[1:]:
        stripped = line.strip()
        if not stripped:
            blank = True
            kept.append(line)
            continue
        if _is_prose(stripped) or (blank and not _SQL_CONTINUATION.match(stripped)):
            break
        blank = False
        kept.append(line)
    return "\n".join(kept)


def _is_prose(line: str) -> bool:
    """A sentence ("This query …"), a markdown line, or Chinese text with sentence punctuation."""
    quoted = "'" in line or '"' in line
    return bool(
        _MARKDOWN.match(line) or _ENGLISH_PROSE.match(line) or (_CJK_PUNCTUATION.search(line) and not quoted)
    )


def _clean(sql: str) -> str:
    sql = sql.strip().strip("`").strip()
    while sql.endswith((";", "；")):
        sql = sql[:-1].rstrip()
    return sql
