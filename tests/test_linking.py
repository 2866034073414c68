"""Linking question words to cell values and column names, on real DuckDB tables and bench data."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from tablepilot import linking
from tablepilot.linking import ValueIndex, ValueLink, names_value, normalize
from tablepilot.profile import table_infos_from_connection

BENCH = Path("/work/shared/bench")
needs_bench = pytest.mark.skipif(not BENCH.is_dir(), reason="benchmark suites not present")


def load_csv(
    con: duckdb.DuckDBPyConnection, name: str, path: Path, *, wtq: bool = False, header: bool = True
) -> None:
    """Load a CSV as all-text columns, the way the raw cells read."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, escapechar="\\", doublequote=False) if wtq else csv.reader(f))
    width = max(len(r) for r in rows)
    names = [h or f"col{i}" for i, h in enumerate(rows[0])] if header else [f"c{i}" for i in range(width)]
    body = rows[1:] if header else rows
    columns = {}
    for i, col in enumerate(names):
        while col in columns:
            col += "_"
        columns[col] = [(r[i] if i < len(r) else None) for r in body]
    con.register("arrow_src", pa.table(columns))
    con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM arrow_src')
    con.unregister("arrow_src")


def values_of(links: list[ValueLink]) -> list[str]:
    return [link.value for link in links]


@pytest.fixture
def shop() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        """CREATE TABLE "order" ("user" VARCHAR, "地区" VARCHAR, product VARCHAR, "Year" BIGINT, note VARCHAR)"""
    )
    con.execute(
        """INSERT INTO "order" VALUES
        ('alice', '华东', 'iPhone 15', 2021, 'the'),
        ('bob', '华南', 'Galaxy S23', 2022, 'of'),
        ('carol', '华北', 'Pixel 8', 2023, '年'),
        ('dave', '西南', 'iPhone 15 Pro', 2024, 'fine'),
        ('erin', '东北', 'ThinkPad X1 Carbon', 2021, NULL)"""
    )
    return con


def test_exact_case_insensitive_link_prefers_longer_value(shop: duckdb.DuckDBPyConnection) -> None:
    index = ValueIndex.build(shop, table_infos_from_connection(shop))
    links = index.link("How many IPHONE 15 PRO were sold?")
    assert links[0] == ValueLink("order", "product", "iPhone 15 Pro", links[0].score, "iphone 15 pro")
    # "iPhone 15" is inside the longer match, so it is not offered separately
    assert "iPhone 15" not in values_of(links)
    assert values_of(index.link("sales of iPhone 15 by region"))[0] == "iPhone 15"


def test_chinese_value_is_found_inside_a_question_without_spaces(shop: duckdb.DuckDBPyConnection) -> None:
    index = ValueIndex.build(shop, table_infos_from_connection(shop))
    links = index.link("华东区的销量是多少")
    assert [(link.column, link.value) for link in links] == [("地区", "华东")]


def test_short_common_words_do_not_link(shop: duckdb.DuckDBPyConnection) -> None:
    index = ValueIndex.build(shop, table_infos_from_connection(shop))
    assert index.link("what is the share of each region per 年") == []


def test_compact_and_typo_matches(shop: duckdb.DuckDBPyConnection) -> None:
    index = ValueIndex.build(shop, table_infos_from_connection(shop))
    assert values_of(index.link("how many iphone15 did alice buy")) == ["alice", "iPhone 15"]
    typo = index.link("price of the thinkpad carbn")
    assert values_of(typo) == ["ThinkPad X1 Carbon"]
    assert typo[0].score < 0.7  # partial matches rank below exact ones


def test_numbers_link_to_integer_columns(shop: duckdb.DuckDBPyConnection) -> None:
    index = ValueIndex.build(shop, table_infos_from_connection(shop))
    links = index.link("what did bob buy in 2022?")
    assert ("Year", "2022") in [(link.column, link.value) for link in links]
    assert ("user", "bob") in [(link.column, link.value) for link in links]


def test_full_width_brackets_match_after_nfkc() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE co (name VARCHAR, city VARCHAR)")
    con.execute("INSERT INTO co VALUES ('曙光信息产业(北京)有限公司', '北京'), ('华为技术有限公司', '深圳')")
    index = ValueIndex.build(con, table_infos_from_connection(con))
    links = index.link("你知道曙光信息产业（北京）有限公司的注册资本是多少吗？")
    # the company links; "北京" inside it does not; "有限公司" alone does not link 华为
    assert values_of(links) == ["曙光信息产业(北京)有限公司"]
    assert normalize("ＡＢＣ（１）") == "abc(1)"


