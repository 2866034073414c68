"""Mend the two spelling slips small models make most with real-world names, before the guard.

- a known column or table name that needs quotes written without them: ``WHERE 项 目 = …``,
  ``SELECT Winner(s)``, ``"Height ft / m"`` as ``Height ft / m``;
- a keyword glued to a Chinese name: ``SELECT注册资本``.

Only text outside string literals and quoted identifiers is touched, and only exact known names,
so a query that was right stays byte-for-byte the same. The result still goes through the guard.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tablepilot.data.names import quote_ident

_SEGMENTS = re.compile(r"('(?:[^']|'')*'|\"(?:[^\"]|\"\")*\")")
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_GLUED = re.compile(r"(?i)\b(SELECT|FROM|WHERE|BY|AND|OR|ON|JOIN|AS|DISTINCT)(?=[\u3400-\u9fff])")
_WORD = r"[\w\u3400-\u9fff]"


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
    return "".join(parts)
