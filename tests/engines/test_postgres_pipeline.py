"""The ask pipeline over PostgreSQL: sources by URL, the prompt's dialect and join paths, a real answer."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from tablepilot.errors import GuardError, InputError
from tablepilot.llm.base import Message
from tablepilot.llm.fake import FakeLLM
from tablepilot.session import Session

pytest.importorskip("psycopg")

from tablepilot.engines.postgres_engine import PostgresEngine
from tablepilot.engines.sources import open_engine
from tablepilot.pipeline import system_text


def test_open_engine_recognises_postgres_urls(shop_url: str) -> None:
    for url in (shop_url, shop_url.replace("postgresql://", "postgres://")):
        engine = open_engine([url])
        try:
            assert isinstance(engine, PostgresEngine) and engine.dialect == "postgres"
        finally:
            engine.close()
    with pytest.raises(InputError, match="only source"):
        open_engine([shop_url, "sales.csv"])


def test_a_question_is_answered_in_postgres_with_a_postgres_prompt(shop_url: str) -> None:
    sql = (
        'SELECT "channel", round(100.0 * avg(CASE WHEN "returned" THEN 1 ELSE 0 END), 2) AS rate '
        'FROM "orders" GROUP BY "channel" ORDER BY rate DESC LIMIT 1'
    )
    llm = FakeLLM([f"```sql\n{sql}\n```"])
    with Session([shop_url], llm=llm) as session:
        answer = session.ask("哪个渠道的退货率最高？")
    assert answer.error is None, answer.error
    assert answer.sql == sql and answer.columns == ["channel", "rate"]
    system = system_text(llm.prompts[0])
    assert "one PostgreSQL SQL query" in system and "DuckDB" not in system
    assert 'Table "orders" (3000 rows)' in system
    assert '-- join: "orders"."customer_id" = "customers"."id"' in system
    assert "'电话'" in system  # values from the sample reach the prompt (and the value index)


def test_sampled_profiles_state_the_real_row_count(shop_url: str) -> None:
    def reply(messages: Sequence[Message]) -> str:
        return '```sql\nSELECT count(*) FROM "orders"\n```'

    engine = PostgresEngine(shop_url, sample_rows=100)
    try:
        with Session(engine=engine, llm=FakeLLM(reply)) as session:
            profile = next(p for p in session.context.profiles if p.name == "orders")
            assert profile.row_count == 3000 and profile.sampled
            assert session.ask("how many orders?").rows == [[3000]]
    finally:
        engine.close()


def test_the_guard_parses_postgres_and_refuses_a_write_before_the_engine(shop_url: str) -> None:
    llm = FakeLLM(["```sql\nDELETE FROM orders\n```"] * 3)
    with Session([shop_url], llm=llm) as session:
        answer = session.ask("delete everything")
    assert answer.error is not None and all(a.error for a in answer.attempts)
    from tablepilot.sql.guard import check_readonly

    with pytest.raises(GuardError):
        check_readonly("SELECT 1; DROP TABLE orders", dialect="postgres", tables=["orders"])
