"""Any OpenAI-compatible ``/v1/chat/completions`` server (vLLM, llama.cpp server, Ollama, OpenAI …).

Every failure becomes a ``BackendError`` whose hint names the knob to turn, because "connection
refused" or "HTTP 404" alone does not tell a user whether the URL, the key or the model is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import httpx

from tablepilot.errors import BackendError
from tablepilot.llm.base import LLM, Completion, Message

_URL_HINT = "check --base-url / TABLEPILOT_BASE_URL; it usually ends with /v1"


class OpenAICompatLLM(LLM):
    """Chat completions over HTTP; asks ``GET /models`` for a model name when none is given."""

    backend = "openai"

    def __init__(
        self,
        base_url: str,
        model: str | None = None,
        api_key: str | None = None,
        timeout: float = 120.0,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model or ""
        self.timeout = timeout
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(timeout=timeout, headers=headers, transport=transport)

    def complete(
        self,
        messages: Sequence[Message],
        *,
        temperature: float = 0.0,
        max_tokens: int = 512,
        stop: Sequence[str] | None = None,
        draft: bool = True,
    ) -> Completion:
        data = self._request("POST", "/chat/completions", self._body(messages, temperature, max_tokens, stop))
        return self._replies(data)[0]

    def complete_many(
        self,
        messages: Sequence[Message],
        *,
        n: int,
        temperature: float,
        max_tokens: int = 512,
        stop: Sequence[str] | None = None,
    ) -> list[Completion]:
        """The greedy reply, then one request for ``n - 1`` samples (``n`` and ``seed``, as vLLM and
        OpenAI take them). A server that ignores ``n`` gives fewer; one that fails the sampled
        request gives none, since the greedy reply alone is a full answer."""
        first = self.complete(messages, temperature=0.0, max_tokens=max_tokens, stop=stop)
        if n <= 1:
            return [first]
        body = {**self._body(messages, temperature, max_tokens, stop), "n": n - 1, "seed": 0}
        try:
            return [first, *self._replies(self._request("POST", "/chat/completions", body))][:n]
        except BackendError:
            return [first]

    def _body(
        self, messages: Sequence[Message], temperature: float, max_tokens: int, stop: Sequence[str] | None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self._model_name(),
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "temperature": temperature,
            "max_tokens": max_tokens,
        }
        if stop:
            body["stop"] = list(stop)
        return body

    def _replies(self, data: dict[str, Any]) -> list[Completion]:
        """Each choice's text; the usage (one per response) is counted on the first."""
        choices = data.get("choices")
        if not isinstance(choices, list) or not choices:
            raise BackendError(
                f"{self.base_url} returned no choices",
                hint="the server accepted the request but produced nothing; check its logs and the model name",
                url=self.base_url,
            )
        usage = data.get("usage")
        usage = usage if isinstance(usage, dict) else {}
        out = []
        for i, choice in enumerate(choices):
            choice = choice if isinstance(choice, dict) else {}
            message = choice.get("message") or {}
            text = message.get("content") if isinstance(message, dict) else None
            if text is None:
                text = choice.get("text")  # some servers answer in the legacy completions shape
            out.append(
                Completion(
                    text=text if isinstance(text, str) else "",
                    prompt_tokens=_int(usage.get("prompt_tokens")) if i == 0 else 0,
                    completion_tokens=_int(usage.get("completion_tokens")) if i == 0 else 0,
                )
            )
        return out

    def close(self) -> None:
        self._client.close()

    def _model_name(self) -> str:
        if not self.model:
            data = self._request("GET", "/models", None)
            models = data.get("data")
            ids = [m.get("id") for m in models if isinstance(m, dict)] if isinstance(models, list) else []
            names = [i for i in ids if isinstance(i, str) and i]
            if not names:
                raise BackendError(
                    f"{self.base_url}/models lists no models",
                    hint="pass the model name with --model or TABLEPILOT_MODEL",
                    url=self.base_url,
                )
            self.model = names[0]
        return self.model

    def _request(self, method: str, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        url = self.base_url + path
        try:
            response = self._client.request(method, url, json=body)
        except httpx.TimeoutException as exc:
            raise BackendError(
                f"no reply from {url} within {self.timeout:g}s",
                hint="the server may be overloaded or the model too slow; raise TABLEPILOT_TIMEOUT",
                url=url,
            ) from exc
        except (httpx.ConnectError, httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise BackendError(
                f"cannot reach {url}: is the server running?",
                hint=_URL_HINT,
                url=url,
                reason=str(exc),
            ) from exc
        except httpx.HTTPError as exc:
            raise BackendError(
                f"connection to {url} failed: {exc}",
                hint="retry; if it persists, check the server's logs",
                url=url,
            ) from exc
        if response.status_code >= 400:
            raise _status_error(url, response, self.model)
        try:
            data = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BackendError(
                f"{url} answered with something that is not JSON: {response.text[:120]!r}",
                hint=f"is this an OpenAI-compatible endpoint? {_URL_HINT}",
                url=url,
            ) from exc
        if not isinstance(data, dict):
            raise BackendError(
                f"{url} answered with JSON that is not an object",
                hint=f"is this an OpenAI-compatible endpoint? {_URL_HINT}",
                url=url,
            )
        return data


def _status_error(url: str, response: httpx.Response, model: str) -> BackendError:
    status = response.status_code
    detail = _server_message(response)
    said = f": {detail}" if detail else ""
    if status in (401, 403):
        hint = "set the API key with --api-key, TABLEPILOT_API_KEY or OPENAI_API_KEY"
        return BackendError(
            f"{url} rejected the API key (HTTP {status}){said}", hint=hint, url=url, status=status
        )
    if status == 404:
        hint = f"check the model name ({model or 'not set'}) with --model / TABLEPILOT_MODEL, and {_URL_HINT}"
        return BackendError(f"{url} not found (HTTP 404){said}", hint=hint, url=url, status=status)
    if status >= 500:
        hint = "the server failed; check its logs and retry"
        return BackendError(
            f"{url} had a server error (HTTP {status}){said}", hint=hint, url=url, status=status
        )
    hint = "the server refused the request; the prompt may be too long for its context window"
    return BackendError(f"{url} refused the request (HTTP {status}){said}", hint=hint, url=url, status=status)


def _server_message(response: httpx.Response) -> str:
    """The server's own error text, if it gave one in the usual ``{"error": {"message": …}}`` shape."""
    try:
        data = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return response.text.strip()[:200]
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])[:200]
        if isinstance(error, str):
            return error[:200]
        if isinstance(data.get("detail"), str):
            return str(data["detail"])[:200]
    return ""


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
