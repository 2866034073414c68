"""Fixtures for the server tests: an in-process app with a scripted model and two users' tokens."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the server extra is not installed: pip install 'tablepilot[server]'")

from fastapi.testclient import TestClient

from tablepilot.llm.base import LLM, Message
from tablepilot.llm.fake import FakeLLM
from tablepilot.server.app import create_app
from tablepilot.server.config import ServerSettings
from tablepilot.server_commands import create_token

SALES_CSV = "region,product,amount\nEast,laptop,1200\nEast,phone,800\nWest,laptop,700\nWest,phone,300\nNorth,tablet,450\n"
BY_REGION_SQL = "SELECT region, SUM(amount) AS total FROM sales GROUP BY region ORDER BY total DESC"


def fenced(sql: str) -> str:
    return f"```sql\n{sql}\n```"


def sql_for_question(messages: Sequence[Message]) -> str:
    """A scripted model: the SQL depends on the question, so any number of asks work in any order."""
    question = messages[-1].content.lower()
    if "count" in question or "多少" in question:
        return fenced("SELECT COUNT(*) AS n FROM sales")
    if "impossible" in question:
        return fenced("SELECT CANNOT_ANSWER")
    return fenced(BY_REGION_SQL)


@dataclass
class Api:
    client: TestClient
    settings: ServerSettings

    def headers(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def token(self, user: str) -> str:
        return create_token(self.client.app.state.server.store, user)  # type: ignore[attr-defined]


@pytest.fixture()
def make_api(tmp_path: Path) -> Iterator[Callable[..., Api]]:
    clients: list[TestClient] = []

    def make(llm: LLM | None = None, **overrides: object) -> Api:
        settings = ServerSettings(
            data_dir=tmp_path / "server",
            llm=llm or FakeLLM(sql_for_question),
            **overrides,  # type: ignore[arg-type]
        )
        client = TestClient(create_app(settings), raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return Api(client, settings)

    yield make
    for c in clients:
        c.__exit__(None, None, None)


@pytest.fixture()
def api(make_api: Callable[..., Api]) -> Api:
    return make_api()


@pytest.fixture()
def sales_csv(tmp_path: Path) -> Path:
    path = tmp_path / "sales.csv"
    path.write_text(SALES_CSV, encoding="utf-8")
    return path
