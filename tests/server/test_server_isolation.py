"""One user can never see, query or download another user's data: every such request is a plain 404."""

from __future__ import annotations

from conftest import Api
from test_server_api import new_session, upload


def test_bob_cannot_touch_alices_session(api: Api) -> None:
    alice, bob = api.token("alice"), api.token("bob")
    sid = new_session(api, alice)
    assert upload(api, alice, sid).status_code == 201
    r = api.client.post(
        f"/api/sessions/{sid}/ask", json={"question": "by region"}, headers=api.headers(alice)
    )
    turn = r.headers["X-Turn-Id"]
    hb = api.headers(bob)
    c = api.client

    attempts = {
        "session": c.get(f"/api/sessions/{sid}", headers=hb),
        "tables": c.get(f"/api/sessions/{sid}/tables", headers=hb),
        "history": c.get(f"/api/sessions/{sid}/history", headers=hb),
        "turn": c.get(f"/api/sessions/{sid}/turns/{turn}", headers=hb),
        "csv": c.get(f"/api/sessions/{sid}/turns/{turn}/result.csv", headers=hb),
        "xlsx": c.get(f"/api/sessions/{sid}/turns/{turn}/result.xlsx", headers=hb),
        "ask": c.post(f"/api/sessions/{sid}/ask", json={"question": "by region"}, headers=hb),
        "stream": c.post(f"/api/sessions/{sid}/ask/stream", json={"question": "by region"}, headers=hb),
        "upload": upload(api, bob, sid),
    }
    for what, r in attempts.items():
        assert r.status_code == 404, (what, r.status_code, r.text)
        assert r.json()["error"]["code"] == "not_found", what
        assert "East" not in r.text, what

    # a wrong id and somebody else's id look exactly the same
    missing = c.get(f"/api/sessions/{'0' * 32}", headers=hb)
    assert missing.json() == attempts["session"].json()
    assert c.get("/api/sessions", headers=hb).json() == []

    # Bob's own session with the same file name gets its own table and file, Alice's history is untouched
    bob_sid = new_session(api, bob)
    upload(api, bob, bob_sid, "sales.csv", b"region,amount\nMars,1\n")
    tables = c.get(f"/api/sessions/{bob_sid}/tables", headers=hb).json()["tables"]
    assert tables[0]["preview"]["rows"] == [["Mars", 1]]
    # Alice's turn id under Bob's session is not Bob's either
    assert c.get(f"/api/sessions/{bob_sid}/turns/{turn}", headers=hb).status_code == 404
    assert len(c.get(f"/api/sessions/{sid}/history", headers=api.headers(alice)).json()["turns"]) == 1
    assert len(list(api.settings.files_dir.rglob("sales.csv"))) == 2
    assert (
        len(
            {
                p.relative_to(api.settings.files_dir).parts[0]
                for p in api.settings.files_dir.rglob("sales.csv")
            }
        )
        == 2
    )
