from __future__ import annotations

from collections.abc import Sequence

import pytest

from tablepilot.errors import BackendError
from tablepilot.llm.base import Message
from tablepilot.llm.fake import FakeLLM

Q = [Message("user", "how many rows")]


def test_list_script_in_order_and_records_prompts() -> None:
    llm = FakeLLM(["one", "two"])
    assert llm.complete(Q).text == "one"
    assert llm.complete([Message("user", "again")]).text == "two"
    assert llm.prompts == [Q, [Message("user", "again")]]
    assert llm.calls == 2 and llm.backend == "fake"


def test_exhausted_script_raises_backend_error() -> None:
    llm = FakeLLM(["only"])
    llm.complete(Q)
    with pytest.raises(BackendError, match="exhausted after 1 replies"):
        llm.complete(Q)


def test_callable_script_sees_messages() -> None:
    def echo(messages: Sequence[Message]) -> str:
        return messages[-1].content.upper()

    assert FakeLLM(echo).complete(Q).text == "HOW MANY ROWS"


def test_stop_sequences_cut_at_the_earliest() -> None:
    llm = FakeLLM(["SELECT 1;\n```\nmore</s>tail"])
    out = llm.complete(Q, stop=["</s>", "```"])
    assert out.text == "SELECT 1;\n"
    assert out.completion_tokens == 2 and out.prompt_tokens == 3
