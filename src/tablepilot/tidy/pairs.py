"""A wide view of name/value column pairs: ``设备 | 参数 | 参数_2`` rows such as
``A型温度计 | 型号 | AWF-234F23D`` → ``设备 | 型号 | 测量范围 | …``, one row per item.

Spec sheets keep each item's attributes as rows of a name column and a value column (one header
merged over both), the item's own cells repeated on every row. A question that names an attribute
("A型温度计是谁生产的", "型号为CEU2-8的吸湿器的制造厂商") then needs the name column as a filter,
or a self-join, and a small model writes ``SELECT "制造厂商"`` instead; on the wide view that is a
real column. Offered as an extra table ``<name>_wide`` next to the table, which stays as it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tablepilot.data.names import unique_name
from tablepilot.tidy.values import is_blank, is_label, norm_text

#: headers that say "the names of attributes" / "their values" when the two differ
_NAME_HEADER = re.compile(
    r"(?i)参数|属性|指标|项目|名称|\b(attribute|parameter|property|field|key|name|item)s?\b"
)
_VALUE_HEADER = re.compile(r"(?i)值|内容|数值|\b(value|content|setting)s?\b")
_SUFFIX = re.compile(r"_\d+$")
MAX_NAMES = 40


@dataclass(frozen=True)
class WideView:
    columns: list[str]
    rows: list[list[Any]]
    line: str  # for the tidy report


def wide_view(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> WideView | None:
    """The pivoted rows when one adjacent column pair holds attribute names and their values and the
    other columns say which item a row belongs to; None for any other table."""
    if len(rows) < 4 or len(columns) < 3:
        return None
    for k in range(len(columns) - 1):
        if _paired_headers(columns[k], columns[k + 1]):
            view = _pivot(columns, rows, k)
            if view is not None:
                return view
    return None


def _paired_headers(name: str, value: str) -> bool:
    """One merged header over both (``相关参数``, ``相关参数_2``), or a name header and a value header."""
    if _SUFFIX.sub("", value) == name:
        return True
    return bool(_NAME_HEADER.search(name)) and bool(_VALUE_HEADER.search(value))


def _pivot(columns: Sequence[str], rows: Sequence[Sequence[Any]], k: int) -> WideView | None:
    items = [i for i in range(len(columns)) if i not in (k, k + 1)]
    names: dict[str, None] = {}
    groups: dict[tuple[str, ...], dict[str, Any]] = {}
    firsts: dict[tuple[str, ...], list[Any]] = {}
    for row in rows:
        cells = list(row) + [None] * (len(columns) - len(row))
        name = cells[k]
        if not is_label(name):
            return None  # every row names an attribute, in words
        label = norm_text(name)
        key = tuple(norm_text(cells[i]) for i in items)
        attrs = groups.setdefault(key, {})
        if label in attrs:
            return None  # an attribute twice for one item: not name/value pairs
        attrs[label] = cells[k + 1]
        firsts.setdefault(key, [cells[i] for i in items])
        names[label] = None
    if len(groups) < 2 or len(groups) == len(rows) or not 2 <= len(names) <= MAX_NAMES:
        return None
    if any(len(attrs) < 2 for attrs in groups.values()):
        return None
    shared = sum(len(attrs) for attrs in groups.values()) / (len(groups) * len(names))
    if shared < 0.6:  # items mostly share their attributes (a spec sheet), else it is no grid
        return None
    taken = [columns[i] for i in items]
    wide_names = []
    for label in names:
        wide_names.append(unique_name(label, taken))
        taken.append(wide_names[-1])
    out_rows = [firsts[key] + [attrs.get(label) for label in names] for key, attrs in groups.items()]
    blank_items = all(all(is_blank(v) for v in first) for first in firsts.values())
    if blank_items:
        return None
    line = (
        f"wide view offered: the name/value columns {columns[k]} | {columns[k + 1]} as "
        f"{len(names)} columns ({', '.join(list(names)[:4])}{' …' if len(names) > 4 else ''}), one row per item"
    )
    return WideView([*(columns[i] for i in items), *wide_names], out_rows, line)
