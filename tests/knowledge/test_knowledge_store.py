"""Knowledge files: load → save → load loses nothing; every mistake is reported with its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tablepilot.errors import KnowledgeError
from tablepilot.knowledge import (
    ColumnNote,
    DefaultFilter,
    Example,
    Knowledge,
    Metric,
    TableNote,
    ValueAlias,
    dumps,
    load,
    parse,
    save,
)

# text a person might write: Chinese, YAML-significant characters, quotes, words YAML would read as
# other types, leading/trailing spaces and line breaks
_ALPHABET = st.sampled_from(list("abcXYZ 01_-:#'\"\\,[]{}&*!|>%@`\t\n") + list("销售额退货华东上海江苏浙江，。：（）"))
TEXT = st.one_of(
    st.text(_ALPHABET, min_size=1, max_size=30),
    st.sampled_from(["yes", "no", "null", "~", "1.0", "2023", "0x1F", "- item", "key: value", "#x", " lead", "trail "]),
)
NAME = TEXT.filter(lambda s: s.strip() != "" and "\n" not in s and "\t" not in s)


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@st.composite
def metric(draw: st.DrawFn) -> Metric:
    column = ident(draw(NAME))
    sql = draw(st.sampled_from(["sum({})", "count(DISTINCT {})", "sum({c})\n  / nullif(count(*), 0)", "avg({})"]))
    sql = sql.replace("{c}", column).replace("{}", column)
    flt = draw(st.sampled_from(["", f"{ident(draw(NAME))} <> {literal(draw(TEXT))}", f"{column} > 0\n  AND {column} < 10"]))
    return Metric(sql=sql, filter=flt, description=draw(st.sampled_from(["", draw(TEXT)])), table=draw(st.sampled_from(["", draw(NAME)])))


@st.composite
def knowledge(draw: st.DrawFn) -> Knowledge:
    k = Knowledge()
    for table in draw(st.lists(NAME, max_size=2, unique=True)):
        columns = {
            c: ColumnNote(description=draw(st.sampled_from(["", draw(TEXT)])), synonyms=draw(st.lists(NAME, max_size=3)))
            for c in draw(st.lists(NAME, max_size=3, unique=True))
        }
        k.tables[table] = TableNote(description=draw(st.sampled_from(["", draw(TEXT)])), columns=columns)
    for word in draw(st.lists(NAME, max_size=2, unique=True)):
        k.aliases[word] = ValueAlias(column=draw(NAME), values=draw(st.lists(NAME, min_size=1, max_size=3)), table=draw(st.sampled_from(["", draw(NAME)])))
    for name in draw(st.lists(NAME, max_size=2, unique=True)):
        k.metrics[name] = draw(metric())
    k.filters = [DefaultFilter(f"{ident(draw(NAME))} <> {literal(draw(TEXT))}", draw(st.sampled_from(["", draw(TEXT)]))) for _ in range(draw(st.integers(0, 2)))]
    k.joins = [f"{ident(draw(NAME))}.{ident(draw(NAME))} = {ident(draw(NAME))}.\"id\"" for _ in range(draw(st.integers(0, 2)))]
    k.examples = [
        Example(draw(NAME), f"SELECT {ident(draw(NAME))}\nFROM {ident(draw(NAME))}\nWHERE \"x\" = {literal(draw(TEXT))}")
        for _ in range(draw(st.integers(0, 2)))
    ]
    return k


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(knowledge())
def test_round_trip_loses_nothing(k: Knowledge) -> None:
    text = dumps(k)
    again = parse(text, "generated.yaml")
    assert again == k, text
    assert dumps(again) == text  # and saving is stable: the file does not churn in git


HAND_WRITTEN = """\
# 销售数据的业务知识
version: 1
tables:
  sales:
    description: 每笔订单一行
    columns:
      qty_2: 退货数量            # shorthand: just the meaning
      amt_x:
        description: 销售额（元）
        synonyms: [销售额, revenue]
      c1:
aliases:
  华东: {column: c1, values: [上海, 江苏, 浙江]}
  Q4:
    column: month
    values:
      - 2023-10
      - 2023-11
      - 2023-12
metrics:
  GMV:
    sql: sum("amt_x")
    filter: "\\"st\\" <> 'R'"
    description: 成交总额，不含退款
  退货率: sum(qty_2) / sum(qty_1)
filters:
  - c1 <> '测试'
  - sql: amt_x >= 0
    description: 负数是冲正记录
joins:
  - orders.customer_id = customers.id
examples:
  - question: 华东的GMV是多少？
    sql: |
      SELECT sum("amt_x") FILTER (WHERE "st" <> 'R')
      FROM "sales"
      WHERE "c1" IN ('上海', '江苏', '浙江')
