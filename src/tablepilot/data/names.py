"""SQL names for loaded tables and columns.

Names keep the user's own words (Chinese included) because questions refer to them; only characters
that make SQL awkward become ``_``. DuckDB compares identifiers case-insensitively, so uniqueness is
checked case-insensitively too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def quote_ident(name: str) -> str:
    """``name`` as a DuckDB/SQL identifier: double-quoted, internal quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """``text`` as a single-quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def table_name_from(text: str) -> str:
    """A table name from a file stem or sheet name: letters/digits (any script) kept, the rest ``_``."""
    name = _NON_WORD.sub("_", unicodedata.normalize("NFKC", text)).strip("_")
    name = re.sub(r"_+", "_", name)
    if not name:
        return "table"
    if name[0].isdigit():
        name = "t_" + name
    return name


def unique_name(name: str, taken: Iterable[str]) -> str:
    """``name``, or ``name_2``, ``name_3``… whichever is not taken (case-insensitively)."""
    used = {t.casefold() for t in taken}
    if name.casefold() not in used:
        return name
    n = 2
    while f"{name}_{n}".casefold() in used:
        n += 1
    return f"{name}_{n}"


def clean_column_names(names: Sequence[object]) -> tuple[list[str], list[str]]:
    """Column names as given but stripped, blanks named ``column_N``, duplicates ``name_2``.

    Returns the names and one note per change, so the user can see what loading did.
    """
    out: list[str] = []
    notes: list[str] = []
    for i, raw in enumerate(names, start=1):
        text = "" if raw is None else str(raw)
        name = " ".join(text.split())  # strip, and fold inner newlines/tabs from spreadsheet headers
        if not name:
            name = f"column_{i}"
            notes.append(f"column {i} had no name; named it {name}")
        elif name != text:
            notes.append(f"column {i} name {text!r} trimmed to {name!r}")
        unique = unique_name(name, out)
        if unique != name:
            notes.append(f"column {i} name {name!r} repeats an earlier column; renamed to {unique!r}")
        out.append(unique)
    return out, notes


def mention_pattern(name: str) -> str:
    """A regex for ``name`` mentioned in a request: ASCII names as whole words ("orders" is not in
    "reorders"); CJK text has no word boundaries, so there the name itself."""
    word = re.escape(name)
    return rf"(?<![A-Za-z0-9_]){word}(?![A-Za-z0-9_])" if name.isascii() else word
