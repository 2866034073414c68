"""A real OpenAI-compatible HTTP server on 127.0.0.1 that answers from a script, for tests.

Usage::

    with ScriptedOpenAIServer(["SELECT 1", Reply(status=503)]) as server:
        llm = OpenAICompatLLM(server.base_url, model="stub")
        ...
        assert server.requests[0].json["messages"][0]["role"] == "system"

Each ``POST /v1/chat/completions`` consumes the next reply; a plain string is returned as the
assistant's message. ``GET /v1/models`` lists ``models``. When the script runs out the server answers
HTTP 500 with an error naming that, so an unexpected extra model call fails the test loudly.

Import it from tests in ``tests/llm`` as ``from openai_stub import ...``; from elsewhere under
``tests/`` as ``from llm.openai_stub import ...`` (pytest puts the test file's directory on sys.path).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

import pytest


@dataclass(frozen=True)
class Reply:
    """One scripted answer. ``body`` (raw text) overrides the normal completion JSON."""

    content: str = ""
    status: int = 200
    body: str | None = None
    delay: float = 0.0
    usage: dict[str, int] | None = field(
        default_factory=lambda: {"prompt_tokens": 11, "completion_tokens": 7}
    )


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    json: Any


class ScriptedOpenAIServer:
    """Context manager running the server in a background thread; ``.base_url`` ends with ``/v1``."""

    def __init__(self, replies: Sequence[str | Reply], *, models: Sequence[str] = ("stub-model",)) -> None:
        self._replies = [r if isinstance(r, Reply) else Reply(content=r) for r in replies]
        self._models = list(models)
        self._lock = threading.Lock()
        self.requests: list[RecordedRequest] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "use ScriptedOpenAIServer as a context manager"
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def __enter__(self) -> Self:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="openai-stub", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def add(self, *replies: str | Reply) -> None:
        """Append replies to the script (handy with the ``openai_server`` fixture)."""
        with self._lock:
            self._replies.extend(r if isinstance(r, Reply) else Reply(content=r) for r in replies)

    def _next_reply(self) -> Reply | None:
        with self._lock:
            return self._replies.pop(0) if self._replies else None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                pass

            def _record(self, body: Any) -> None:
                with stub._lock:
                    stub.requests.append(RecordedRequest(self.command, self.path, dict(self.headers), body))

            def _send(self, status: int, text: str) -> None:
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # client gave up (timeout tests)
                    pass

            def do_GET(self) -> None:
                self._record(None)
                if self.path.rstrip("/").endswith("/v1/models"):
                    data = [{"id": m, "object": "model", "owned_by": "stub"} for m in stub._models]
                    self._send(200, json.dumps({"object": "list", "data": data}))
                else:
                    self._send(404, json.dumps({"error": {"message": f"no route {self.path}"}}))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw) if raw else None
                except json.JSONDecodeError:
                    body = raw.decode(errors="replace")
                self._record(body)
                if not self.path.rstrip("/").endswith("/v1/chat/completions"):
                    self._send(404, json.dumps({"error": {"message": f"no route {self.path}"}}))
                    return
                reply = stub._next_reply()
                if reply is None:
                    self._send(500, json.dumps({"error": {"message": "scripted server: no replies left"}}))
                    return
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.body is not None:
                    self._send(reply.status, reply.body)
                    return
                model = body.get("model", "") if isinstance(body, dict) else ""
                payload: dict[str, Any] = {
                    "id": "chatcmpl-stub",
                    "object": "chat.completion",
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": reply.content},
                            "finish_reason": "stop",
                        }
                    ],
                }
                if reply.usage is not None:
                    payload["usage"] = reply.usage
                self._send(reply.status, json.dumps(payload))

        return Handler


@pytest.fixture
def openai_server() -> Iterator[ScriptedOpenAIServer]:
    """A running server with an empty script; fill it with ``openai_server.add("SELECT 1", ...)``."""
    with ScriptedOpenAIServer([]) as server:
        yield server