def test_value_beyond_the_cap_is_found_in_the_database() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE items AS SELECT 'SKU-' || i::VARCHAR AS sku, "
        "CASE WHEN i = 31337 THEN 'iPhone 15' ELSE 'gadget ' || i::VARCHAR END AS product "
        "FROM range(50000) t(i)"
    )
    index = ValueIndex.build(con, table_infos_from_connection(con), max_distinct_per_column=1000)
    assert len(index) == 0  # both columns are over the cap: held for exact lookup only
    links = index.link("who bought the iPhone 15, sku-31337?")
    assert {(link.column, link.value) for link in links} == {("product", "iPhone 15"), ("sku", "SKU-31337")}


def test_value_in_a_column_too_big_to_hold_is_searched_in_sql(monkeypatch: pytest.MonkeyPatch) -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE items AS SELECT 'gadget ' || i::VARCHAR AS product FROM range(5000) t(i)")
    monkeypatch.setattr(linking, "MAX_EXACT_VALUES", 100)
    index = ValueIndex.build(con, table_infos_from_connection(con), max_distinct_per_column=100)
    assert values_of(index.link("who bought gadget 4321?")) == ["gadget 4321"]
    assert index.link("who bought gadget 99999?") == []


def test_link_columns_returns_named_tuples(shop: duckdb.DuckDBPyConnection) -> None:
    index = ValueIndex.build(shop, table_infos_from_connection(shop))
    cols = index.link_columns("which product sold best each year?")
    assert [(t, c) for t, c, _ in cols] == [("order", "Year"), ("order", "product")]
    assert index.link_columns("各地区的订单数") == [("order", "地区", 1.0)]


def test_build_and_link_are_fast() -> None:
    con = duckdb.connect()
    cols = ", ".join(f"'v{k}_' || ((i * {k + 7}) % {50 * (k + 1)})::VARCHAR AS c{k}" for k in range(9))
    con.execute(f"CREATE TABLE big AS SELECT {cols}, 'name ' || i::VARCHAR AS uniq FROM range(100000) t(i)")
    infos = table_infos_from_connection(con)
    started = time.perf_counter()
    index = ValueIndex.build(con, infos)
    build_s = time.perf_counter() - started
    questions = [
        "how many rows have c3 equal to v3_170?",
        "show v0_3 and v8_100 for name 99",
        "华东区的销量是多少",
        "what was the total of v5_150 in 2020?",
    ] * 5
    started = time.perf_counter()
    for q in questions:
        index.link(q)
    link_ms = (time.perf_counter() - started) * 1000 / len(questions)
    print(f"build {build_s:.3f}s for 100k rows x 10 text columns; link {link_ms:.2f} ms")
    assert values_of(index.link("how many rows have c3 equal to v3_170?")) == ["v3_170"]
    assert build_s < 1.5  # target 1 s; slack for a shared 2-core machine
    assert link_ms < 20


# ---------------------------------------------------------------- benchmark tables and questions


