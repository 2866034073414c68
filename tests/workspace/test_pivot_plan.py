"""Pivots the request spells out are made without the model; anything less plain goes to the model."""

from __future__ import annotations

from pathlib import Path

import pytest

from tablepilot import Session
from tablepilot.catalog import ColumnInfo, TableInfo
from tablepilot.llm.fake import FakeLLM
from tablepilot.workspace.pivot_plan import pivot_roles

ORDERS = TableInfo(
    "orders",
    (
        ColumnInfo("订单号", "BIGINT"),
        ColumnInfo("地区", "VARCHAR"),
        ColumnInfo("月份", "VARCHAR"),
        ColumnInfo("月", "BIGINT"),
        ColumnInfo("销售额", "DOUBLE"),
        ColumnInfo("region", "VARCHAR"),
        ColumnInfo("month", "VARCHAR"),
        ColumnInfo("sales", "DOUBLE"),
    ),
    6,
)


@pytest.mark.parametrize(
    ("request_", "roles"),
    [
        ("把 orders 表按月份透视，地区做列，值是销售额的合计", ("月份", "地区", "销售额", "SUM")),
        ("按月份透视，地区作为列，销售额求平均", ("月份", "地区", "销售额", "AVG")),
        ("pivot by month with region as columns, summing sales", ("month", "region", "sales", "SUM")),
        (
            "按月透视，地区做列，值是销售额",
            ("月", "地区", "销售额", "SUM"),
        ),  # two numbers: the value follows 值
        ("按月份透视销售额", None),  # which column spreads is not said
        ("按月份和地区透视，值是销售额", None),
        ("把地区做列", None),
    ],
)
def test_roles_come_from_the_request(request_: str, roles: tuple[str, ...] | None) -> None:
    assert pivot_roles(request_, ORDERS) == roles


def test_a_plain_pivot_is_made_without_a_model_call(tmp_path: Path) -> None:
    data = tmp_path / "orders.csv"
    data.write_text(
        "地区,月份,销售额\n华东,2023-01,100\n华南,2023-01,200\n华东,2023-02,300\n华东,2023-02,50\n",
        encoding="utf-8",
    )
    llm = FakeLLM([])
    with Session([data], llm=llm) as s:
        a = s.ask("把 orders 表按月份透视，地区做列，值是销售额的合计")
        assert a.error is None and a.table is not None, a.error
        made = s.workspace.read(a.table["name"]).to_pylist()
    assert llm.calls == 0 and any("no model call" in n for n in a.notes)
    assert made == [
        {"月份": "2023-01", "华东": 100, "华南": 200},
        {"月份": "2023-02", "华东": 350, "华南": None},
    ]


def test_the_table_holding_the_named_columns_is_the_start() -> None:
    from tablepilot.workspace.intent import classify
    from tablepilot.workspace.operate import task_text
    from tablepilot.workspace.store import DerivedTable

    customers = TableInfo("customers", (ColumnInfo("客户ID", "VARCHAR"), ColumnInfo("城市", "VARCHAR")), 3)
    pivot = TableInfo("透视7", (ColumnInfo("月份", "VARCHAR"), ColumnInfo("华东", "DOUBLE")), 3)
    latest = DerivedTable.__new__(DerivedTable)
    object.__setattr__(latest, "name", "透视7")
    request = "把客户表里城市为空的填充为 未知"
    intent = classify(request)
    assert intent is not None
    text = task_text(intent, latest, request, [ORDERS, customers, pivot])
    assert 'Start from the table "customers"' in text
    assert "latest table" not in task_text(
        intent, latest, "把 orders 表里地区为空的填充为 未知", [ORDERS, customers, pivot]
    )
    assert 'latest table "透视7"' in task_text(
        intent, latest, "把华东为空的填充为 0", [ORDERS, customers, pivot]
    )


def test_a_loaded_table_wins_over_copies_holding_the_same_columns() -> None:
    from tablepilot.workspace.intent import classify
    from tablepilot.workspace.operate import task_text
    from tablepilot.workspace.store import MADE_HERE

    customers = TableInfo(
        "customers", (ColumnInfo("客户ID", "VARCHAR"), ColumnInfo("城市", "VARCHAR")), 3, source="c.csv"
    )
    joined = TableInfo(
        "合并5", (ColumnInfo("订单号", "BIGINT"), ColumnInfo("城市", "VARCHAR")), 3, source=MADE_HERE
    )
    request = "把客户表里城市为空的填充为 未知"
    intent = classify(request)
    assert intent is not None
    assert 'Start from the table "customers"' in task_text(intent, None, request, [ORDERS, customers, joined])
