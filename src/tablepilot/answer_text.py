"""Turning an executed result into answer values and a sentence, without a model.

The sentence is a template filled only with cells of the result, so it cannot state a number that the
query did not produce (the model never writes the prose).
"""

from __future__ import annotations

import re

from collections.abc import Mapping
from typing import Any

from tablepilot.answer import ResultTable, cell_text

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SHOWN = 5


def question_language(question: str) -> str:
    """'zh' when the question has Chinese characters, else 'en'."""
    return "zh" if _CJK.search(question) else "en"


Display = Mapping[str, Mapping[Any, str]]


def answer_values(result: ResultTable, display: Display | None = None) -> list[str]:
    """The final values: one column → its cells; one row → its cells; otherwise the first column.

    ``display`` maps a typed column's values back to the text the source wrote, so a cell that
    passed through unchanged reads as in the sheet ("1,119,612.90"); computed values are untouched.
    """
    if not result.rows:
        return []

    def text(column: int, value: Any) -> str:
        forms = (display or {}).get(result.columns[column])
        if forms is not None and value is not None:
            try:
                shown = forms.get(value)
            except TypeError:  # unhashable cell (a list or struct)
                shown = None
            if shown is not None:
                return shown
        return cell_text(value)

    if len(result.columns) == 1:
        return [text(0, r[0]) for r in result.rows]
    if len(result.rows) == 1:
        return [text(i, v) for i, v in enumerate(result.rows[0])]
    return [text(0, r[0]) for r in result.rows]


def compose_text(question: str, result: ResultTable, display: Display | None = None) -> str:
    zh = question_language(question) == "zh"
    values = answer_values(result, display)
    n = len(result.rows)
    more = "+" if result.truncated else ""
    if n == 0:
        return "查询没有返回任何行：数据中没有符合条件的记录。" if zh else "The query returned no rows: nothing in the data matches."
    if n == 1 and len(result.columns) == 1:
        return f"答案：{values[0]}" if zh else f"Answer: {values[0]}"
    if n == 1:
        pairs = ", ".join(f"{c} = {cell_text(v)}" for c, v in zip(result.columns, result.rows[0], strict=True))
        return f"答案：{pairs}" if zh else f"Answer: {pairs}"
    shown = ", ".join(values[:_SHOWN])
    rest = len(values) - _SHOWN
    if zh:
        tail = f" 等（共 {n}{more} 行）" if rest > 0 else f"（共 {n}{more} 行）"
        return f"答案：{shown}{tail}"
    tail = f", … ({n}{more} rows in all)" if rest > 0 else f" ({n}{more} rows)"
    return f"Answer: {shown}{tail}"
