"""The shop database of the PostgreSQL tests, and a fingerprint of everything a write could change."""

from __future__ import annotations

from typing import Any

from pg_server import PgServer

SHOP = """
CREATE ROLE owner LOGIN;
CREATE SCHEMA crm AUTHORIZATION owner;
ALTER SCHEMA public OWNER TO owner;
SET ROLE owner;
CREATE TABLE customers (
    id integer PRIMARY KEY,
    name varchar(40) NOT NULL,
    city text,
    joined date
);
COMMENT ON TABLE customers IS 'people who bought something';
COMMENT ON COLUMN customers.city IS 'city of the billing address';
CREATE TABLE orders (
    order_id bigint PRIMARY KEY,
    customer_id integer REFERENCES customers(id),
    amount numeric(10, 2),
    channel text,
    returned boolean,
    placed timestamp,
    meta jsonb
);
CREATE TABLE crm.notes (id serial PRIMARY KEY, customer_id integer REFERENCES public.customers(id), body text);
CREATE SEQUENCE ticket_seq;
CREATE VIEW big_orders AS SELECT * FROM orders WHERE amount > 100;
INSERT INTO customers VALUES
    (1, 'Alice', '北京', '2023-01-05'), (2, 'Bob', 'Shanghai', '2023-02-11'), (3, 'Chen', '北京', NULL);
INSERT INTO orders
SELECT g, 1 + g % 3, (g % 250) + 0.5, (ARRAY['web', 'store', '电话'])[1 + g % 3], g % 7 = 0,
       timestamp '2024-01-01' + g * interval '1 hour', jsonb_build_object('n', g)
FROM generate_series(1, 3000) g;
INSERT INTO crm.notes (customer_id, body) VALUES (1, 'vip'), (2, 'late payer');
CREATE FUNCTION wipe() RETURNS integer LANGUAGE sql AS 'DELETE FROM orders RETURNING 1';
RESET ROLE;
ANALYZE;
"""


def shop_state(pg: PgServer) -> dict[str, Any]:
    """Everything a write could change, read over a separate superuser connection."""
    import psycopg

    with psycopg.connect(pg.url("shop"), autocommit=True) as c:
        return {
            "orders": c.execute(
                "SELECT count(*), sum(amount), md5(string_agg(channel, ',' ORDER BY order_id)) FROM orders"
            ).fetchone(),
            "customers": c.execute(
                "SELECT count(*), md5(string_agg(name || coalesce(city, ''), ',' ORDER BY id)) FROM customers"
            ).fetchone(),
            "relations": c.execute(
                "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'crm')"
            ).fetchone(),
            "seq": c.execute("SELECT last_value, is_called FROM ticket_seq").fetchone(),
            "settings": c.execute(
                "SELECT setdatabase, setrole, setconfig FROM pg_db_role_setting ORDER BY 1, 2"
            ).fetchall(),
        }
