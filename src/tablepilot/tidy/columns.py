"""Typing messy text columns: numbers with separators, currency, percent, 万/亿, full-width digits,
and Chinese or slashed dates.

Only columns the engine's own typing (``data.coerce``) would leave as text are touched, so clean
files load exactly as before. A column is converted only when *every* filled cell reads as the same
kind (cells such as ``-`` or ``N/A`` count as empty); otherwise it stays text. Each conversion is
written into the report with examples of original text → value.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence
from typing import Any

from tablepilot.cells import is_null_marker, parse_date, read_number
from tablepilot.tidy.values import cell_text

_PLAIN = re.compile(
    r"^\s*(?:[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?)(?:[eE][+-]?[0-9]+)?"
    r"|[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}(?:[ T][0-9:.]+)?|[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日"
    r"|true|false|null|none|nan|n/a|na|#n/a|)\s*$",
    re.IGNORECASE,
)
_MONEY = {"¥", "$", "€", "£", "￥", "元", "RMB", "CNY", "USD", "EUR", "GBP", "US$", "HK$", "人民币"}


def _number(value: Any) -> tuple[float, str | None] | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value), None
    reading = read_number(str(value))
    if reading is None or reading.lossy:
        return None
    unit = reading.unit
    if (
        unit is not None
        and unit != "%"
        and unit not in _MONEY
        and not any(unit.startswith(m) for m in _MONEY)
    ):
        return None
    return reading.value, unit


def _date(value: Any) -> _dt.date | None:
    if isinstance(value, _dt.datetime):
        return value.date() if value.time() == _dt.time() else None
    if isinstance(value, _dt.date):
        return value
    d = parse_date(str(value))
    if d is None or d.year is None or d.month is None or d.day is None:
        return None
    return _dt.date(d.year, d.month, d.day)


def _examples(pairs: list[tuple[str, Any]]) -> str:
    return ", ".join(f"{a!r} → {b}" for a, b in pairs[:2])


def type_column(name: str, values: Sequence[Any]) -> tuple[list[Any], str | None]:
    """The column's values typed (or unchanged) and a report line saying what was done."""
    texts = [v for v in values if isinstance(v, str) and v.strip()]
    if (
        not texts
        or all(_PLAIN.match(t) for t in texts)
        and all(isinstance(v, str) or v is None for v in values)
    ):
        return list(values), None
    empty = [i for i, v in enumerate(values) if v is None or (isinstance(v, str) and is_null_marker(v))]
    present = [(i, v) for i, v in enumerate(values) if i not in set(empty)]
    if not present:
        return list(values), None
    markers = sum(1 for i in empty if values[i] is not None and str(values[i]).strip())
    tail = f"; {markers} cell(s) such as '-' read as empty" if markers else ""
    numbers = [_number(v) for _, v in present]
    if all(n is not None for n in numbers):
        units = {n[1] for n in numbers if n is not None} - {None}
        if len(units) <= 1 and not ("%" in units and any(n is not None and n[1] is None for n in numbers)):
            out: list[Any] = [None] * len(values)
            integral = all(n is not None and n[0].is_integer() and abs(n[0]) < 2**53 for n in numbers)
            shown: list[tuple[str, Any]] = []
            for (i, v), n in zip(present, numbers, strict=True):
                assert n is not None
                out[i] = int(n[0]) if integral and "%" not in units else n[0]
                if isinstance(v, str) and len(shown) < 2 and cell_text(out[i]) != v.strip():
                    shown.append((v, cell_text(out[i])))
            unit = next(iter(units), None)
            what = "percent points" if unit == "%" else f"numbers ({unit})" if unit else "numbers"
            return out, f"column {name!r}: text read as {what}, e.g. {_examples(shown)}{tail}"
    dates = [_date(v) for _, v in present]
    if all(d is not None for d in dates):
        out = [None] * len(values)
        shown = []
        for (i, v), d in zip(present, dates, strict=True):
            out[i] = d
            if isinstance(v, str) and len(shown) < 2:
                shown.append((v, cell_text(d)))
        return out, f"column {name!r}: text read as dates, e.g. {_examples(shown)}{tail}"
    return list(values), None
