"""OpenAICompatLLM against a real scripted HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import time

import pytest
from openai_stub import Reply, ScriptedOpenAIServer, openai_server  # noqa: F401 - fixture

from tablepilot.errors import BackendError
from tablepilot.llm.base import Message
from tablepilot.llm.openai_compat import OpenAICompatLLM

MESSAGES = [Message("system", "You write SQL."), Message("user", "How many rows?")]


def test_success_sends_protocol_and_reads_usage() -> None:
    reply = Reply(content="SELECT count(*) FROM t", usage={"prompt_tokens": 42, "completion_tokens": 5})
    with ScriptedOpenAIServer([reply]) as server:
        llm = OpenAICompatLLM(server.base_url + "/", model="m1", api_key="sk-test")
        out = llm.complete(MESSAGES, temperature=0.0, max_tokens=64, stop=["```"])
        llm.close()
    assert out.text == "SELECT count(*) FROM t"
    assert (out.prompt_tokens, out.completion_tokens) == (42, 5)
    (request,) = server.requests
    assert request.method == "POST" and request.path == "/v1/chat/completions"
    assert request.headers["Authorization"] == "Bearer sk-test"
    assert request.json == {
        "model": "m1",
        "messages": [
            {"role": "system", "content": "You write SQL."},
            {"role": "user", "content": "How many rows?"},
        ],
        "temperature": 0.0,
        "max_tokens": 64,
        "stop": ["```"],
    }
    assert llm.backend == "openai" and llm.model == "m1"


def test_missing_usage_counts_zero_and_no_key_sends_no_auth() -> None:
    with ScriptedOpenAIServer([Reply(content="ok", usage=None)]) as server:
        out = OpenAICompatLLM(server.base_url, model="m").complete(MESSAGES)
    assert (out.text, out.prompt_tokens, out.completion_tokens) == ("ok", 0, 0)
    assert "Authorization" not in server.requests[0].headers
    assert "stop" not in server.requests[0].json


def test_model_discovered_from_models_endpoint_once(openai_server: ScriptedOpenAIServer) -> None:  # noqa: F811
    openai_server.add("a", "b")
    llm = OpenAICompatLLM(openai_server.base_url)
    llm.complete(MESSAGES)
    llm.complete(MESSAGES)
    assert llm.model == "stub-model"
    assert [r.method for r in openai_server.requests] == ["GET", "POST", "POST"]
    assert openai_server.requests[0].path == "/v1/models"
    assert openai_server.chat_requests[1].json["model"] == "stub-model"


def test_no_models_listed() -> None:
    with (
        ScriptedOpenAIServer([], models=[]) as server,
        pytest.raises(BackendError, match="lists no models") as info,
    ):
        OpenAICompatLLM(server.base_url).complete(MESSAGES)
    assert "--model" in (info.value.hint or "")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_connection_refused_names_the_fix() -> None:
    url = f"http://127.0.0.1:{_free_port()}/v1"
    with pytest.raises(BackendError) as info:
        OpenAICompatLLM(url, model="m").complete(MESSAGES)
    assert info.value.message == f"cannot reach {url}/chat/completions: is the server running?"
    assert "--base-url" in (info.value.hint or "") and "TABLEPILOT_BASE_URL" in (info.value.hint or "")
    assert info.value.exit_code == 4


def test_unresolvable_host() -> None:
    with pytest.raises(BackendError, match="cannot reach"):
        OpenAICompatLLM("http://no-such-host.invalid/v1", model="m", timeout=5).complete(MESSAGES)


def test_bad_scheme_is_unreachable_not_a_crash() -> None:
    with pytest.raises(BackendError, match="cannot reach"):
        OpenAICompatLLM("localhost:8000/v1", model="m").complete(MESSAGES)


def test_timeout_when_server_is_slow() -> None:
    with ScriptedOpenAIServer([Reply(content="late", delay=2.0)]) as server:
        start = time.monotonic()
        with pytest.raises(BackendError, match=r"no reply from .* within 0.3s") as info:
            OpenAICompatLLM(server.base_url, model="m", timeout=0.3).complete(MESSAGES)
        assert time.monotonic() - start < 1.5
    assert "TABLEPILOT_TIMEOUT" in (info.value.hint or "")


@pytest.mark.parametrize(
    ("reply", "message", "hint_word"),
    [
        (
            Reply(status=401, body='{"error": {"message": "bad key"}}'),
            r"rejected the API key \(HTTP 401\): bad key",
            "API key",
        ),
        (Reply(status=403, body="{}"), r"rejected the API key \(HTTP 403\)", "TABLEPILOT_API_KEY"),
        (
            Reply(status=404, body='{"error": {"message": "model nope not found"}}'),
            r"HTTP 404.*model nope",
            "--model",
        ),
        (Reply(status=500, body="boom"), r"server error \(HTTP 500\): boom", "logs"),
        (Reply(status=503, body='{"detail": "loading"}'), r"HTTP 503\): loading", "logs"),
        (
            Reply(status=400, body='{"error": "context too long"}'),
            r"refused the request \(HTTP 400\)",
            "context",
        ),
        (Reply(body="<html>not json</html>"), "not JSON", "OpenAI-compatible"),
        (Reply(body="[1, 2]"), "not an object", "OpenAI-compatible"),
        (Reply(body='{"choices": []}'), "no choices", "model name"),
        (Reply(body='{"id": "x"}'), "no choices", "model name"),
    ],
)
def test_error_classes(reply: Reply, message: str, hint_word: str) -> None:
    with ScriptedOpenAIServer([reply]) as server, pytest.raises(BackendError, match=message) as info:
        OpenAICompatLLM(server.base_url, model="m").complete(MESSAGES)
    assert hint_word in (info.value.hint or "")
    assert info.value.to_dict()["code"] == "backend_error"


def test_legacy_text_choice_and_null_content() -> None:
    legacy = Reply(body='{"choices": [{"text": "SELECT 2"}]}')
    null = Reply(body='{"choices": [{"message": {"role": "assistant", "content": null}}]}')
    with ScriptedOpenAIServer([legacy, null]) as server:
        llm = OpenAICompatLLM(server.base_url, model="m")
        assert llm.complete(MESSAGES).text == "SELECT 2"
        assert llm.complete(MESSAGES).text == ""


def test_exhausted_script_surfaces_as_server_error() -> None:
    with ScriptedOpenAIServer(["only one"]) as server:
        llm = OpenAICompatLLM(server.base_url, model="m")
        llm.complete(MESSAGES)
        with pytest.raises(BackendError, match="no replies left"):
            llm.complete(MESSAGES)


def test_candidates_are_the_greedy_reply_then_one_request_for_the_samples() -> None:
    samples = json.dumps(
        {
            "choices": [{"message": {"content": "SELECT 2"}}, {"message": {"content": "SELECT 3"}}],
            "usage": {"prompt_tokens": 40, "completion_tokens": 9},
        }
    )
    with ScriptedOpenAIServer(["SELECT 1", Reply(body=samples)]) as server:
        out = OpenAICompatLLM(server.base_url, model="m").complete_many(MESSAGES, n=3, temperature=0.7)
    assert [c.text for c in out] == ["SELECT 1", "SELECT 2", "SELECT 3"]
    assert [c.completion_tokens for c in out] == [7, 9, 0]  # usage is per response
    greedy, sampled = (r.json for r in server.chat_requests)
    assert greedy["temperature"] == 0.0 and "n" not in greedy
    assert (sampled["temperature"], sampled["n"], sampled["seed"]) == (0.7, 2, 0)


def test_a_failed_sample_request_leaves_the_greedy_reply() -> None:
    with ScriptedOpenAIServer(
        ["SELECT 1", Reply(status=400, body='{"error": "n is not supported"}')]
    ) as server:
        out = OpenAICompatLLM(server.base_url, model="m").complete_many(MESSAGES, n=4, temperature=0.7)
    assert [c.text for c in out] == ["SELECT 1"] and len(server.chat_requests) == 2
    with ScriptedOpenAIServer(["SELECT 1"]) as server:
        one = OpenAICompatLLM(server.base_url, model="m").complete_many(MESSAGES, n=1, temperature=0.7)
    assert [c.text for c in one] == ["SELECT 1"] and len(server.chat_requests) == 1
