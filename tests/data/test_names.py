from __future__ import annotations

import duckdb

from tablepilot.data.names import clean_column_names, quote_ident, table_name_from, unique_name


def test_quote_ident_round_trips_through_duckdb() -> None:
    con = duckdb.connect()
    for name in ['say "hi"', "用户 表", "order", "a.b", "x'y"]:
        con.execute(f"CREATE TABLE {quote_ident(name)} ({quote_ident(name)} INT)")
        con.execute(f"INSERT INTO {quote_ident(name)} VALUES (1)")
        assert con.execute(f"SELECT {quote_ident(name)} FROM {quote_ident(name)}").fetchall() == [(1,)]
    assert quote_ident('a"b') == '"a""b"'


def test_table_name_from_keeps_chinese_and_replaces_punctuation() -> None:
    assert table_name_from("销售 数据(2024)") == "销售_数据_2024"
    assert table_name_from("Q1-report.final") == "Q1_report_final"
    assert table_name_from("2024") == "t_2024"
    assert table_name_from("###") == "table"
    assert table_name_from("ＡＢＣ") == "ABC"  # full-width letters folded


def test_unique_name_is_case_insensitive() -> None:
    assert unique_name("data", []) == "data"
    assert unique_name("Data", ["data"]) == "Data_2"
    assert unique_name("data", ["data", "DATA_2"]) == "data_3"


def test_clean_column_names_notes_each_change() -> None:
    names, notes = clean_column_names(["  金额 ", None, "", "金额", "a\nb"])
    assert names == ["金额", "column_2", "column_3", "金额_2", "a b"]
    assert len(notes) == 5
