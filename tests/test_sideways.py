"""Which rows of a table read sideways a question names."""

from __future__ import annotations

from tablepilot.sideways import named_labels

LABELS = ["1、基本养老保险", "2、失业保险费", "合 计", "其中：欧元", "（二）Total Assets"]


def test_labels_are_named_without_their_numbering_or_lead_in() -> None:
    assert named_labels("请查一下企业本年的基本养老保险增加了多少？", LABELS) == ["1、基本养老保险"]
    assert named_labels("基本养老保险与失业保险费本期减少多少？", LABELS) == [
        "1、基本养老保险",
        "2、失业保险费",
    ]
    assert named_labels("欧元的期末余额是多少", LABELS) == ["其中：欧元"]
    assert named_labels("what were the total assets?", LABELS) == ["（二）Total Assets"]


def test_no_label_named() -> None:
    assert named_labels("本年增加了多少？", LABELS) == []
    assert named_labels("计", LABELS) == []
