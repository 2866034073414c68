"""Name/value column pairs → one column per name; every other table is left alone."""

from __future__ import annotations

from typing import Any

from tablepilot.tidy.pairs import wide_view

SPEC: list[list[Any]] = [
    ["XSQ-001", "本体吸湿器", "型号", "CEU2-8"],
    ["XSQ-001", "本体吸湿器", "硅胶容量", "9kg"],
    ["XSQ-001", "本体吸湿器", "制造厂商", "振兴电器"],
    ["XSQ-002", "LTC吸湿器", "型号", "WFS1-3"],
    ["XSQ-002", "LTC吸湿器", "硅胶容量", "8kg"],
    ["XSQ-002", "LTC吸湿器", "制造厂商", "永久电器"],
]


def test_a_merged_header_over_names_and_values_becomes_one_column_per_name() -> None:
    view = wide_view(["设备编号", "设备名称", "相关参数", "相关参数_2"], SPEC)
    assert view is not None
    assert view.columns == ["设备编号", "设备名称", "型号", "硅胶容量", "制造厂商"]
    assert view.rows == [
        ["XSQ-001", "本体吸湿器", "CEU2-8", "9kg", "振兴电器"],
        ["XSQ-002", "LTC吸湿器", "WFS1-3", "8kg", "永久电器"],
    ]
    assert "相关参数 | 相关参数_2" in view.line


def test_headers_that_say_name_and_value_pair_up_too() -> None:
    rows = [
        ["north", "Manager", "Ann"],
        ["north", "Phone", "123"],
        ["south", "Manager", "Bo"],
        ["south", "Phone", "456"],
    ]
    view = wide_view(["Office", "Field", "Value"], rows)
    assert view is not None and view.columns == ["Office", "Manager", "Phone"]
    assert view.rows[1] == ["south", "Bo", "456"]


def test_an_item_missing_one_name_gets_an_empty_cell() -> None:
    view = wide_view(["设备编号", "设备名称", "相关参数", "相关参数_2"], SPEC[:5])
    assert view is not None and view.rows[1] == ["XSQ-002", "LTC吸湿器", "WFS1-3", "8kg", None]


def test_a_long_table_of_measurements_is_not_name_value_pairs() -> None:
    rows = [["华东", "1月", 10], ["华东", "2月", 12], ["华南", "1月", 8], ["华南", "2月", 9]]
    assert wide_view(["地区", "月份", "销售额"], rows) is None  # headers do not pair


def test_a_name_twice_for_one_item_means_no_pairs() -> None:
    rows = [*SPEC, ["XSQ-002", "LTC吸湿器", "型号", "again"]]
    assert wide_view(["设备编号", "设备名称", "相关参数", "相关参数_2"], rows) is None


def test_numbers_in_the_name_column_mean_no_pairs() -> None:
    rows = [[r[0], r[1], str(i), r[3]] for i, r in enumerate(SPEC)]
    assert wide_view(["设备编号", "设备名称", "相关参数", "相关参数_2"], rows) is None


def test_one_item_only_or_one_row_per_item_is_no_spec_sheet() -> None:
    one_item = [*SPEC[:3], ["XSQ-001", "本体吸湿器", "工作环境", "室内"]]
    assert wide_view(["设备编号", "设备名称", "相关参数", "相关参数_2"], one_item) is None
    one_each = [[f"X{i}", "吸湿器", "型号", f"M{i}"] for i in range(5)]
    assert wide_view(["设备编号", "设备名称", "相关参数", "相关参数_2"], one_each) is None
