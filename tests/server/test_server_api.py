"""The HTTP API in-process (FastAPI TestClient) with a scripted model and real files, DuckDB and SQLite."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from conftest import BY_REGION_SQL, SALES_CSV, Api, fenced, sql_for_question
from openpyxl import load_workbook

from tablepilot.llm.base import Message
from tablepilot.llm.fake import FakeLLM
from tablepilot.server.model_queue import FifoLock


def new_session(api: Api, token: str) -> str:
    r = api.client.post("/api/sessions", json={"title": "q3"}, headers=api.headers(token))
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def upload(api: Api, token: str, sid: str, name: str = "sales.csv", data: bytes = SALES_CSV.encode()) -> Any:
    return api.client.post(
        f"/api/sessions/{sid}/files", files={"file": (name, data)}, headers=api.headers(token)
    )


def sse_events(text: str) -> list[tuple[str, str | None, object]]:
    events = []
    for block in text.split("\n\n"):
        fields = dict(
            line.split(": ", 1) for line in block.splitlines() if not line.startswith(":") and ": " in line
        )
        if "event" in fields:
            events.append((fields["event"], fields.get("id"), json.loads(fields["data"])))
    return events


def test_upload_ask_history_and_downloads(api: Api) -> None:
    token = api.token("alice")
    h = api.headers(token)
    sid = new_session(api, token)

    r = upload(api, token, sid)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["upload"]["filename"] == "sales.csv"
    (table,) = body["tables"]
    assert table["name"] == "sales" and table["row_count"] == 5
    assert [c["name"] for c in table["columns"]] == ["region", "product", "amount"]
    assert table["preview"]["rows"][0] == ["East", "laptop", 1200]
    saved = list((api.settings.files_dir).rglob("sales.csv"))
    assert len(saved) == 1 and saved[0].read_text() == SALES_CSV

    tables = api.client.get(f"/api/sessions/{sid}/tables?preview_rows=2", headers=h).json()["tables"]
    assert tables[0]["preview"]["rows"] == [["East", "laptop", 1200], ["East", "phone", 800]]

    r = api.client.post(f"/api/sessions/{sid}/ask", json={"question": "total amount by region"}, headers=h)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["sql"] == BY_REGION_SQL
    assert answer["rows"] == [["East", 2000], ["West", 1000], ["North", 450]]
    assert answer["chart"]["mark"] and answer["chart"]["data"]["values"]
    assert answer["error"] is None
    assert set(answer) == {
        "question",
        "answer",
        "text",
        "sql",
        "code",
        "method",
        "columns",
        "rows",
        "truncated",
        "chart",
        "seconds",
        "prompt_tokens",
        "completion_tokens",
        "backend",
        "model",
        "attempts",
        "notes",
        "error",
        "table",
        "metrics",
        "explanation",
    }
    turn_id = int(r.headers["X-Turn-Id"])

    turns = api.client.get(f"/api/sessions/{sid}/history", headers=h).json()["turns"]
    assert [t["id"] for t in turns] == [turn_id]
    assert turns[0]["answer"] == answer and turns[0]["sql"] == BY_REGION_SQL and turns[0]["ok"] is True
    assert {"understanding", "writing SQL", "running", "total"} <= set(turns[0]["timings"])

    r = api.client.get(f"/api/sessions/{sid}/turns/{turn_id}/result.csv", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows == [["region", "total"], ["East", "2000"], ["West", "1000"], ["North", "450"]]

    r = api.client.get(f"/api/sessions/{sid}/turns/{turn_id}/result.xlsx", headers=h)
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    assert [list(row) for row in ws.iter_rows(values_only=True)] == [
        ["region", "total"],
        ["East", 2000],
        ["West", 1000],
        ["North", 450],
    ]


def test_stream_reports_stages_then_the_stored_answer(api: Api) -> None:
    token = api.token("alice")
    sid = new_session(api, token)
    upload(api, token, sid)
    r = api.client.post(
        f"/api/sessions/{sid}/ask/stream",
        json={"question": "how many count rows"},
        headers=api.headers(token),
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    events = sse_events(r.text)
    stages = [d["stage"] for e, _, d in events if e == "stage"]  # type: ignore[index]
    assert stages == ["understanding", "writing SQL", "running", "answer"]
    name, turn_id, answer = events[-1]
    assert name == "answer" and answer["rows"] == [[5]]  # type: ignore[index]
    stored = api.client.get(f"/api/sessions/{sid}/turns/{turn_id}", headers=api.headers(token)).json()
    assert stored["answer"] == answer


def test_follow_up_sees_earlier_turn_even_after_restart(make_api: Callable[..., Api]) -> None:
    seen: list[list[Message]] = []

    def model(messages: Sequence[Message]) -> str:
        seen.append(list(messages))
        return fenced(BY_REGION_SQL)

    api = make_api(FakeLLM(model))
    token = api.token("alice")
    sid = new_session(api, token)
    upload(api, token, sid)
    api.client.post(
        f"/api/sessions/{sid}/ask", json={"question": "first question"}, headers=api.headers(token)
    )
    api.client.__exit__(None, None, None)

    again = make_api(FakeLLM(model))  # same data dir: a restarted server
    r = again.client.post(
        f"/api/sessions/{sid}/ask", json={"question": "and then?"}, headers=again.headers(token)
    )
    assert r.status_code == 200, r.text
    assert any(m.content == "Question: first question" for m in seen[-1])


def test_model_calls_never_overlap(make_api: Callable[..., Api]) -> None:
    active, overlaps = [0], [0]
    guard = threading.Lock()

    def slow(messages: Sequence[Message]) -> str:
        with guard:
            active[0] += 1
            overlaps[0] += active[0] > 1
        time.sleep(0.02)
        with guard:
            active[0] -= 1
        return sql_for_question(messages)

    api = make_api(FakeLLM(slow))
    tokens = [api.token(f"user{i}") for i in range(4)]
    sids = [new_session(api, t) for t in tokens]
    for t, s in zip(tokens, sids):
        upload(api, t, s)
    errors: list[str] = []

    def worker(t: str, s: str) -> None:
        for _ in range(3):
            r = api.client.post(
                f"/api/sessions/{s}/ask", json={"question": "by region"}, headers=api.headers(t)
            )
            if r.status_code != 200:
                errors.append(r.text)

    threads = [threading.Thread(target=worker, args=ts) for ts in zip(tokens, sids)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == [] and overlaps[0] == 0


def test_fifo_lock_serves_waiters_in_order() -> None:
    lock, order = FifoLock(), list[int]()
    lock.acquire()
    threads = []

    def take(i: int) -> None:
        with lock:
            order.append(i)

    for i in range(5):
        th = threading.Thread(target=take, args=(i,))
        th.start()
        threads.append(th)
        while lock.waiting < i + 1:
            time.sleep(0.001)
    lock.release()
    for th in threads:
        th.join()
    assert order == [0, 1, 2, 3, 4]


def test_auth_is_required_and_checked(api: Api) -> None:
    c = api.client
    r = c.get("/api/sessions")
    assert r.status_code == 401 and r.json()["error"]["code"] == "auth_error" and r.json()["error"]["hint"]
    assert c.get("/api/sessions", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    token = api.token("alice")
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert c.get("/api/sessions", headers=api.headers(forged)).status_code == 401
    assert c.get("/api/me", headers=api.headers(token)).json()["user"] == "alice"
    store = c.app.state.server.store  # type: ignore[attr-defined]
    assert store.revoke_token(token.split("_")[1])
    assert c.get("/api/me", headers=api.headers(token)).status_code == 401
    assert c.get("/api/health").json()["status"] == "ok"


def test_tokens_are_stored_only_as_salted_digests(api: Api) -> None:
    token = api.token("alice")
    raw = api.settings.db_path.read_bytes() + b"".join(
        p.read_bytes() for p in api.settings.data_dir.glob("*.sqlite3-wal")
    )
    assert token.encode() not in raw and token.split("_", 2)[2].encode() not in raw


def test_rate_limit_per_token(make_api: Callable[..., Api]) -> None:
    api = make_api(rate_limit_per_minute=60, rate_limit_burst=3)
    a, b = api.token("alice"), api.token("bob")
    codes = [api.client.get("/api/me", headers=api.headers(a)).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    r = api.client.get("/api/me", headers=api.headers(a))
    assert r.json()["error"]["code"] == "rate_limited" and int(r.headers["Retry-After"]) >= 1
    assert api.client.get("/api/me", headers=api.headers(b)).status_code == 200  # another token is unaffected


def test_upload_limits_and_type_sniffing(make_api: Callable[..., Api]) -> None:
    api = make_api(max_upload_bytes=1000)
    token = api.token("alice")
    sid = new_session(api, token)
    r = upload(api, token, sid, "big.csv", b"a,b\n" + b"1,2\n" * 400)
    assert r.status_code == 413 and r.json()["error"]["code"] == "upload_too_large"
    r = upload(api, token, sid, "notes.exe", b"MZ\x90\x00")
    assert r.status_code == 415 and r.json()["error"]["code"] == "unsupported_file"
    r = upload(api, token, sid, "sheet.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 3)
    assert r.status_code == 400 and r.json()["error"]["code"] == "load_error"
    assert str(api.settings.data_dir) not in r.text  # no server path leaks
    r = upload(api, token, sid, "fake.csv", b"PK\x03\x04" + bytes(range(256)))
    assert r.status_code == 400 and str(api.settings.data_dir) not in r.text
    r = upload(api, token, sid, "empty.csv", b"")
    assert r.status_code == 400
    r = upload(api, token, sid, "../../evil.csv", SALES_CSV.encode())
    assert r.status_code == 201 and r.json()["upload"]["filename"] == "evil.csv"
    assert all(api.settings.files_dir in p.parents for p in api.settings.data_dir.rglob("evil.csv"))
    for rejected in ("big.csv", "sheet.xlsx", "fake.csv", "notes.exe"):
        assert not list(api.settings.files_dir.rglob(rejected)), rejected


def test_failed_load_keeps_earlier_tables(api: Api) -> None:
    token = api.token("alice")
    sid = new_session(api, token)
    assert upload(api, token, sid).status_code == 201
    assert upload(api, token, sid, "bad.parquet", b"PAR1 broken").status_code == 400
    names = [
        t["name"]
        for t in api.client.get(f"/api/sessions/{sid}/tables", headers=api.headers(token)).json()["tables"]
    ]
    assert names == ["sales"]


def test_asking_without_tables_and_unanswerable_questions(api: Api) -> None:
    token = api.token("alice")
    sid = new_session(api, token)
    r = api.client.post(f"/api/sessions/{sid}/ask", json={"question": "anything"}, headers=api.headers(token))
    assert r.status_code == 400 and "upload" in r.json()["error"]["hint"]
    upload(api, token, sid)
    r = api.client.post(
        f"/api/sessions/{sid}/ask", json={"question": "impossible"}, headers=api.headers(token)
    )
    assert r.status_code == 200 and r.json()["error"]["code"] == "unanswerable"
    turn = int(r.headers["X-Turn-Id"])
    assert (
        api.client.get(f"/api/sessions/{sid}/turns/{turn}/result.csv", headers=api.headers(token)).status_code
        == 400
    )
    r = api.client.post(f"/api/sessions/{sid}/ask", json={"question": ""}, headers=api.headers(token))
    assert r.status_code == 422 and r.json()["error"]["code"] == "input_error"


def test_truncated_answer_downloads_every_row(make_api: Callable[..., Api]) -> None:
    from tablepilot.pipeline import AskOptions

    api = make_api(
        FakeLLM(lambda _m: fenced("SELECT region, product FROM sales ORDER BY amount")),
        ask_options=AskOptions(max_rows=2),
    )
    token = api.token("alice")
    sid = new_session(api, token)
    upload(api, token, sid)
    r = api.client.post(f"/api/sessions/{sid}/ask", json={"question": "list"}, headers=api.headers(token))
    assert r.json()["truncated"] is True and len(r.json()["rows"]) == 2
    csv_text = api.client.get(
        f"/api/sessions/{sid}/turns/{r.headers['X-Turn-Id']}/result.csv", headers=api.headers(token)
    ).text
    assert len(csv_text.strip().splitlines()) == 6


def test_spreadsheet_formulas_are_never_exported_live(make_api: Callable[..., Api]) -> None:
    api = make_api(FakeLLM(lambda _m: fenced("SELECT * FROM evil")))
    token = api.token("alice")
    sid = new_session(api, token)
    upload(api, token, sid, "evil.csv", b'name,n\n=HYPERLINK("http://x"),1\n-5,2\n')
    r = api.client.post(f"/api/sessions/{sid}/ask", json={"question": "all"}, headers=api.headers(token))
    turn = r.headers["X-Turn-Id"]
    xlsx = api.client.get(f"/api/sessions/{sid}/turns/{turn}/result.xlsx", headers=api.headers(token)).content
    ws = load_workbook(io.BytesIO(xlsx)).active
    assert ws["A2"].value == '=HYPERLINK("http://x")' and ws["A2"].data_type == "s"  # text, never a formula
    csv_text = api.client.get(f"/api/sessions/{sid}/turns/{turn}/result.csv", headers=api.headers(token)).text
    assert '\'=HYPERLINK(""http://x"")' in csv_text


def test_page_and_openapi_are_served(api: Api) -> None:
    r = api.client.get("/")
    assert r.status_code == 200 and "vega-embed.min.js" in r.text
    for asset in (
        "app.js",
        "app.css",
        "i18n.js",
        "vendor/vega.min.js",
        "vendor/vega-lite.min.js",
        "vendor/vega-embed.min.js",
    ):
        assert api.client.get(f"/static/{asset}").status_code == 200, asset
    spec = api.client.get("/api/openapi.json").json()
    assert "/api/sessions/{session_id}/ask/stream" in spec["paths"]
    assert "HTTPBearer" in spec["components"]["securitySchemes"]


def test_unknown_routes_answer_in_the_error_shape(api: Api) -> None:
    r = api.client.get("/api/nothing-here")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_uploaded_files_live_under_the_users_folder(api: Api, tmp_path: Path) -> None:
    token = api.token("alice")
    sid = new_session(api, token)
    upload(api, token, sid)
    (path,) = api.settings.files_dir.rglob("sales.csv")
    assert path.relative_to(api.settings.files_dir).parts[0].startswith("alice-")
    assert path.parent.parent.name == sid