"""


def test_hand_written_file_reads_as_meant_and_round_trips(tmp_path: Path) -> None:
    k = parse(HAND_WRITTEN, "sales.knowledge.yaml")
    assert k.tables["sales"].columns["qty_2"] == ColumnNote("退货数量")
    assert k.tables["sales"].columns["amt_x"].synonyms == ["销售额", "revenue"]
    assert k.tables["sales"].columns["c1"] == ColumnNote("")
    assert k.aliases["Q4"].values == ["2023-10", "2023-11", "2023-12"]  # text as written, not dates
    assert k.metrics["GMV"] == Metric(sql='sum("amt_x")', filter="\"st\" <> 'R'", description="成交总额，不含退款")
    assert k.metrics["退货率"].sql == "sum(qty_2) / sum(qty_1)"
    assert k.filters == [DefaultFilter("c1 <> '测试'"), DefaultFilter("amt_x >= 0", "负数是冲正记录")]
    assert k.examples[0].sql.startswith('SELECT sum("amt_x")') and k.examples[0].sql.count("\n") == 3
    assert k.line_of("metrics", "GMV") == 21 and k.line_of("examples", "0") == 33
    path = save(k, tmp_path / "k.yaml")
    assert load(path) == k
    written = path.read_text(encoding="utf-8")
    assert "销售额（元）" in written and "\\u" not in written  # Chinese stays readable
    assert "sql: |" in written  # multi-line SQL stays a block


def test_empty_file_is_empty_knowledge() -> None:
    assert parse("", "x.yaml").is_empty()
    assert parse("# only a comment\n", "x.yaml").is_empty()


MALFORMED = {
    "bad yaml": ("version: 1\nmetrics:\n  GMV: {sql: sum(x)\n", 4, "not valid YAML"),
    "tab indentation": ("tables:\n\tsales: x\n", 2, "not valid YAML"),
    "list instead of mapping": ("version: 1\nmetrics:\n  - sum(x)\n", 3, "must be a mapping"),
    "mapping instead of text": ("tables:\n  sales:\n    description: {a: b}\n", 3, "must be text"),
    "values not a list": ("aliases:\n  华东:\n    column: c1\n    values: {a: 1}\n", 4, "must be a list"),
    "unknown top key": ("version: 1\nmetric:\n  GMV: sum(x)\n", 2, "unknown key 'metric'"),
    "unknown nested key": ("metrics:\n  GMV:\n    sql: sum(x)\n    where: a = 1\n", 4, "unknown key 'where'"),
    "duplicate key": ("metrics:\n  GMV: sum(x)\n  GMV: sum(y)\n", 3, "names 'GMV' twice"),
    "metric does not parse": ("metrics:\n  GMV:\n    description: ok\n    sql: sum(x\n", 4, "not valid SQL"),
    "filter does not parse": ("metrics:\n  GMV:\n    sql: sum(x)\n    filter: a = = 1\n", 4, "not valid SQL"),
    "example is not a query": ("examples:\n  - question: q\n    sql: DROP TABLE x\n", 3, "not valid SQL"),
    "metric without sql": ("metrics:\n  GMV:\n    description: d\n", 3, "needs 'sql:'"),
    "alias without values": ("aliases:\n  华东:\n    column: c1\n", 3, "needs 'values:'"),
    "empty question": ("examples:\n  - question: ''\n    sql: SELECT 1\n", 2, "is empty"),
    "newer version": ("version: 2\n", 1, "version 2 is not supported"),
    "not a mapping at all": ("- a\n- b\n", 1, "must be a mapping"),
}


def test_sql_starting_with_a_quoted_name_gets_a_hint_on_yaml_quoting() -> None:
    with pytest.raises(KnowledgeError) as info:
        parse("metrics:\n  GMV:\n    sql: sum(x)\n    filter: \"状态\" <> '退款'\n", "k.yaml")
    assert info.value.data["line"] == 4 and "quoted as a whole" in (info.value.hint or "")
    with pytest.raises(KnowledgeError) as info:
        parse("filters:\n  - \"状态\" <> '退款'\n", "k.yaml")
    assert "quoted as a whole" in (info.value.hint or "")


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_file_names_the_line(case: str, tmp_path: Path) -> None:
    text, line, needle = MALFORMED[case]
    path = tmp_path / "sales.knowledge.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        load(path)
    err = info.value
    assert err.data["line"] == line, err.message
    assert f"{path}, line {line}:" in err.message and needle in err.message
    assert err.hint and err.exit_code == 2


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="does not exist"):
        load(tmp_path / "nope.yaml")
    bad = tmp_path / "gbk.yaml"
    bad.write_bytes("version: 1\n# 中文".encode("gbk"))
    with pytest.raises(KnowledgeError, match="UTF-8"):
        load(bad)


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    k = Knowledge(metrics={"GMV": Metric("sum(x)")})
    save(k, tmp_path / "deep" / "k.yaml")
    assert [p.name for p in (tmp_path / "deep").iterdir()] == ["k.yaml"]


def test_the_example_in_the_docs_is_a_valid_file() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "knowledge.md").read_text(encoding="utf-8")
    block = doc.split("## File format\n```yaml\n", 1)[1].split("```", 1)[0]
    k = parse(block, "docs/knowledge.md")
    assert k.metrics["GMV"].filter == "状态 != '退款'" and k.aliases["华东"].values == ["上海", "江苏", "浙江"]
    assert parse(dumps(k)) == k
