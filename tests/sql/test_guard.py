"""The structural SQL guard: hostile SQL is refused with a reason, analytic SQL passes and runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import sqlglot

from tablepilot.errors import GuardError
from tablepilot.sql.guard import REASONS, _token_disagreement, check_readonly

TABLES = ["sales", "customers", "orders", "销售"]

SCHEMA = [
    """CREATE TABLE sales (
        id INTEGER, region VARCHAR, amount DOUBLE, qty INTEGER, product VARCHAR, d DATE, ts TIMESTAMP,
        "user" VARCHAR, "order" INTEGER, version VARCHAR, date DATE, year INTEGER, count INTEGER,
        "地区" VARCHAR, "销售额" DOUBLE, tags VARCHAR[], customer_id INTEGER
    )""",
    """INSERT INTO sales VALUES
        (1, 'north', 10.5, 2, 'apple', DATE '2024-01-03', TIMESTAMP '2024-01-03 10:00:00', 'ann', 1, 'v1',
         DATE '2024-01-03', 2024, 3, '华北', 100.0, ['a', 'b'], 1),
        (2, 'south', 20.0, 1, 'pear', DATE '2024-02-10', TIMESTAMP '2024-02-10 12:30:00', 'bob', 2, 'v2',
         DATE '2024-02-10', 2024, 5, '华南', 250.5, ['b'], 2),
        (3, 'north', 7.25, 4, 'apple', DATE '2023-12-24', TIMESTAMP '2023-12-24 08:15:00', 'cid', 3, 'v1',
         DATE '2023-12-24', 2023, 1, '华北', 80.0, [], 1)""",
    "CREATE TABLE customers (id INTEGER, name VARCHAR, email VARCHAR, city VARCHAR)",
    "INSERT INTO customers VALUES (1, 'Ann', 'ann@example.com', 'Oslo'), (2, 'Bob', 'bob@example.org', 'Rome')",
    "CREATE TABLE orders (id INTEGER, customer_id INTEGER, total DOUBLE, created_at TIMESTAMP)",
    """INSERT INTO orders VALUES (1, 1, 30.0, TIMESTAMP '2024-01-05 09:00:00'),
        (2, 2, 12.5, TIMESTAMP '2024-03-01 18:00:00'), (3, 1, 8.0, TIMESTAMP '2024-03-02 07:00:00')""",
    'CREATE TABLE "销售" ("地区" VARCHAR, "销售额" DOUBLE, "月份" VARCHAR)',
    """INSERT INTO "销售" VALUES ('华北', 100, '2024-01'), ('华南', 250.5, '2024-01'), ('华北', 80, '2024-02')""",
]


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(":memory:")
    for statement in SCHEMA:
        connection.execute(statement)
    yield connection
    connection.close()


# ---------------------------------------------------------------------------------------------
# Accepted: ordinary analytic queries, each also executed against the fixture tables.
# ---------------------------------------------------------------------------------------------

ACCEPTED = [
    "SELECT * FROM sales",
    "select region, sum(amount) from sales group by region",
    "SELECT region, SUM(amount) AS total FROM sales GROUP BY ALL ORDER BY total DESC",
    "SELECT * FROM sales ORDER BY ALL",
    "SELECT region, COUNT(*) FROM sales GROUP BY region HAVING COUNT(*) > 1",
    "SELECT DISTINCT product FROM sales",
    "SELECT * FROM sales LIMIT 2 OFFSET 1",
    "WITH t AS (SELECT region, amount FROM sales) SELECT region, AVG(amount) FROM t GROUP BY region",
    "WITH a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS y FROM a) SELECT * FROM a, b",
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT SUM(n) FROM r",
    "SELECT id, amount, SUM(amount) OVER (PARTITION BY region ORDER BY d) AS running FROM sales",
    "SELECT id, RANK() OVER (ORDER BY amount DESC) FROM sales",
    "SELECT id, LAG(amount) OVER w, LEAD(amount) OVER w FROM sales WINDOW w AS (ORDER BY d)",
    "SELECT * FROM sales QUALIFY ROW_NUMBER() OVER (PARTITION BY region ORDER BY amount DESC) = 1",
    "SELECT region, CASE WHEN amount > 10 THEN 'big' ELSE 'small' END AS size FROM sales",
    "SELECT * FROM sales WHERE amount > (SELECT AVG(amount) FROM sales)",
    "SELECT * FROM sales WHERE customer_id IN (SELECT id FROM customers WHERE city = 'Oslo')",
    "SELECT * FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)",
    "SELECT name FROM customers UNION SELECT product FROM sales",
    "SELECT id FROM sales UNION ALL SELECT id FROM orders ORDER BY 1",
    "SELECT id FROM sales INTERSECT SELECT id FROM orders",
    "SELECT id FROM sales EXCEPT SELECT id FROM orders",
    "(SELECT id FROM sales) UNION (SELECT id FROM orders)",
    "SELECT c.name, SUM(o.total) FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.name",
    "SELECT * FROM customers c LEFT JOIN orders o ON o.customer_id = c.id",
    "SELECT * FROM sales s, customers c WHERE s.customer_id = c.id",
    "SELECT * FROM sales JOIN customers USING (id)",
    "SELECT * FROM orders o ASOF JOIN sales s ON o.customer_id = s.customer_id AND o.created_at >= s.ts",
    "SELECT date_trunc('month', d) AS month, SUM(amount) FROM sales GROUP BY 1",
    "SELECT strftime(d, '%Y-%m') AS ym, COUNT(*) FROM sales GROUP BY ym",
    "SELECT EXTRACT(year FROM d), date_part('month', d), dayname(d) FROM sales",
    "SELECT * FROM sales WHERE d BETWEEN DATE '2024-01-01' AND DATE '2024-12-31'",
    "SELECT d + INTERVAL 7 DAY, date_diff('day', d, DATE '2024-06-01') FROM sales",
    "SELECT * FROM customers WHERE name LIKE 'A%' OR email ILIKE '%EXAMPLE.ORG'",
    "SELECT * FROM customers WHERE regexp_matches(email, '^[a-z]+@example\\.com$')",
    "SELECT regexp_extract(email, '@(.*)$', 1) AS domain FROM customers",
    'SELECT "地区", SUM("销售额") AS "总销售额" FROM "销售" GROUP BY "地区"',
    "SELECT 地区, 销售额 FROM 销售 WHERE 销售额 > 90",
    'SELECT "地区", "销售额" FROM sales ORDER BY "销售额" DESC',
    'SELECT "user", "order", version, date, year, count FROM sales',
    'SELECT "user" AS u, COUNT(*) AS count FROM sales GROUP BY "user"',
    "SELECT year, SUM(count) FROM sales GROUP BY year",
    "FROM sales SELECT region, amount",
    "FROM sales",
    "FROM sales SELECT id WHERE amount > 10",
    "SELECT * EXCLUDE (tags) FROM sales",
    "SELECT COLUMNS('amount|qty') FROM sales",
    "SELECT id, unnest(tags) FROM sales",
    "SELECT s.id, t.tag FROM sales s, unnest(s.tags) AS t(tag)",
    "SELECT * FROM range(5)",
    "SELECT * FROM generate_series(1, 3) AS g(n)",
    "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v(n, s)",
    "SELECT * FROM sales USING SAMPLE 2 ROWS",
    "SELECT list(product), string_agg(region, ',') FROM sales",
    "SELECT COALESCE(NULL, amount), NULLIF(qty, 0), amount::INTEGER, CAST(qty AS DOUBLE) FROM sales",
    "SELECT ROUND(amount / NULLIF(qty, 0), 2) FROM sales",
    "SELECT median(amount), quantile_cont(amount, 0.9), stddev(amount) FROM sales",
    "SELECT arg_max(product, amount) FROM sales",
    "SELECT * FROM main.sales",
    "SELECT * FROM SALES",
    "PIVOT sales ON region IN ('north', 'south') USING SUM(amount) GROUP BY product",
    "PIVOT sales ON region USING SUM(amount)",
    "SELECT * FROM sales PIVOT (SUM(amount) FOR region IN ('north', 'south'))",
    "SELECT 1 + 1",
    "SELECT 'a; b' AS s",
    "SELECT * FROM sales WHERE product = 'DROP TABLE sales'",
    "  SELECT * FROM sales;  ",
    "SELECT * FROM sales; -- that is all",
    "-- total per region\nSELECT region, SUM(amount) FROM sales GROUP BY region",
    "SELECT region /* the area */ FROM sales",
    "SELECT t.* FROM (SELECT * FROM sales) AS t",
    "SELECT * FROM sales s1 JOIN (WITH inner_cte AS (SELECT id FROM orders) SELECT * FROM inner_cte) x ON x.id = s1.id",
    "SELECT {'a': 1, 'b': amount} AS st, [1, 2, 3][1] AS first FROM sales",
    "SELECT list_transform(tags, lambda x: upper(x)) FROM sales",
    "SELECT [upper(x) for x in tags] FROM sales",
]


@pytest.mark.parametrize("sql", ACCEPTED)
def test_accepts_and_runs(sql: str, con: duckdb.DuckDBPyConnection) -> None:
    checked = check_readonly(sql, tables=TABLES)
    assert not checked.endswith(";")
    assert checked == checked.strip()
    con.execute(checked).fetchall()


@pytest.mark.parametrize("sql", ACCEPTED[:20])
def test_accepts_without_table_list(sql: str) -> None:
    assert check_readonly(sql)


def test_accepted_list_is_large_enough() -> None:
    assert len(ACCEPTED) >= 50


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("  SELECT * FROM sales;  ", "SELECT * FROM sales"),
        ("SELECT 1;;", "SELECT 1"),
        ("SELECT 1; -- done", "SELECT 1"),
        ("SELECT a FROM t -- trailing comment", "SELECT a FROM t"),
        ("/* lead */ SELECT 1", "SELECT 1"),
        ("SELECT 'x;'", "SELECT 'x;'"),
        ('SELECT "地区" FROM "销售"', 'SELECT "地区" FROM "销售"'),
        ("SELECT a -- note\nFROM t", "SELECT a -- note\nFROM t"),
    ],
)
def test_returns_trimmed_text(sql: str, expected: str) -> None:
    assert check_readonly(sql) == expected


def test_trimmed_text_can_be_wrapped(con: duckdb.DuckDBPyConnection) -> None:
    checked = check_readonly("SELECT id FROM sales; -- trailing\n", tables=TABLES)
    assert con.execute(f"SELECT COUNT(*) FROM ({checked})").fetchone() == (3,)


# ---------------------------------------------------------------------------------------------
# Rejected: hostile or non-query SQL, each with the reason code.
# ---------------------------------------------------------------------------------------------

REJECTED = [
    # empty and unparseable
    ("", "empty"),
    ("   ;  ", "empty"),
    ("-- just a comment", "empty"),
    ("SELEC * FROM sales", "parse_error"),
    ("SELECT * FROM sales WHERE", "parse_error"),
    ("SELECT 'unterminated", "parse_error"),
    # several statements, also hidden behind comments
    ("SELECT 1; SELECT 2", "multiple_statements"),
    ("SELECT 1; DROP TABLE sales", "multiple_statements"),
    ("SELECT 1; -- \n DROP TABLE sales", "multiple_statements"),
    ("SELECT 1 /* harmless */; DROP TABLE sales", "multiple_statements"),
    ("SELECT 1; /* x */ DELETE FROM sales", "multiple_statements"),
    ("SELECT 1 --x\r; DROP TABLE sales", "multiple_statements"),
    ("SELECT 1\u2028; DROP TABLE sales", "multiple_statements"),
    # writes and DDL
    ("INSERT INTO sales (id) VALUES (9)", "write"),
    ("UPDATE sales SET amount = 0", "write"),
    ("DELETE FROM sales", "write"),
    ("MERGE INTO sales USING orders ON sales.id = orders.id WHEN MATCHED THEN DELETE", "write"),
    ("CREATE TABLE x AS SELECT * FROM sales", "write"),
    ("CREATE VIEW v AS SELECT 1", "write"),
    ("CREATE SECRET (TYPE s3, KEY_ID 'k', SECRET 's')", "write"),
    ("CREATE MACRO m(a) AS a + 1", "write"),
    ("DROP TABLE sales", "write"),
    ("ALTER TABLE sales ADD COLUMN x INTEGER", "write"),
    ("TRUNCATE sales", "write"),
    ("SELECT * INTO t2 FROM sales", "write"),
    ("WITH gone AS (DELETE FROM sales RETURNING *) SELECT * FROM gone", "write"),
    ("WITH x AS (INSERT INTO sales (id) VALUES (1) RETURNING id) SELECT * FROM x", "write"),
    ("COPY sales TO '/tmp/x'", "write"),
    ("COPY (SELECT * FROM sales) TO '/tmp/x.parquet' (FORMAT parquet)", "write"),
    ("COPY sales FROM '/etc/passwd'", "write"),
    ("EXPORT DATABASE '/tmp/dump'", "write"),
    ("IMPORT DATABASE '/tmp/dump'", "write"),
    ("ATTACH 'x.db'", "write"),
    ("ATTACH 'x.db' AS other (READ_ONLY)", "write"),
    ("DETACH other", "write"),
    ("GRANT SELECT ON sales TO bob", "write"),
    ("CHECKPOINT", "write"),
    ("VACUUM", "write"),
    # session and other non-query statements
    ("INSTALL httpfs", "statement"),
    ("FORCE INSTALL httpfs", "statement"),
    ("LOAD httpfs", "statement"),
    ("PRAGMA database_list", "statement"),
    ("SET enable_external_access = true", "statement"),
    ("SET VARIABLE x = 1", "statement"),
    ("RESET threads", "statement"),
    ("USE memory", "statement"),
    ("CALL pragma_version()", "statement"),
    ("DESCRIBE sales", "statement"),
    ("SHOW TABLES", "statement"),
    ("SUMMARIZE sales", "statement"),
    ("EXPLAIN SELECT 1", "statement"),
    ("BEGIN TRANSACTION", "statement"),
    ("COMMIT", "statement"),
    ("ROLLBACK", "statement"),
    ("PREPARE p AS SELECT 1", "statement"),
    # files, URLs and other databases
    ("SELECT * FROM read_csv('/etc/passwd')", "file_access"),
    ("SELECT * FROM read_csv_auto('data.csv')", "file_access"),
    ("SELECT * FROM read_parquet('s3://bucket/x.parquet')", "file_access"),
    ("SELECT * FROM read_json_auto('x.json')", "file_access"),
    ("SELECT * FROM read_text('/etc/hostname')", "file_access"),
    ("SELECT * FROM read_blob('/etc/hostname')", "file_access"),
    ("SELECT * FROM glob('/home/*')", "file_access"),
    ("SELECT * FROM parquet_scan('x.parquet')", "file_access"),
    ("SELECT * FROM sniff_csv('x.csv')", "file_access"),
    ("SELECT * FROM sqlite_scan('x.db', 't')", "file_access"),
    ("SELECT * FROM postgres_scan('host=x', 'public', 't')", "file_access"),
    ("SELECT * FROM iceberg_scan('s3://b/t')", "file_access"),
    ("SELECT * FROM delta_scan('s3://b/t')", "file_access"),
    ("SELECT * FROM 'x.parquet'", "file_access"),
    ("SELECT * FROM '/etc/passwd'", "file_access"),
    ("SELECT * FROM 'data.csv'", "file_access"),
    ("SELECT * FROM 'https://example.com/x.csv'", "file_access"),
    ('SELECT * FROM "s3://bucket/file.parquet"', "file_access"),
    ("SELECT * FROM sales JOIN 'x.csv' USING (id)", "file_access"),
    ("SELECT * FROM sales WHERE id IN (SELECT id FROM read_csv('x.csv'))", "file_access"),
    ("WITH x AS (SELECT * FROM read_parquet('x.parquet')) SELECT * FROM x", "file_access"),
    ("SELECT * FROM sales, LATERAL read_csv(sales.product)", "file_access"),
    ("SELECT (SELECT content FROM read_text('/etc/passwd')) AS leak", "file_access"),
    # environment, settings, dynamic SQL, system catalogs
    ("SELECT getenv('HOME')", "forbidden_function"),
    ("SELECT current_setting('temp_directory')", "forbidden_function"),
    ("SELECT * FROM query('SELECT 1')", "forbidden_function"),
    ("SELECT * FROM query_table('sales')", "forbidden_function"),
    ("SELECT getvariable('x')", "forbidden_function"),
    ("SELECT nextval('seq')", "forbidden_function"),
    ("SELECT * FROM which_secret('s3://b/x', 's3')", "forbidden_function"),
    ("SELECT * FROM json_each('[1, 2]')", "forbidden_function"),
    ("SELECT * FROM duckdb_settings()", "system_catalog"),
    ("SELECT * FROM duckdb_extensions()", "system_catalog"),
    ("SELECT * FROM pragma_table_info('sales')", "system_catalog"),
    ("SELECT * FROM pg_settings", "system_catalog"),
    ("SELECT * FROM information_schema.tables", "system_catalog"),
    ("SELECT * FROM pg_catalog.pg_settings", "system_catalog"),
    # unknown tables and wrongly scoped CTEs
    ("SELECT * FROM secrets", "unknown_table"),
    ("SELECT * FROM other.main.sales", "unknown_table"),
    ("SELECT * FROM (WITH y AS (SELECT 1) SELECT * FROM y) AS a, y", "unknown_table"),
    ("WITH a AS (SELECT * FROM b), b AS (SELECT 1) SELECT * FROM a", "unknown_table"),
]


@pytest.mark.parametrize(("sql", "reason"), REJECTED)
def test_rejects(sql: str, reason: str) -> None:
    with pytest.raises(GuardError) as caught:
        check_readonly(sql, tables=TABLES)
    error = caught.value
    assert error.data["reason"] == reason, error.message
    assert error.data["sql"] == sql
    assert error.message and error.hint
    assert "\x1b[" not in error.message  # sqlglot's terminal underlining is stripped


def test_rejected_list_is_large_enough() -> None:
    assert len(REJECTED) >= 50
    assert {reason for _, reason in REJECTED} <= set(REASONS)


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("SELECT * FROM 'x.parquet'", "file_access"),
        ("SELECT * FROM read_csv('/etc/passwd')", "file_access"),
        ("SELECT * FROM pg_settings", "system_catalog"),
        ("SELECT * FROM duckdb_settings()", "system_catalog"),
        ("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x", "write"),
        ("SELECT 1; DROP TABLE t", "multiple_statements"),
    ],
)
def test_rejects_without_table_list(sql: str, reason: str) -> None:
    with pytest.raises(GuardError) as caught:
        check_readonly(sql)
    assert caught.value.data["reason"] == reason


def test_unknown_table_lists_available_tables() -> None:
    with pytest.raises(GuardError) as caught:
        check_readonly("SELECT * FROM profits", tables=["sales", "地区"])
    assert '"sales"' in caught.value.message and '"地区"' in caught.value.message
    assert "profits" in caught.value.message


def test_parse_error_carries_sqlglot_description() -> None:
    with pytest.raises(GuardError) as caught:
        check_readonly("SELECT * FROM sales WHERE", tables=TABLES)
    assert "line 1" in caught.value.message


@pytest.mark.parametrize(
    "sql",
    [
        'WITH "x.csv" AS (SELECT 1 AS a) SELECT * FROM "x.csv"',
        "WITH pg_settings AS (SELECT 1 AS a) SELECT * FROM pg_settings",
        "WITH secrets AS (SELECT 1 AS a) SELECT * FROM secrets",
    ],
)
def test_cte_names_shadow_tables(sql: str, con: duckdb.DuckDBPyConnection) -> None:
    con.execute(check_readonly(sql, tables=TABLES)).fetchall()


def test_registered_table_names_match_case_insensitively(con: duckdb.DuckDBPyConnection) -> None:
    assert check_readonly('SELECT * FROM "Sales"', tables=["SALES"])


# ---------------------------------------------------------------------------------------------
# Other dialects.
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dialect", "sql", "reason"),
    [
        ("postgres", "SELECT pg_read_file('/etc/passwd')", "file_access"),
        ("postgres", "SELECT pg_read_binary_file('/etc/passwd')", "file_access"),
        ("postgres", "SELECT * FROM pg_ls_dir('.')", "file_access"),
        ("postgres", "SELECT lo_import('/etc/passwd')", "file_access"),
        ("postgres", "SELECT * FROM dblink('host=x', 'SELECT 1') AS t(a int)", "file_access"),
        ("postgres", "COPY sales TO PROGRAM 'id'", "write"),
        ("postgres", "COPY (SELECT 1) TO '/tmp/x'", "write"),
        ("postgres", "SELECT pg_sleep(10)", "forbidden_function"),
        ("postgres", "SELECT set_config('work_mem', '1GB', false)", "forbidden_function"),
        ("postgres", "SELECT current_setting('data_directory')", "forbidden_function"),
        ("postgres", "SELECT pg_terminate_backend(1)", "forbidden_function"),
        ("postgres", "SELECT * FROM pg_catalog.pg_shadow", "system_catalog"),
        ("postgres", "SELECT * FROM sales FOR UPDATE", "write"),
        ("postgres", "SELECT * INTO t2 FROM sales", "write"),
        ("postgres", "DO $$ BEGIN PERFORM 1; END $$", "statement"),
        ("postgres", "SET ROLE postgres", "statement"),
        ("postgres", "SELECT 1; DROP TABLE sales", "multiple_statements"),
        ("postgres", "SELECT * FROM secrets", "unknown_table"),
        ("sqlite", "SELECT load_extension('/tmp/evil.so')", "file_access"),
        ("sqlite", "SELECT readfile('/etc/passwd')", "file_access"),
        ("sqlite", "ATTACH DATABASE '/tmp/x.db' AS x", "write"),
        ("sqlite", "VACUUM INTO '/tmp/copy.db'", "write"),
        ("sqlite", "PRAGMA writable_schema = 1", "statement"),
        ("sqlite", "SELECT * FROM sqlite_master", "system_catalog"),
        ("sqlite", "SELECT * FROM pragma_table_info('sales')", "system_catalog"),
        ("sqlite", "INSERT INTO sales (id) VALUES (1)", "write"),
    ],
)
def test_rejects_in_other_dialects(dialect: str, sql: str, reason: str) -> None:
    with pytest.raises(GuardError) as caught:
        check_readonly(sql, dialect=dialect, tables=TABLES)
    assert caught.value.data["reason"] == reason, caught.value.message


@pytest.mark.parametrize(
    ("dialect", "sql"),
    [
        ("postgres", "SELECT region, SUM(amount) FROM sales GROUP BY region ORDER BY 2 DESC"),
        ("postgres", "SELECT * FROM generate_series(1, 3)"),
        ("postgres", "SELECT to_char(d, 'YYYY-MM'), \"user\" FROM public.sales"),
        ("postgres", "WITH t AS (SELECT * FROM orders) SELECT COUNT(*) FROM t"),
        ("sqlite", "SELECT strftime('%Y', d), COUNT(*) FROM sales GROUP BY 1"),
        ("sqlite", 'SELECT "地区" FROM "销售" WHERE "销售额" > 1'),
    ],
)
def test_accepts_in_other_dialects(dialect: str, sql: str) -> None:
    assert check_readonly(sql, dialect=dialect, tables=TABLES) == sql


def test_tokenizer_disagreement_is_detected() -> None:
    sql = "SELECT 'a' || b"
    tokens = list(sqlglot.tokenize(sql, read="duckdb"))
    assert _token_disagreement(sql, tokens, duckdb.tokenize(sql)) is None
    # pretend DuckDB saw code starting inside what sqlglot read as the string 'a'
    shifted = [(0, "keyword"), (8, "identifier"), (11, "operator"), (14, "identifier")]
    assert _token_disagreement(sql, tokens, shifted) == 8


# ---------------------------------------------------------------------------------------------
# The rejected cases matter: run against a plain DuckDB they do harm.
# ---------------------------------------------------------------------------------------------


def test_rejected_file_reads_really_leak(tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("password\nhunter2\n")
    attacks = [
        f"SELECT * FROM read_csv('{secret}')",
        f"SELECT * FROM '{secret}'",
        f"SELECT content FROM read_text('{secret}')",
    ]
    raw = duckdb.connect(":memory:")
    for sql in attacks:
        assert "hunter2" in str(raw.execute(sql).fetchall())
        with pytest.raises(GuardError) as caught:
            check_readonly(sql, tables=TABLES)
        assert caught.value.data["reason"] == "file_access"


def test_rejected_writes_really_write(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    target = tmp_path / "dump.csv"
    attacks = [
        f"COPY sales TO '{target}'",
        "SELECT 1; CREATE TABLE planted AS SELECT 42 AS x",
        "CREATE TABLE planted2 AS SELECT 1 AS x",
    ]
    raw = duckdb.connect(":memory:")
    raw.execute("CREATE TABLE sales AS SELECT 1 AS id")
    for sql in attacks:
        raw.execute(sql)
        with pytest.raises(GuardError):
            check_readonly(sql, tables=TABLES)
    assert target.exists()
    names = {row[0] for row in raw.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"planted", "planted2"} <= names


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT " + "(" * 3000 + "1" + ")" * 3000,  # degenerate nesting from a looping model
        "SELECT 1 AS a" + ", 1" * 8000,  # over the length cap
    ],
)
def test_degenerate_sql_is_rejected_not_crashed(sql: str) -> None:
    with pytest.raises(GuardError) as info:
        check_readonly(sql)
    assert info.value.data["reason"] == "too_complex"
