"""IM-TQA-style text grids: header rows combined, key-value pairs as one row, text never changed."""

from __future__ import annotations

from tablepilot.tidy.text_grid import tidy_text_grid


def test_two_header_rows_are_combined_and_cells_kept_as_text() -> None:
    grid = [
        ["项  目", "本期数", "本期数", "上年同期数", "上年同期数"],
        ["项  目", "收入", "成本", "收入", "成本"],
        ["绞盘", "120,993,151.05", "68,849,609.26", "118,690,745.19", "76,744,386.56"],
    ]
    t = tidy_text_grid(grid)
    assert t.columns == ["项  目", "本期数_收入", "本期数_成本", "上年同期数_收入", "上年同期数_成本"]
    assert t.rows == [grid[2]]


def test_key_value_pairs_become_one_row_and_title_a_note() -> None:
    grid = [
        ["个人信息", "个人信息", "个人信息", "个人信息"],
        ["中文名", "薛之谦", "出生日期", "1983年7月17日"],
        ["国籍", "中国", "身高", "172cm"],
        ["主要成就", "很多", "很多", "很多"],
    ]
    t = tidy_text_grid(grid)
    assert t.layout == "key-value"
    assert t.columns == ["中文名", "出生日期", "国籍", "身高", "主要成就"]
    assert t.rows == [["薛之谦", "1983年7月17日", "中国", "172cm", "很多"]]
    assert "title: 个人信息" in t.notes


def test_all_text_table_keeps_one_header_row() -> None:
    grid = [["分类", "分类", "说明"], ["汽车", "载客", "大型客车"], ["汽车", "载货", "重型货车"]]
    t = tidy_text_grid(grid)
    assert t.columns == ["分类", "分类", "说明"] and len(t.rows) == 2
