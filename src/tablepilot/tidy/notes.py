"""Rows that describe a table instead of holding data: titles, unit notes, footnotes, section labels."""

from __future__ import annotations

import re
from typing import Any

from tablepilot.tidy.values import cell_text, is_blank, is_label

_UNIT = re.compile(
    r"^[(（\[【]?\s*(?:金额单位|计量单位|货币单位|单位|币种|unit|units|currency)\s*[:：]", re.IGNORECASE
)
_FOOTNOTE = re.compile(
    r"^(?:注|备注|说明|附注|数据来源|资料来源|来源|source|sources|note|notes|remark|remarks)\s*[0-9一二三四五六七八九十]*\s*[:：.、]"
    r"|^[*※†]|^注\s*\d|^\d+[.、)]\s*\S.*[。.]$",
    re.IGNORECASE,
)


def filled(row: list[Any]) -> list[Any]:
    return [v for v in row if not is_blank(v)]


def unit_of(text: str) -> str | None:
    """The unit a note names: ``单位：万元`` → ``万元``."""
    m = _UNIT.match(text.strip())
    if not m:
        return None
    return text.strip()[m.end() :].strip(" )）]】") or None


def is_footnote_text(text: str) -> bool:
    return bool(_FOOTNOTE.match(text.strip()))


def note_kind(row: list[Any], width: int) -> str | None:
    """``"unit"``, ``"footnote"`` or ``"single"`` (one text value, e.g. a title) for a note row, else None.

    A merged title repeats its value over the cells it covers, so one *distinct* value counts.
    """
    cells = filled(row)
    if not cells or not all(is_label(v) for v in cells):
        return None
    texts = [cell_text(v) for v in cells]
    if any(unit_of(t) for t in texts) and len(set(texts)) <= 2:
        return "unit"
    if len(set(texts)) == 1:
        if is_footnote_text(texts[0]):
            return "footnote"
        if width >= 2:
            return "single"
    return None
