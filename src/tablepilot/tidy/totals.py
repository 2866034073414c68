"""Total and subtotal rows: kept out of the data (they would double every sum) but listed, not lost."""

from __future__ import annotations

import re
from typing import Any

from tablepilot.tidy.values import is_label, norm_text

_SUBTOTAL = re.compile(r"小\s*计|subtotal|sub-total|sub total", re.IGNORECASE)
_TOTAL = re.compile(
    r"^(?:合\s*计|总\s*计|共\s*计|总\s*额|累\s*计|全部合计|total|grand\s*total|sum|totals)$", re.IGNORECASE
)
_GROUP_TOTAL = re.compile(r"(?:合\s*计|总\s*计)$|\btotal$", re.IGNORECASE)
#: "Total (1–12)", "TOTAL 19 nations", "Totals (5 entries)": a total that says what it covers
_COUNTED_TOTAL = re.compile(r"^totals?\s*(?:\([^()]*\)|\d[\d,]*\s+\w+)$", re.IGNORECASE)


def total_kind(row: list[Any]) -> str | None:
    """``"total"`` or ``"subtotal"`` when one of the row's first two labels says so."""
    labels = [norm_text(v) for v in row if is_label(v)][:2]
    for text in labels:
        t = text.strip(" :：")
        if _SUBTOTAL.search(t):
            return "subtotal"
        if _TOTAL.match(t) or _COUNTED_TOTAL.match(t):
            return "total"
        if _GROUP_TOTAL.search(t) and len(t) <= 20:
            return "subtotal"
    return None


def is_total_name(name: str) -> bool:
    """A column that sums the others (``合计``, ``Total``)."""
    t = norm_text(name).replace(" ", "")
    return bool(_TOTAL.match(t) or _SUBTOTAL.search(t))