def bench_question(suite: str, qid: str) -> dict[str, object]:
    for line in (BENCH / suite / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item["id"] == qid:
            return dict(item)
    raise KeyError(qid)


@needs_bench
def test_wtq_questions_link_to_their_values() -> None:
    con = duckdb.connect()
    load_csv(con, "t", BENCH / "wtq-dev/tables/csv/204-csv/590.csv", wtq=True)
    index = ValueIndex.build(con, table_infos_from_connection(con))
    q = bench_question("wtq-dev", "nt-0")["question"]
    assert isinstance(q, str)
    links = index.link(q)
    assert (links[0].column, links[0].value) == ("League", "USL A-League")
    assert ("t", "Year", 1.0) in index.link_columns(q)


@needs_bench
def test_retqa_question_links_both_projects_and_the_district() -> None:
    con = duckdb.connect()
    load_csv(con, "土地", BENCH / "retqa-dev/tables/t0003.csv")
    index = ValueIndex.build(con, table_infos_from_connection(con))
    q = bench_question("retqa-dev", "retqa_test_5")["question"]
    assert isinstance(q, str)
    found = {(link.column, link.value) for link in index.link(q)}
    assert {("项目名称", "阅泷花园"), ("项目名称", "建发央玺花园"), ("城市区域", "广州市白云区")} <= found
    assert ("土地", "容积率", 1.0) in index.link_columns(q)


@needs_bench
def test_imtqa_company_name_with_full_width_brackets() -> None:
    con = duckdb.connect()
    load_csv(con, "parent", BENCH / "imtqa-dev/tables/X94fPYOn.csv", header=False)
    index = ValueIndex.build(con, table_infos_from_connection(con))
    q = bench_question("imtqa-dev", "X94fPYOn_3")["question"]
    assert isinstance(q, str)
    links = index.link(q)
    assert links[0].value == "曙光信息产业（北京）有限公司"
    assert "北京" not in values_of(links)  # the city cell is inside the company name
    assert any(link.value == "注册资本" for link in links)  # the row header the question asks about


@needs_bench
@pytest.mark.parametrize("suite", ["wtq-dev", "imtqa-dev", "retqa-dev"])
def test_bench_links_are_grounded_in_the_question(suite: str) -> None:
    """On 40 real questions per suite, every strong link's value really occurs in the question."""
    lines = (BENCH / suite / "questions.jsonl").read_text(encoding="utf-8").splitlines()[:40]
    linked_questions = 0
    for line in lines:
        item = json.loads(line)
        con = duckdb.connect()
        load_csv(
            con, "t", BENCH / suite / item["tables"][0], wtq=suite == "wtq-dev", header=suite != "imtqa-dev"
        )
        index = ValueIndex.build(con, table_infos_from_connection(con))
        started = time.perf_counter()
        links = index.link(item["question"])
        assert time.perf_counter() - started < 0.05
        q = normalize(item["question"])
        for link in links:
            if link.score >= 0.75:  # exact matches
                assert normalize(link.value) in q, (item["id"], link)
        linked_questions += bool(links)
    assert linked_questions >= 18  # most questions name some cell value (repeated header cells never link)


def test_header_cells_repeated_in_the_data_do_not_link() -> None:
    con = duckdb.connect()
    con.execute('CREATE TABLE t ("Town" VARCHAR, "Population" VARCHAR)')
    con.execute(
        "INSERT INTO t VALUES ('Khandyga', '6638'), ('Town', 'Population'), ('Rural settlements', '425')"
    )
    index = ValueIndex.build(con, table_infos_from_connection(con))
    links = index.link("what is the population of khandyga?")
    assert [(ln.column, ln.value) for ln in links] == [("Town", "Khandyga")]


def test_a_word_matching_many_values_of_a_column_is_not_a_value() -> None:
    con = duckdb.connect()
    con.execute('CREATE TABLE t ("Game" VARCHAR, "Date" VARCHAR)')
    con.executemany("INSERT INTO t VALUES (?, ?)", [[f"Game {i}", f"April {i}"] for i in range(1, 7)])
    index = ValueIndex.build(con, table_infos_from_connection(con))
    assert index.link("which month had the fewest games?") == []
    assert [ln.value for ln in index.link("when was game 3 played?")] == ["Game 3"]


def test_an_english_question_links_a_cell_with_a_transliteration() -> None:
    con = duckdb.connect()
    con.execute('CREATE TABLE t ("Settlement" VARCHAR, "Population" BIGINT)')
    con.execute(
        "INSERT INTO t VALUES ('Dzhebariki-Khaya\n(Джебарики-Хая)', 1694), ('Khandyga\n(Хандыга)', 6638)"
    )
    index = ValueIndex.build(con, table_infos_from_connection(con))
    links = index.link("what is the total population in dzhebariki-khaya?")
    assert [ln.value for ln in links] == ["Dzhebariki-Khaya\n(Джебарики-Хая)"]


@pytest.fixture
def fights() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute('CREATE TABLE fights ("Location" VARCHAR, "Event" VARCHAR, "Round" VARCHAR)')
    con.execute(
        """INSERT INTO fights VALUES
        ('Utrecht, Netherlands', 'Gala Night', 'Game 1'),
        ('Rotterdam, Netherlands', 'Victory Cup', 'Game 2'),
        ('Turnhout, Belgium', 'Gala Night', 'Game 3'),
        ('Lommel, Belgium', 'Ring Wars', 'Game 4'),
        ('Paris, France', 'Ring Wars', 'Game 5')"""
    )
    return con


def test_a_word_inside_several_cells_becomes_one_contains_link(fights: duckdb.DuckDBPyConnection) -> None:
    index = ValueIndex.build(fights, table_infos_from_connection(fights))
    links = index.link("how many matches were held in the netherlands?")
    contains = [ln for ln in links if ln.contains]
    assert [(ln.column, ln.value) for ln in contains] == [("Location", "Netherlands")]
    assert contains[0].example in ("Utrecht, Netherlands", "Rotterdam, Netherlands")
    # a word in most values of a column names its kind of thing, not a filter
    assert not any(ln.contains for ln in index.link("which game was in paris?") if ln.column == "Round")
    # a column with a value equal to the question's words gets the exact link, not the word one
    exact = index.link("how many gala night events in belgium?")
    assert ("Event", "Gala Night") in [(ln.column, ln.value) for ln in exact if not ln.contains]
    assert not any(ln.contains and ln.column == "Event" for ln in exact)
    assert [(ln.column, ln.value) for ln in exact if ln.contains] == [("Location", "Belgium")]


def test_accents_of_latin_letters_do_not_block_a_link() -> None:
    con = duckdb.connect()
    con.execute('CREATE TABLE towns ("Place" VARCHAR)')
    con.execute("INSERT INTO towns VALUES ('Đurđevo'), ('Žabalj'), ('Novi Sad'), ('All places')")
    index = ValueIndex.build(con, table_infos_from_connection(con))
    assert values_of(index.link("which place has more jews, durdevo or zabalj?")) == ["Đurđevo", "Žabalj"]
    assert normalize("がぎ 한국 华东") == "がぎ 한국 华东"  # only Latin letters lose their accents


def index_over(*statements: str) -> ValueIndex:
    """A value index over tables made by ``statements`` in a fresh DuckDB."""
    con = duckdb.connect()
    for sql in statements:
        con.execute(sql)
    return ValueIndex.build(con, table_infos_from_connection(con))


def test_words_of_column_names_and_operations_are_no_values() -> None:
    index = index_over(
        'CREATE TABLE invoice ("BillingCountry" VARCHAR, "Total" DOUBLE)',
        'CREATE TABLE track ("Name" VARCHAR)',
        "INSERT INTO invoice VALUES ('USA', 1.0), ('Norway', 2.0)",
        "INSERT INTO track VALUES ('Killing Time'), ('Different World'), ('Killer Queen')",
    )
    assert index.link("Find the different billing countries for all invoices.") == []
    assert values_of(index.link("who sang killng time?")) == ["Killing Time"]  # a typo of a value still links


def test_a_word_one_letter_longer_is_another_word_not_a_typo() -> None:
    index = index_over(
        'CREATE TABLE airlines ("name" VARCHAR)', "INSERT INTO airlines VALUES ('ALL STAR'), ('Planet Air')"
    )
    assert index.link("For each airport name, how many routes start at that airport?") == []  # start ≠ star


def test_in_a_database_a_word_naming_a_table_is_no_value() -> None:
    index = index_over(
        'CREATE TABLE player ("name_first" VARCHAR, "birth_country" VARCHAR)',
        'CREATE TABLE hall_of_fame ("category" VARCHAR, "note" VARCHAR)',
        "INSERT INTO player VALUES ('Count', 'USA'), ('Ted', 'USA')",
        "INSERT INTO hall_of_fame VALUES ('Player', 'Players League'), ('Manager', 'Players Union')",
    )
    assert values_of(index.link("Count the players born in USA")) == ["USA"]


def test_items_listed_with_one_shared_ending_are_each_linked() -> None:
    """ "经营、投资、筹资活动产生的现金流量净额" names three cells; only the last is written out."""
    con = duckdb.connect()
    con.execute('CREATE TABLE cash ("项目" VARCHAR, "本期金额" DOUBLE)')
    items = [
        "经营活动产生的现金流量净额",
        "投资活动产生的现金流量净额",
        "筹资活动产生的现金流量净额",
        "汇率变动",
    ]
    con.executemany("INSERT INTO cash VALUES (?, ?)", [(v, float(i)) for i, v in enumerate(items)])
    index = ValueIndex.build(con, table_infos_from_connection(con))
    linked = {ln.value for ln in index.link("企业经营、投资、筹资活动产生的现金流量净额的本期金额？")}
    assert linked == set(items[:3])
    # a listed word whose completion is not a cell links nothing new
    assert {ln.value for ln in index.link("汇率、筹资活动产生的现金流量净额")} == {items[2]}


def test_a_chinese_month_links_its_zero_padded_cell_and_not_dates_sharing_the_year() -> None:
    con = duckdb.connect()
    con.execute('CREATE TABLE land ("成交日期" VARCHAR, "时间(月份)" VARCHAR)')
    con.executemany(
        "INSERT INTO land VALUES (?, ?)",
        [
            ("2017年05月12日", "2017年05月"),
            ("2017年03月04日", "2017年03月"),
            ("2018年01月09日", "2018年01月"),
        ],
    )
    index = ValueIndex.build(con, table_infos_from_connection(con))
    links = index.link("请问在2017年3月成交的地块中，哪一块的价格最高？")
    assert [(ln.column, ln.value) for ln in links] == [("时间(月份)", "2017年03月")]
    assert normalize("2017年3月4日") == normalize("2017年03月04日")


def test_the_month_of_a_date_is_not_a_number_of_a_count_column() -> None:
    con = duckdb.connect()
    con.execute('CREATE TABLE homes ("年月" VARCHAR, "项目名称" VARCHAR, "成交套数" INTEGER)')
    con.executemany(
        "INSERT INTO homes VALUES (?, ?, ?)", [("2022年12月", "光明星城", 12), ("2022年12月", "东方颐城", 5)]
    )
    index = ValueIndex.build(con, table_infos_from_connection(con))
    month = index.link("请问在2022年12月，房价最低的五个小区分别是哪些？")
    assert [(ln.column, ln.value) for ln in month] == [("年月", "2022年12月")]
    count = index.link("2022年12月成交了12套的小区是哪个？")  # 12 also stands alone: a count
    assert ("成交套数", "12") in [(ln.column, ln.value) for ln in count]


@pytest.mark.parametrize(
    ("question", "value", "named"),
    [
        ("how many games did the eagles win after december 1, 1968?", "W 12–0", False),
        ("how many games did the eagles win after december 1, 1968?", "1968-12-01", True),
        ("in what year did the muncie flyers have an undefeated record?", "14th APFA", False),
        ("how many times did bekele win in brussels?", "%Brussels%", True),
        ("how many games did they win?", "W%", True),  # nothing to judge by: it stays
        # the 12 of "2022年12月" is the month, not a value of another column; the year and month are
        ("请问在2022年12月，房价最低的五个小区分别是哪些？", "12", False),
        ("请问在2022年12月，房价最低的五个小区分别是哪些？", "2022年12月", True),
        ("华东区的销售额？", "华东", True),
        ("卫星有哪些用处？", "森林资源", False),
        ("2021年8月的成交量", "2021年08月", True),
        ("which club scored 79 points?", "42", False),
        (
            "请问武汉市洪山区东湖ONE小区所属地块的成交总价是多少？",
            "武汉市洪山区P（2017）123号",
            False,
        ),  # its numbers
        ("how many games did they play in week 5?", "Week 5 (Top 5)", True),
    ],
)
def test_a_filter_value_is_named_by_the_question_through_its_words_or_numbers(
    question: str, value: str, named: bool
) -> None:
    assert names_value(question, value, []) is named


def test_a_linked_cell_is_named_by_the_question() -> None:
    link = ValueLink("t", "Country", "Netherlands", 0.9, "dutch")
    assert names_value("how many dutch riders?", "Netherlands", [link])
    assert not names_value("how many dutch riders?", "Netherlands", [])


def test_one_of_two_equal_words_names_the_kind_not_the_cell() -> None:
    con = duckdb.connect()
    con.execute('CREATE TABLE charts ("Song Title" VARCHAR, "Scorer" VARCHAR, "Peak" BIGINT)')
    con.execute(
        """INSERT INTO charts VALUES ('Earth Song', 'Own Goal', 1), ('Black or White', 'Ana Silva', 2),
        ('Thriller Nights', 'Tom Berg', 1), ('Summer Nights', 'Li Wei', 3)"""
    )
    index = ValueIndex.build(con, table_infos_from_connection(con))
    assert index.link("how many songs reached position 1?") == []
    assert index.link("who is the only goal scorer from jamaica?") == []
    # the rarer word of a value still finds it, and two words of it do
    assert values_of(index.link("when did thriller chart?")) == ["Thriller Nights"]
    assert values_of(index.link("who sang earth songs")) == ["Earth Song"]


def test_a_cell_equal_to_a_column_name_is_no_link_in_a_big_column_either() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE airports (name VARCHAR, city VARCHAR)")
    con.execute("INSERT INTO airports VALUES ('Goroka Airport', 'Goroka'), ('Madang Airport', 'Madang')")
    con.execute(
        "CREATE TABLE airlines AS SELECT CASE WHEN i = 7 THEN 'CITY' ELSE 'CALL' || i::VARCHAR END AS callsign "
        "FROM range(5000) t(i)"
    )
    index = ValueIndex.build(con, table_infos_from_connection(con), max_distinct_per_column=1000)
    links = index.link("what are the names of the airports in the city of goroka?")
    assert ("city", "Goroka") in [(link.column, link.value) for link in links]
    assert "callsign" not in [link.column for link in links]  # 'CITY' is the column, not a callsign
