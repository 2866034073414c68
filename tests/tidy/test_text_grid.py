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


def test_a_table_laid_out_sideways_is_transposed() -> None:
    """Each row one kind (amounts, percentages); columns mix them: the row labels are the columns."""
    grid = [
        ["项目", "经营活动产生的现金流量净额", "投资活动产生的现金流量净额"],
        ["本期金额", "-28,284,550.54", "-10,321,929.33"],
        ["上期金额", "30,433,863.09", "-220,334.12"],
        ["变动比例%", "-192.94%", "4,584.67%"],
    ]
    t = tidy_text_grid(grid)
    assert t.columns == ["项目", "本期金额", "上期金额", "变动比例%"]
    assert t.rows == [
        ["经营活动产生的现金流量净额", "-28,284,550.54", "30,433,863.09", "-192.94%"],
        ["投资活动产生的现金流量净额", "-10,321,929.33", "-220,334.12", "4,584.67%"],
    ]
    assert any("sideways" in n for n in t.notes)


def test_an_ordinary_table_is_not_transposed() -> None:
    """Rows mix a name and numbers, columns are one kind each: the usual layout stays."""
    grid = [["姓名", "年龄", "城市"], ["张三", "30", "北京"], ["李四", "41", "上海"]]
    t = tidy_text_grid(grid)
    assert t.columns == grid[0] and t.rows == grid[1:]
    grid = [["项目", "期末余额", "期初余额"], ["银行存款", "1,200.00", "900.00"], ["合计", "1,200.00", "900.00"]]
    assert tidy_text_grid(grid).columns == grid[0]  # all amounts: nothing says it is sideways


def test_a_remark_spanning_the_bottom_row_becomes_a_note() -> None:
    remark = "股东陈志宏与孙静秋为夫妻关系。"
    grid = [
        ["序号", "股东名称", "期初持股数"],
        ["1", "孙静秋", "5,500,000"],
        ["2", "陈志宏", "2,900,000"],
        [remark, remark, remark],
    ]
    t = tidy_text_grid(grid)
    assert t.rows == grid[1:3]
    assert f"note: {remark}" in t.notes
