"""The messy-spreadsheet corpus: each case writes its own file (openpyxl / csv) and names the
tidy tables it must load as. Shared by the corpus tests and the inspect command test."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

D = dt.date
Rows = list[list[Any]]


@dataclass
class Case:
    name: str  # file stem
    rows: Rows  # sheet rows (xlsx) or records (csv); None = empty cell
    expected: dict[str, tuple[list[str], list[tuple[Any, ...]]]]
    kind: str = "xlsx"  # xlsx | csv
    merges: Sequence[str] = ()
    encoding: str = "utf-8"
    sheets: dict[str, Rows] = field(default_factory=dict)  # more sheets (xlsx)
    reasons: dict[str, int] = field(default_factory=dict)  # set-aside reason → count (whole file)

    def write(self, folder: Path) -> Path:
        if self.kind == "csv":
            path = folder / f"{self.name}.csv"
            with path.open("w", encoding=self.encoding, newline="") as f:
                csv.writer(f).writerows([["" if v is None else v for v in r] for r in self.rows])
            return path
        path = folder / f"{self.name}.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = "Sheet1"
        for r, row in enumerate(self.rows, start=1):
            for c, v in enumerate(row, start=1):
                if v is not None:
                    ws.cell(r, c, v)
        for m in self.merges:
            ws.merge_cells(m)
        for title, rows in self.sheets.items():
            extra = wb.create_sheet(title)
            for row in rows:
                extra.append(row)
        wb.save(path)
        return path


Q = ["Q1", "Q2", "Q3", "Q4"]

CASES: list[Case] = [
    Case(
        "clean",
        [
            ["城市", "人口", "日期"],
            ["北京", 2189, dt.datetime(2023, 1, 5)],
            ["上海", 2487, dt.datetime(2023, 1, 6)],
        ],
        {"clean": (["城市", "人口", "日期"], [("北京", 2189, D(2023, 1, 5)), ("上海", 2487, D(2023, 1, 6))])},
    ),
    Case(
        "clean_csv",
        [["name", "qty", "price"], ["apple", "3", "1.5"], ["pear", "5", "2.25"]],
        {"clean_csv": (["name", "qty", "price"], [("apple", 3, 1.5), ("pear", 5, 2.25)])},
        kind="csv",
    ),
    Case(
        "title_unit",
        [
            ["2023年销售报表", None, None],
            ["单位：万元", None, None],
            ["地区", "销售额", "利润"],
            ["华北", 120, 30],
            ["华东", 200, 50],
        ],
        {"title_unit": (["地区", "销售额", "利润"], [("华北", 120, 30), ("华东", 200, 50)])},
        merges=["A1:C1"],
        reasons={"title": 1, "unit": 1},
    ),
    Case(
        "merged_quarters",
        [["地区", 2023, None, None, None], [None, *Q], ["华北", 1, 2, 3, 4], ["华南", 5, 6, 7, 8]],
        {
            "merged_quarters": (
                ["地区", "2023_Q1", "2023_Q2", "2023_Q3", "2023_Q4"],
                [("华北", 1, 2, 3, 4), ("华南", 5, 6, 7, 8)],
            ),
            "merged_quarters_long": (
                ["地区", "期间", "数值"],
                [
                    ("华北", "2023_Q1", 1),
                    ("华南", "2023_Q1", 5),
                    ("华北", "2023_Q2", 2),
                    ("华南", "2023_Q2", 6),
                    ("华北", "2023_Q3", 3),
                    ("华南", "2023_Q3", 7),
                    ("华北", "2023_Q4", 4),
                    ("华南", "2023_Q4", 8),
                ],
            ),
        },
        merges=["A1:A2", "B1:E1"],
    ),
    Case(
        "two_years_quarters",
        [
            ["产品", 2022, None, 2023, None],
            [None, "上半年", "下半年", "上半年", "下半年"],
            ["甲", 1, 2, 3, 4],
        ],
        {
            "two_years_quarters": (
                ["产品", "2022_上半年", "2022_下半年", "2023_上半年", "2023_下半年"],
                [("甲", 1, 2, 3, 4)],
            )
        },
        merges=["A1:A2", "B1:C1", "D1:E1"],
    ),
    Case(
        "csv_two_header_rows",
        [["地区", "2023", "", "", ""], ["", *Q], ["华北", "1", "2", "3", "4"]],
        {
            "csv_two_header_rows": (
                ["地区", "2023_Q1", "2023_Q2", "2023_Q3", "2023_Q4"],
                [("华北", 1, 2, 3, 4)],
            )
        },
        kind="csv",
    ),
    Case(
        "totals",
        [["部门", "人数"], ["销售", 10], ["研发", 20], ["合计", 30]],
        {
            "totals": (["部门", "人数"], [("销售", 10), ("研发", 20)]),
            "totals_totals": (["部门", "人数"], [("合计", 30)]),
        },
        reasons={"total": 1},
    ),
    Case(
        "subtotals",
        [
            ["区域", "城市", "销量"],
            ["华北", "北京", 5],
            ["华北", "天津", 3],
            ["华北小计", None, 8],
            ["华东", "上海", 7],
            ["小计", None, 7],
            ["总计", None, 15],
        ],
        {
            "subtotals": (
                ["区域", "城市", "销量"],
                [("华北", "北京", 5), ("华北", "天津", 3), ("华东", "上海", 7)],
            )
        },
        reasons={"subtotal": 2, "total": 1},
    ),
    Case(
        "english_total",
        [["Item", "Amount"], ["Rent", "$1,200.00"], ["Food", "$350.50"], ["Total", "$1,550.50"]],
        {"english_total": (["Item", "Amount"], [("Rent", 1200.0), ("Food", 350.5)])},
        kind="csv",
        reasons={"total": 1},
    ),
    Case(
        "footnotes",
        [
            ["项目", "金额"],
            ["工资", 100],
            ["租金", 50],
            ["注：数据未经审计", None],
            ["数据来源：财务部", None],
        ],
        {"footnotes": (["项目", "金额"], [("工资", 100), ("租金", 50)])},
        reasons={"footnote": 2},
    ),
    Case(
        "source_note_en",
        [["Country", "GDP"], ["A", "1,000"], ["B", "2,500"], [], ["Source: World Bank", None]],
        {"source_note_en": (["Country", "GDP"], [("A", 1000), ("B", 2500)])},
        kind="csv",
        reasons={"footnote": 1},
    ),
    Case(
        "spacer_rows",
        [["姓名", "年龄"], ["张三", 30], [], ["李四", 40], [], [], ["王五", 50]],
        {"spacer_rows": (["姓名", "年龄"], [("张三", 30), ("李四", 40), ("王五", 50)])},
    ),
    Case(
        "spacer_columns",
        [["地区", None, "人口", None, "面积"], ["甲", None, 10, None, 100], ["乙", None, 20, None, 200]],
        {"spacer_columns": (["地区", "人口", "面积"], [("甲", 10, 100), ("乙", 20, 200)])},
    ),
    Case(
        "leading_blank_rows_cols",
        [[], [], [None, None, "名称", "数量"], [None, None, "螺丝", 100], [None, None, "螺母", 200]],
        {"leading_blank_rows_cols": (["名称", "数量"], [("螺丝", 100), ("螺母", 200)])},
    ),
    Case(
        "thousands_text",
        [["公司", "营收"], ["甲", "1,234,567"], ["乙", "89,000"]],
        {"thousands_text": (["公司", "营收"], [("甲", 1234567), ("乙", 89000)])},
    ),
    Case(
        "currency_yuan",
        [["商品", "单价"], ["笔", "¥12.50"], ["本", "¥8.00"], ["包", "￥120"]],
        {"currency_yuan": (["商品", "单价"], [("笔", 12.5), ("本", 8.0), ("包", 120.0)])},
    ),
    Case(
        "percent_text",
        [["指标", "增长率"], ["收入", "12.5%"], ["成本", "-3%"]],
        {"percent_text": (["指标", "增长率"], [("收入", 12.5), ("成本", -3.0)])},
        kind="csv",
    ),
    Case(
        "fullwidth_digits",
        [["门店", "销量"], ["一店", "１２３"], ["二店", "４，５６７"]],
        {"fullwidth_digits": (["门店", "销量"], [("一店", 123), ("二店", 4567)])},
    ),
    Case(
        "wan_yi",
        [["公司", "市值"], ["甲", "1.5亿"], ["乙", "3000万"]],
        {"wan_yi": (["公司", "市值"], [("甲", 150000000), ("乙", 30000000)])},
    ),
    Case(
        "accounting_negative",
        [["项目", "利润"], ["A", "(1,200.00)"], ["B", "3,400.00"], ["C", "-"]],
        {"accounting_negative": (["项目", "利润"], [("A", -1200), ("B", 3400), ("C", None)])},
        kind="csv",
    ),
    Case(
        "chinese_dates",
        [["事件", "日期"], ["开业", "2023年1月5日"], ["扩张", "2023年12月25日"]],
        {"chinese_dates": (["事件", "日期"], [("开业", D(2023, 1, 5)), ("扩张", D(2023, 12, 25))])},
    ),
    Case(
        "slash_dates_mixed",
        [["订单", "下单日"], ["1001", "2023/1/5"], ["1002", "2023年2月6日"]],
        {"slash_dates_mixed": (["订单", "下单日"], [(1001, D(2023, 1, 5)), (1002, D(2023, 2, 6))])},
        kind="csv",
    ),
    Case(
        "two_tables_stacked",
        [
            ["收入表", None],
            ["月份", "收入"],
            ["1月", 100],
            ["2月", 120],
            [],
            ["支出表", None],
            ["月份", "支出"],
            ["1月", 80],
            ["2月", 90],
        ],
        {
            "two_tables_stacked_收入表": (["月份", "收入"], [("1月", 100), ("2月", 120)]),
            "two_tables_stacked_支出表": (["月份", "支出"], [("1月", 80), ("2月", 90)]),
        },
        reasons={"title": 2},
    ),
    Case(
        "two_tables_side_by_side",
        [
            ["城市", "人口", None, "省份", "面积"],
            ["北京", 2189, None, "河北", 18.9],
            ["上海", 2487, None, "江苏", 10.7],
        ],
        {
            "two_tables_side_by_side_1": (["城市", "人口"], [("北京", 2189), ("上海", 2487)]),
            "two_tables_side_by_side_2": (["省份", "面积"], [("河北", 18.9), ("江苏", 10.7)]),
        },
    ),
    Case(
        "years_across",
        [["指标", 2019, 2020, 2021, 2022], ["GDP", 10, 11, 12, 13], ["人口", 5, 5, 6, 6]],
        {
            "years_across": (
                ["指标", "2019", "2020", "2021", "2022"],
                [("GDP", 10, 11, 12, 13), ("人口", 5, 5, 6, 6)],
            ),
            "years_across_long": (
                ["指标", "期间", "数值"],
                [
                    ("GDP", "2019", 10),
                    ("人口", "2019", 5),
                    ("GDP", "2020", 11),
                    ("人口", "2020", 5),
                    ("GDP", "2021", 12),
                    ("人口", "2021", 6),
                    ("GDP", "2022", 13),
                    ("人口", "2022", 6),
                ],
            ),
        },
    ),
    Case(
        "months_with_total_col",
        [["Region", "Jan", "Feb", "Mar", "Total"], ["North", 1, 2, 3, 6], ["South", 4, 5, 6, 15]],
        {
            "months_with_total_col": (
                ["Region", "Jan", "Feb", "Mar", "Total"],
                [("North", 1, 2, 3, 6), ("South", 4, 5, 6, 15)],
            ),
            "months_with_total_col_long": (
                ["Region", "period", "value"],
                [
                    ("North", "Jan", 1),
                    ("South", "Jan", 4),
                    ("North", "Feb", 2),
                    ("South", "Feb", 5),
                    ("North", "Mar", 3),
                    ("South", "Mar", 6),
                ],
            ),
        },
    ),
    Case(
        "gbk_csv",
        [["客户", "金额"], ["张三", "1,000"], ["李四", "2,500"]],
        {"gbk_csv": (["客户", "金额"], [("张三", 1000), ("李四", 2500)])},
        kind="csv",
        encoding="gbk",
    ),
    Case(
        "gbk_title_total",
        [["客户欠款明细", ""], ["客户", "欠款"], ["张三", "1,000"], ["李四", "2,500"], ["合计", "3,500"]],
        {"gbk_title_total": (["客户", "欠款"], [("张三", 1000), ("李四", 2500)])},
        kind="csv",
        encoding="gbk",
        reasons={"title": 1, "total": 1},
    ),
    Case(
        "repeated_header",
        [["name", "score"], ["a", 1], ["b", 2], ["name", "score"], ["c", 3]],
        {"repeated_header": (["name", "score"], [("a", 1), ("b", 2), ("c", 3)])},
        reasons={"repeated header": 1},
    ),
    Case(
        "section_labels",
        [
            ["产品", "销量", "单价"],
            ["电子类", None, None],
            ["手机", 10, 2000],
            ["电脑", 5, 5000],
            ["服装类", None, None],
            ["T恤", 30, 50],
        ],
        {
            "section_labels": (
                ["分组", "产品", "销量", "单价"],
                [("电子类", "手机", 10, 2000), ("电子类", "电脑", 5, 5000), ("服装类", "T恤", 30, 50)],
            )
        },
        reasons={"section label (kept in column 分组)": 2},
    ),
    Case(
        "headerless_numbers",
        [["1", "2", "3"], ["4", "5", "6"]],
        {"headerless_numbers": (["column_1", "column_2", "column_3"], [(1, 2, 3), (4, 5, 6)])},
        kind="csv",
    ),
    Case(
        "everything",
        [
            ["某公司2023年分季度收入", None, None, None, None, None],
            ["单位：元", None, None, None, None, None],
            [],
            ["部门", 2023, None, None, None, "备注"],
            [None, *Q, None],
            ["销售部", "1,000", "1,200", "1,100", "1,300", "重点"],
            ["市场部", "500", "600", "550", "650", None],
            ["合计", "1,500", "1,800", "1,650", "1,950", None],
            ["注：Q4为预估数", None, None, None, None, None],
        ],
        {
            "everything": (
                ["部门", "2023_Q1", "2023_Q2", "2023_Q3", "2023_Q4", "备注"],
                [("销售部", 1000, 1200, 1100, 1300, "重点"), ("市场部", 500, 600, 550, 650, None)],
            )
        },
        merges=["A1:F1", "A4:A5", "B4:E4", "F4:F5"],
        reasons={"title": 1, "unit": 1, "total": 1, "footnote": 1},
    ),
    Case(
        "all_text_table",
        [["姓名", "城市", "部门"], ["张三", "北京", "销售"], ["李四", "", "研发"]],
        {"all_text_table": (["姓名", "城市", "部门"], [("张三", "北京", "销售"), ("李四", None, "研发")])},
        kind="csv",
    ),
    Case(
        "codes_keep_zeros",
        [["编号", "名称"], ["007", "甲"], ["010", "乙"]],
        {"codes_keep_zeros": (["编号", "名称"], [("007", "甲"), ("010", "乙")])},
        kind="csv",
    ),
    Case(
        "two_sheets_messy",
        [["季度报表", None], ["项目", "金额"], ["房租", "¥3,000"]],
        {
            "two_sheets_messy_Sheet1": (["项目", "金额"], [("房租", 3000.0)]),
            "two_sheets_messy_明细": (["日期", "金额"], [(D(2023, 3, 1), 5), (D(2023, 3, 2), 6)]),
        },
        merges=["A1:B1"],
        sheets={"明细": [["日期", "金额"], ["2023年3月1日", 5], ["2023年3月2日", 6], ["小计", 11]]},
        reasons={"title": 1, "subtotal": 1},
    ),
    Case(
        "spec_sheet_pairs",
        [
            ["设备名称", "价格", "技术参数", None],
            ["A型温度计", 200, "型号", "AWF-234"],
            ["A型温度计", 200, "量程", "0~120°"],
            ["A型温度计", 200, "生产厂家", "统一仪表"],
            ["B型温度计", 400, "型号", "UCA-23"],
            ["B型温度计", 400, "量程", "-25~100°"],
            ["B型温度计", 400, "生产厂家", "腾飞"],
        ],
        {
            "spec_sheet_pairs": (
                ["设备名称", "价格", "技术参数", "技术参数_2"],
                [
                    ("A型温度计", 200, "型号", "AWF-234"),
                    ("A型温度计", 200, "量程", "0~120°"),
                    ("A型温度计", 200, "生产厂家", "统一仪表"),
                    ("B型温度计", 400, "型号", "UCA-23"),
                    ("B型温度计", 400, "量程", "-25~100°"),
                    ("B型温度计", 400, "生产厂家", "腾飞"),
                ],
            ),
            "spec_sheet_pairs_wide": (
                ["设备名称", "价格", "型号", "量程", "生产厂家"],
                [
                    ("A型温度计", 200, "AWF-234", "0~120°", "统一仪表"),
                    ("B型温度计", 400, "UCA-23", "-25~100°", "腾飞"),
                ],
            ),
        },
        merges=["C1:D1"],
    ),
]
