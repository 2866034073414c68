"""MySQLEngine against a real MariaDB server: introspection, queries, limits, and writes that cannot happen.

Skipped when MariaDB (apt-get install mariadb-server) or pymysql (pip install 'tablepilot[mysql]') is
missing; ``.ci/run`` installs both.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from mysql_server import MariaDBServer, find_server

from tablepilot.errors import GuardError, QueryError

if find_server() is None:
    pytest.skip("MariaDB is not installed (apt-get install mariadb-server)", allow_module_level=True)
pymysql = pytest.importorskip("pymysql", reason="pip install 'tablepilot[mysql]'")

from tablepilot.engines.mysql_engine import MySQLEngine, parse_url
from tablepilot.engines.sources import open_engine
from tablepilot.pipeline import DataContext
from tablepilot.sql.guard import check_readonly

SHOP = [
    "CREATE DATABASE shop",
    "CREATE USER owner@'%' IDENTIFIED BY 'pw'",
    "GRANT ALL ON shop.* TO owner@'%'",  # may write, were it not for the engine (no global FILE privilege)
    """CREATE TABLE shop.customers (id INT PRIMARY KEY, name VARCHAR(40) COMMENT 'full name', city TEXT)
       COMMENT = 'people who bought something'""",
    """CREATE TABLE shop.orders (order_id BIGINT PRIMARY KEY, customer_id INT, amount DECIMAL(10,2),
       placed DATE, FOREIGN KEY (customer_id) REFERENCES shop.customers (id))""",
    "INSERT INTO shop.customers VALUES (1, 'Ann', 'Oslo'), (2, 'Bo', 'Rome'), (3, 'Cy', 'Oslo')",
    (
        "INSERT INTO shop.orders SELECT seq, 1 + seq % 3, seq % 100, '2024-01-01' + INTERVAL seq % 300 DAY "
        "FROM seq_1_to_3000"
    ),
    "CREATE VIEW shop.big_orders AS SELECT * FROM shop.orders WHERE amount > 90",
]


def _state(admin: Any) -> tuple[Any, ...]:
    with admin.cursor() as c:
        c.execute("SELECT COUNT(*), SUM(amount) FROM shop.orders")
        orders = c.fetchone()
        c.execute("SELECT GROUP_CONCAT(name ORDER BY id) FROM shop.customers")
        names = c.fetchone()
        c.execute("SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) FROM information_schema.TABLES "
                  "WHERE TABLE_SCHEMA = 'shop'")  # fmt: skip
        tables = c.fetchone()
    return (orders, names, tables)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[MariaDBServer, Any]]:
    with MariaDBServer() as m:
        admin = pymysql.connect(host="127.0.0.1", port=m.port, user="root", database="mysql", autocommit=True)
        with admin.cursor() as c:
            for stmt in SHOP:
                c.execute(stmt)
        yield m, admin
        admin.close()


@pytest.fixture(scope="module")
def engine(server: tuple[MariaDBServer, Any]) -> Iterator[MySQLEngine]:
    with MySQLEngine(server[0].url("shop", "owner", "pw")) as e:
        yield e


def test_introspection_names_types_comments_keys(engine: MySQLEngine) -> None:
    tables = {t.name: t for t in engine.tables()}
    assert set(tables) == {"customers", "orders", "big_orders"}
    assert tables["orders"].row_count == 3000 and tables["customers"].row_count == 3
    assert {c.name: c.type for c in tables["orders"].columns} == {
        "order_id": "BIGINT",
        "customer_id": "INTEGER",
        "amount": "DECIMAL(10,2)",
        "placed": "DATE",
    }
    customers = tables["customers"]
    assert customers.description and "people who bought something" in customers.description
    assert 'primary key ("id")' in customers.description
    assert {c.name: c.description for c in customers.columns}["name"] == "full name"
    assert [(fk.table, fk.ref_table) for fk in engine.foreign_keys] == [("orders", "customers")]
    assert '"orders"."customer_id" = "customers"."id"' in (tables["orders"].description or "")
    assert "view" in (tables["big_orders"].description or "") and engine.mariadb


def test_queries_with_ansi_quotes_and_the_row_cap(engine: MySQLEngine) -> None:
    r = engine.execute(
        'SELECT c."name", COUNT(*) AS n FROM "orders" o JOIN customers c ON o.customer_id = c.id '
        "WHERE c.city = 'Oslo' GROUP BY c.name ORDER BY c.name"
    )
    assert r.columns == ["name", "n"] and r.rows == [["Ann", 1000], ["Cy", 1000]]
    capped = engine.execute("SELECT order_id FROM orders ORDER BY order_id", max_rows=3)
    assert capped.rows == [[1], [2], [3]] and capped.truncated


def test_a_slow_query_is_stopped_by_the_server(engine: MySQLEngine) -> None:
    start = time.monotonic()
    with pytest.raises(QueryError, match="longer than 1 s"):
        engine.execute("SELECT COUNT(*) FROM seq_1_to_100000 a, seq_1_to_100000 b", timeout_s=1.0)
    assert time.monotonic() - start < 20
    assert engine.execute("SELECT COUNT(*) FROM customers").rows == [[3]]


WRITES = [
    "DELETE FROM orders",
    "UPDATE customers SET name = 'X'",
    "INSERT INTO customers VALUES (9, 'Eve', 'Oslo')",
    "REPLACE INTO customers VALUES (1, 'Eve', 'Oslo')",
    "DROP TABLE orders",
    "DROP VIEW big_orders",
    "TRUNCATE TABLE orders",
    "CREATE TABLE evil (x INT)",
    "CREATE TABLE evil AS SELECT * FROM customers",
    "ALTER TABLE customers ADD COLUMN x INT",
    "RENAME TABLE customers TO c2",
    "SELECT 1; DELETE FROM orders",
    "COMMIT",
    "SET SESSION TRANSACTION READ WRITE",
    "LOAD DATA LOCAL INFILE '/etc/hostname' INTO TABLE customers",
    "SELECT * FROM customers FOR UPDATE",
]


@pytest.mark.parametrize("sql", WRITES)
def test_writes_change_nothing_with_the_guard_switched_off(
    engine: MySQLEngine, server: tuple[MariaDBServer, Any], sql: str
) -> None:
    before = _state(server[1])
    try:
        engine.execute(sql)  # the engine alone, no guard in front of it
    except QueryError:
        pass
    try:  # whatever the first statement did to the session, a following write still fails
        engine.execute("DELETE FROM orders")
    except QueryError:
        pass
    assert _state(server[1]) == before


@pytest.mark.parametrize("sql", [*WRITES, "SELECT * FROM customers INTO OUTFILE '/tmp/x'",
                                 "SELECT LOAD_FILE('/etc/passwd')", "SELECT SLEEP(10)",
                                 "SELECT BENCHMARK(100000000, MD5('x'))"])  # fmt: skip
def test_the_guard_refuses_them_in_the_mysql_dialect(sql: str) -> None:
    with pytest.raises(GuardError):
        check_readonly(sql, dialect="mysql", tables=["customers", "orders"])


def test_the_guard_reads_double_quotes_as_names_like_the_session() -> None:
    sql = 'SELECT "name" FROM "customers" WHERE city = \'Oslo\''
    assert check_readonly(sql, dialect="mysql", tables=["customers"]) == sql
    with pytest.raises(GuardError, match="not loaded"):
        check_readonly('SELECT x FROM "secret"', dialect="mysql", tables=["customers"])


def test_profiles_and_the_source_url(server: tuple[MariaDBServer, Any]) -> None:
    url = server[0].url("shop", "owner", "pw")
    with open_engine([url]) as e:  # type: ignore[attr-defined]
        assert isinstance(e, MySQLEngine)
        ctx = DataContext.build(e)
        assert {p.name for p in ctx.profiles} == {"customers", "orders", "big_orders"}
    assert parse_url("mysql://a:b%40c@h:3307/db").password == "b@c"
    assert parse_url("mariadb://u@h/d?unix_socket=/run/s.sock").socket == "/run/s.sock"
