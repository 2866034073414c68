"""Mend the two spelling slips small models make most with real-world names, before the guard.

- a known column or table name that needs quotes written without them: ``WHERE 项 目 = …``,
  ``SELECT Winner(s)``, ``"Height ft / m"`` as ``Height ft / m``;
- a keyword glued to a Chinese name: ``SELECT注册资本``;
- a name respelled with underscores or other punctuation: ``Years_participated`` or
  ``"Runners_up"`` for ``"Years participated"`` / ``"Runners-up"`` (same letters and digits, one
  known name only, never a name the query itself defines with ``AS``), or with its words in
  another order: ``first_name`` for ``name_first`` (the same words, one known name only).

Only names that are not known are touched, so a query that was right stays byte-for-byte the
same. The result still goes through the guard.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlglot.tokens import Tokenizer

from tablepilot.data.names import quote_ident
from tablepilot.sql.name_hints import name_words

_SEGMENTS = re.compile(r"('(?:[^']|'')*'|\"(?:[^\"]|\"\")*\")")
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_GLUED = re.compile(r"(?i)\b(SELECT|FROM|WHERE|BY|AND|OR|ON|JOIN|AS|DISTINCT)(?=[\u3400-\u9fff])")
_WORD = r"[\w\u3400-\u9fff]"
_IDENT = re.compile(
    r"(?<![\w.'])([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+)(?![\w(])|(?<=\.)([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+)(?![\w(])"
)
_DEFINED = re.compile(r"(?i)\bAS\s+(\"(?:[^\"]|\"\")*\"|\w+)|(\w+)\s+AS\s*\(")
_KEYWORDS = {k.upper() for k in Tokenizer.KEYWORDS}


def requote(sql: str, names: Iterable[str]) -> str:
    """``sql`` with unquoted known names that need quotes quoted, and glued keywords spaced."""
    needing = sorted({n for n in names if n and not _PLAIN.match(n)}, key=len, reverse=True)
    parts = _SEGMENTS.split(sql)
    for i in range(0, len(parts), 2):  # even parts are outside literals and quoted names
        text = _GLUED.sub(r"\1 ", parts[i])
        for name in needing:
            pattern = rf"(?<!{_WORD}){re.escape(name)}(?!{_WORD})" if len(name) > 1 else None
            if pattern and name in text:
                text = re.sub(pattern, quote_ident(name).replace("\\", "\\\\"), text)
        parts[i] = text
    return _respelled("".join(parts), names)


_BACKQUOTED = re.compile(r"`([^`\n]*)`")
_OPEN_BACKQUOTE = re.compile(r"`([^`\s]+)(?=\s*$)")


def backquotes_as_quotes(sql: str) -> str:
    """MySQL's quoted names (``T1.`EMP_FNAME` ``, the way Spider's own queries write them) in the
    standard double quotes DuckDB and PostgreSQL read: there a backquote is a syntax error the
    model repeats on every retry. One left open at the end of the reply (``GROUP BY `Name``) is
    closed. Text literals are left as they are."""
    if "`" not in sql:
        return sql
    parts = _SEGMENTS.split(sql)
    for i in range(0, len(parts), 2):
        text = _BACKQUOTED.sub(lambda m: quote_ident(m.group(1)), parts[i])
        if i == len(parts) - 1:
            text = _OPEN_BACKQUOTE.sub(lambda m: quote_ident(m.group(1)), text)
        parts[i] = text
    return "".join(parts)


def _key(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _words_key(name: str) -> str:
    """The name's words in sorted order ("first_name" and "name_first" alike); '' for one word."""
    words = sorted(name_words(name))
    return " ".join(words) if len(words) >= 2 else ""


def _respelled(sql: str, names: Iterable[str]) -> str:
    """Unknown names that equal exactly one known name up to case and punctuation, replaced by it."""
    known = set(names)
    by_key: dict[str, set[str]] = {}
    by_words: dict[str, set[str]] = {}
    for n in known:
        if _key(n):
            by_key.setdefault(_key(n), set()).add(n)
        if _words_key(n):
            by_words.setdefault(_words_key(n), set()).add(n)
    written = [a.strip('"') if a else b for a, b in _DEFINED.findall(sql)]
    defined = {_key(n) for n in written}
    defined_words = {_words_key(n) for n in written}
    lowered = {n.casefold() for n in known}

    def target(name: str, quoted: bool) -> str | None:
        if name in known or (not quoted and (name.casefold() in lowered or name.upper() in _KEYWORDS)):
            return None
        k, words = _key(name), _words_key(name)
        match = by_key.get(k, set())
        if not match and words and words not in defined_words and k not in defined:
            match = by_words.get(words, set())  # the same words in another order
        return next(iter(match)) if len(match) == 1 and k not in defined else None

    parts = _SEGMENTS.split(sql)
    for i, part in enumerate(parts):
        if i % 2 == 1:  # a literal or a quoted name
            if part.startswith('"'):
                real = target(part[1:-1].replace('""', '"'), quoted=True)
                if real is not None:
                    parts[i] = quote_ident(real)
            continue

        def swap(m: re.Match[str]) -> str:
            real = target(m.group(), quoted=False)
            return quote_ident(real) if real is not None else m.group()

        parts[i] = _IDENT.sub(swap, part)
    return "".join(parts)
