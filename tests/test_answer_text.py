"""Answer values and the sentence come from the result only; the question picks the columns."""

from __future__ import annotations

import pytest

from tablepilot.answer import ResultTable
from tablepilot.answer_text import answer_values, compose_text, focus_columns


@pytest.mark.parametrize(
    ("question", "columns", "rows", "focus"),
    [
        ("哪些小区的均价最高？", ["项目名称", "成交均价"], [["古北壹号", 85000]], [0]),
        ("which team scored most?", ["points", "team"], [[79, "Málaga CF"]], [1]),
        ("how many games did Reds win?", ["team", "wins"], [["Reds", 12]], [1]),
        ("total amount by region", ["region", "total"], [["East", 2000], ["West", 1000]], None),
        ("what are the first and last names?", ["first", "last"], [["Ann", "Lee"]], None),
        ("how many rows?", ["n"], [[3]], None),
    ],
)
def test_focus_columns(question: str, columns: list[str], rows: list[list[object]], focus: list[int] | None) -> None:
    assert focus_columns(question, ResultTable(columns, rows)) == focus


def test_values_and_text_only_use_result_cells() -> None:
    result = ResultTable(["地区", "total"], [["华南", 350.0]])
    assert answer_values(result, question="哪个地区最高？") == ["华南"]
    assert compose_text("哪个地区最高？", result) == "答案：华南（地区 = 华南, total = 350）"
    assert compose_text("list it", result) == "Answer: 地区 = 华南, total = 350"
    assert answer_values(ResultTable(["x"], [[2.5], [3.0]])) == ["2.5", "3"]
    assert compose_text("how many?", ResultTable(["n"], [])) .startswith("The query returned no rows")
