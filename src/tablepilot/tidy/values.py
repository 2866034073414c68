"""What one spreadsheet cell is, as the tidy rules need it: blank, text label, year, or a data value.

Rules look at cells, never at the model: a header cell is a label (text, or a year written as a
column label), a data cell is a number or a date, written as such or as text (``"1,234"``, ``"¥5"``,
``"12%"``, ``"１２３"``, ``"2023年1月5日"``).
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from typing import Any

_NUMBER_TEXT = re.compile(
    r"^[(（]?\s*[-+−–]?\s*(?:[¥$€£]|RMB|CNY|USD)?\s*[-+−]?\s*"
    r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*(?:%|‰|万元|亿元|万|亿|元)?\s*[)）]?$"
)
_DATE_TEXT = re.compile(
    r"^\d{4}\s*(?:[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}|年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)$"
)
_YEAR_TEXT = re.compile(r"^(?:19|20)\d{2}$")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def norm_text(value: Any) -> str:
    """The text of a cell for comparisons: NFKC (full-width → ASCII), trimmed."""
    return unicodedata.normalize("NFKC", cell_text(value)).strip()


def cell_text(value: Any) -> str:
    """How a cell reads to a person: ``2023`` not ``2023.0``, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value).strip()


def is_year(value: Any) -> bool:
    """A year used as a column label: ``2023`` (number or text)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 1900 <= value <= 2100
    if isinstance(value, float):
        return value.is_integer() and 1900 <= value <= 2100
    return isinstance(value, str) and bool(_YEAR_TEXT.match(norm_text(value)))


def is_data(value: Any) -> bool:
    """A number or date, typed or written as text."""
    if is_blank(value) or isinstance(value, bool):
        return False
    if isinstance(value, (int, float, _dt.date, _dt.time)):
        return True
    s = norm_text(value)
    return bool(_NUMBER_TEXT.match(s) or _DATE_TEXT.match(s))


def is_label(value: Any) -> bool:
    """Text that names something (not blank, not a number or date)."""
    return not is_blank(value) and not is_data(value)


def header_like(row: list[Any]) -> bool:
    """Every filled cell is a label or a year, and something is filled."""
    filled = [v for v in row if not is_blank(v)]
    return (
        bool(filled)
        and all(is_label(v) or is_year(v) for v in filled)
        and (any(is_label(v) for v in filled) or len(filled) >= 2)
    )


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)
