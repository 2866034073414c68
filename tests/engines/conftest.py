"""A real PostgreSQL server per test session (skipped when PostgreSQL or psycopg is not installed)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pg_server import PgServer, find_bin
from pg_shop import SHOP


@pytest.fixture(scope="session")
def pg() -> Iterator[PgServer]:
    if find_bin("initdb") is None or find_bin("pg_ctl") is None:
        pytest.skip("PostgreSQL server binaries are not installed")
    pytest.importorskip("psycopg", reason="pip install 'tablepilot[postgres]'")
    import psycopg

    with PgServer() as server:
        with psycopg.connect(server.url(), autocommit=True) as admin:
            admin.execute("CREATE DATABASE shop")
        with psycopg.connect(server.url("shop"), autocommit=True) as admin:
            admin.execute(SHOP)
        yield server


@pytest.fixture
def shop_url(pg: PgServer) -> str:
    """The shop database as its owner: a role that could write, were it not for the engine."""
    return pg.url("shop", user="owner")
