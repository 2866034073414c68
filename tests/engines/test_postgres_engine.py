"""PostgresEngine against a real server: introspection, queries, limits, and writes that cannot happen."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from pg_server import PgServer
from pg_shop import shop_state

from tablepilot.errors import LoadError, QueryError

pytest.importorskip("psycopg")

from tablepilot.engines.postgres_engine import PostgresEngine


@pytest.fixture
def engine(shop_url: str):  # type: ignore[no-untyped-def]
    with PostgresEngine(shop_url) as e:
        yield e


def test_introspection_names_types_comments_keys(engine: PostgresEngine) -> None:
    tables = {t.name: t for t in engine.tables()}
    assert set(tables) == {"customers", "orders", "big_orders", "notes"}
    customers, orders = tables["customers"], tables["orders"]
    assert customers.row_count == 3 and orders.row_count == 3000
    types = {c.name: c.type for c in orders.columns}
    assert types == {
        "order_id": "BIGINT",
        "customer_id": "INTEGER",
        "amount": "NUMERIC(10,2)",
        "channel": "TEXT",
        "returned": "BOOLEAN",
        "placed": "TIMESTAMP",
        "meta": "JSONB",
    }
    assert {c.name: c.type for c in customers.columns}["name"] == "VARCHAR(40)"
    assert customers.description and "people who bought something" in customers.description
    assert 'primary key ("id")' in customers.description
    assert {c.name: c.description for c in customers.columns}["city"] == "city of the billing address"
    assert orders.description and '"orders"."customer_id" = "customers"."id"' in orders.description
    assert (
        tables["notes"].description
        and '"notes"."customer_id" = "customers"."id"' in tables["notes"].description
    )
    assert "view" in (tables["big_orders"].description or "")
    fks = {(fk.table, fk.ref_table) for fk in engine.foreign_keys}
    assert fks == {("orders", "customers"), ("notes", "customers")}
    assert engine.dialect == "postgres" and engine.superuser is False


def test_tables_in_other_schemas_are_reachable_by_their_bare_name(engine: PostgresEngine) -> None:
    assert engine.execute('SELECT "body" FROM "notes" ORDER BY "id"').rows == [["vip"], ["late payer"]]


def test_select_returns_typed_rows_and_respects_the_row_cap(engine: PostgresEngine) -> None:
    r = engine.execute(
        "SELECT channel, sum(amount) AS total FROM orders WHERE channel LIKE '%e%' GROUP BY channel ORDER BY 1"
    )
    assert r.columns == ["channel", "total"]
    assert [row[0] for row in r.rows] == ["store", "web"]
    assert isinstance(r.rows[0][1], Decimal)
    capped = engine.execute("SELECT order_id FROM orders ORDER BY order_id", max_rows=10)
    assert capped.truncated and [row[0] for row in capped.rows] == list(range(1, 11))
    exact = engine.execute("SELECT order_id FROM orders WHERE order_id <= 10", max_rows=10)
    assert not exact.truncated and len(exact.rows) == 10


def test_query_errors_carry_a_hint_and_the_engine_stays_usable(engine: PostgresEngine) -> None:
    with pytest.raises(QueryError) as info:
        engine.execute('SELECT nope FROM "orders"')
    assert "nope" in info.value.message and info.value.hint and "customers" in info.value.hint
    assert engine.execute("SELECT count(*) FROM customers").rows == [[3]]


WRITES = [
    "DELETE FROM orders",
    "DROP TABLE orders",
    "INSERT INTO customers VALUES (9, 'Eve', 'x', NULL)",
    "UPDATE customers SET name = 'X'",
    "CREATE TABLE t (x int)",
    "TRUNCATE orders",
    "WITH d AS (DELETE FROM orders RETURNING *) SELECT count(*) FROM d",
    "WITH u AS (UPDATE customers SET city = NULL RETURNING 1) SELECT 1",
    "SELECT wipe()",
    "SELECT nextval('ticket_seq')",
    "SELECT * INTO copied FROM customers",
    "SELECT 1; DELETE FROM orders",
    "COMMIT; SET default_transaction_read_only = off; COMMIT; DELETE FROM orders",
    "SET TRANSACTION READ WRITE",
    "SELECT set_config('transaction_read_only', 'off', true), wipe()",
    "ALTER ROLE owner SET default_transaction_read_only = off",
    "COPY orders FROM STDIN",
    "SELECT * FROM customers FOR UPDATE",
]


@pytest.mark.parametrize("sql", WRITES)
def test_writes_change_nothing_without_the_guard(pg: PgServer, engine: PostgresEngine, sql: str) -> None:
    before = shop_state(pg)
    with pytest.raises(QueryError):
        engine.execute(sql)
    assert shop_state(pg) == before
    assert engine.execute("SELECT count(*) FROM orders").rows == [[3000]]


def test_session_settings_changed_by_a_query_do_not_outlive_it(pg: PgServer, engine: PostgresEngine) -> None:
    before = shop_state(pg)
    r = engine.execute("SELECT set_config('default_transaction_read_only', 'off', false)")
    assert r.rows == [["off"]]  # allowed inside the transaction, and rolled back with it
    assert engine.execute("SELECT current_setting('default_transaction_read_only')").rows == [["on"]]
    with pytest.raises(QueryError) as info:
        engine.execute("SELECT wipe()")
    assert "read-only" in info.value.message
    assert shop_state(pg) == before


def test_a_slow_query_is_stopped_by_the_server(engine: PostgresEngine) -> None:
    started = time.monotonic()
    with pytest.raises(QueryError) as info:
        engine.execute("SELECT pg_sleep(10)", timeout_s=1)
    assert time.monotonic() - started < 5
    assert "longer than 1 s" in info.value.message
    assert engine.execute("SELECT 1 AS one").rows == [[1]]


def test_an_unreachable_server_is_a_load_error_with_a_hint(pg: PgServer) -> None:
    with pytest.raises(LoadError) as info:
        PostgresEngine(f"postgresql://owner:secret@127.0.0.1:{pg.port}/no_such_db", connect_timeout_s=3)
    assert "no_such_db" in info.value.message and "secret" not in info.value.message
    assert info.value.hint


def test_profile_connection_holds_the_tables_under_the_same_names(shop_url: str) -> None:
    with PostgresEngine(shop_url, sample_rows=500) as engine:
        con = engine.profile_connection()
        assert con is engine.profile_connection()  # built once
        counts = {t.name: con.execute(f'SELECT count(*) FROM "{t.name}"').fetchone() for t in engine.tables()}
        assert counts["customers"] == (3,)
        assert 0 < counts["orders"][0] <= 500  # type: ignore[index]
        kinds = dict(
            con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'orders'"
            ).fetchall()
        )
        assert kinds["amount"] == "DOUBLE" and kinds["placed"] == "TIMESTAMP" and kinds["meta"] == "VARCHAR"
        assert con.execute('SELECT "city" FROM "customers" ORDER BY "id"').fetchall() == [
            ("北京",),
            ("Shanghai",),
            ("北京",),
        ]


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM orders",
        "DROP TABLE customers",
        "CREATE TABLE t (x int)",
        "WITH d AS (DELETE FROM orders RETURNING 1) SELECT count(*) FROM d",
        "INSERT INTO customers VALUES (9, 'Eve', 'x', NULL)",
    ],
)
def test_the_transaction_alone_refuses_writes(pg: PgServer, engine: PostgresEngine, sql: str) -> None:
    """Even a plain statement, without the cursor wrapper that refuses non-SELECTs, cannot write."""
    import psycopg

    before = shop_state(pg)
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction), engine.read_only_transaction(5) as conn:
        conn.execute(sql)
    assert shop_state(pg) == before
