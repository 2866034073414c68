"""kill -9 the server while questions are in flight; after a restart every acknowledged answer is there."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
from conftest import BY_REGION_SQL, SALES_CSV, fenced
from server_process import ServerProcess, make_token


def test_sigkill_mid_question_loses_no_acknowledged_turn(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    token = make_token(data_dir, "alice")
    h = {"Authorization": f"Bearer {token}"}
    server = ServerProcess(data_dir, [fenced(BY_REGION_SQL)], delay_s=0.03).start()
    try:
        sids = []
        with httpx.Client(base_url=server.url, headers=h, timeout=30) as c:
            for _ in range(3):
                sid = c.post("/api/sessions", json={}).json()["id"]
                assert (
                    c.post(
                        f"/api/sessions/{sid}/files", files={"file": ("sales.csv", SALES_CSV.encode())}
                    ).status_code
                    == 201
                )
                sids.append(sid)

        acknowledged: dict[str, list[int]] = {s: [] for s in sids}
        stop = threading.Event()
        in_flight = threading.Event()

        def asker(sid: str) -> None:
            with httpx.Client(base_url=server.url, headers=h, timeout=30) as c:
                i = 0
                while not stop.is_set():
                    in_flight.set()
                    try:
                        r = c.post(f"/api/sessions/{sid}/ask", json={"question": f"q{i} by region"})
                    except httpx.HTTPError:
                        return  # the server died under this request: not acknowledged
                    assert r.status_code == 200, r.text
                    acknowledged[sid].append(int(r.headers["X-Turn-Id"]))
                    i += 1

        threads = [threading.Thread(target=asker, args=(s,)) for s in sids]
        for t in threads:
            t.start()
        time.sleep(1.5)
        assert in_flight.is_set()
        server.kill()  # mid-question: three askers always have a request open
        stop.set()
        for t in threads:
            t.join(30)
        total = sum(len(v) for v in acknowledged.values())
        assert total >= 5, "the server answered too few questions before the kill to test anything"
    finally:
        server.kill()

    with (
        ServerProcess(data_dir, [fenced(BY_REGION_SQL)]) as again,
        httpx.Client(base_url=again.url, headers=h, timeout=30) as c,
    ):
        for sid in sids:
            turns = c.get(f"/api/sessions/{sid}/history", params={"limit": 1000}).json()["turns"]
            stored = {t["id"] for t in turns}
            missing = set(acknowledged[sid]) - stored
            assert not missing, f"acknowledged turns lost after kill -9: {sorted(missing)}"
            assert all(t["answer"]["rows"] == [["East", 2000], ["West", 1000], ["North", 450]] for t in turns)
            # the session is still usable: files reload from disk, and asking works again
            r = c.post(f"/api/sessions/{sid}/ask", json={"question": "after restart"})
            assert r.status_code == 200 and r.json()["error"] is None
