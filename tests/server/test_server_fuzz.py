"""Schemathesis fuzzes every operation of the OpenAPI spec, with a valid token, looking for a 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import Api
from test_server_api import new_session, upload

schemathesis = pytest.importorskip("schemathesis", reason="pip install schemathesis (a dev dependency)")
from hypothesis import HealthCheck, given, settings


def test_no_operation_answers_500(make_api: Callable[..., Api]) -> None:
    api = make_api(rate_limit_per_minute=0)
    token = api.token("fuzzer")
    sid = new_session(api, token)
    assert upload(api, token, sid).status_code == 201
    api.client.post(f"/api/sessions/{sid}/ask", json={"question": "by region"}, headers=api.headers(token))

    schema = schemathesis.openapi.from_asgi("/api/openapi.json", api.client.app)
    failures: list[str] = []
    calls = [0]

    for operation in schema.get_all_operations():
        op = operation.ok()

        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=op.as_strategy())
        def run(case: Any) -> None:
            params = getattr(case, "path_parameters", None) or {}
            if "session_id" in params and calls[0] % 2 == 0:
                params["session_id"] = sid  # half the cases use a real session, to get past the 404
            calls[0] += 1
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
                )

        run()
    assert calls[0] > 50
    assert failures == []
