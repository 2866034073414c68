"""Load benchmark: N concurrent sessions asking continuously against `tablepilot serve` (fake backend).

Starts its own server on 127.0.0.1 with a fresh data dir, creates one user + token + session per
client, uploads a CSV, then every client asks, waits for the answer, and asks again until the time is
up. Bounded: it stops by itself after ``--seconds`` (plus at most one request timeout) and kills the
server. Prints p50/p95/p99 latency, throughput and the error count; exits 1 if any request failed.

    .venv/bin/python benchmarks/load_server.py --sessions 50 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tablepilot.server.store import Store
from tablepilot.server_commands import create_token

CSV = "region,product,amount\n" + "".join(
    f"{r},{p},{(i * 37) % 1000}\n"
    for i, (r, p) in enumerate(
        (r, p) for r in ("East", "West", "North", "South") for p in ("a", "b", "c") * 20
    )
)
SQL = "```sql\nSELECT region, SUM(amount) AS total FROM sales GROUP BY region ORDER BY total DESC\n```"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def client(url: str, token: str, deadline: float, latencies: list[float], errors: list[str]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as c:
        try:
            sid = (await c.post("/api/sessions", json={"title": "load"})).json()["id"]
            r = await c.post(f"/api/sessions/{sid}/files", files={"file": ("sales.csv", CSV.encode())})
            r.raise_for_status()
        except (httpx.HTTPError, KeyError) as exc:
            errors.append(f"setup: {exc!r}")
            return
        i = 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                r = await c.post(f"/api/sessions/{sid}/ask", json={"question": f"total by region #{i}"})
                if r.status_code != 200 or r.json().get("error") is not None:
                    errors.append(f"{r.status_code}: {r.text[:200]}")
                else:
                    latencies.append(time.perf_counter() - started)
            except httpx.HTTPError as exc:
                errors.append(repr(exc))
            i += 1


def percentile(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]
        if len(values) > 1
        else (values or [0])[0]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--fake-delay", type=float, default=0.0, help="seconds the fake model takes per call")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tablepilot-load-") as tmp:
        data_dir = Path(tmp) / "data"
        store = Store(data_dir / "tablepilot.sqlite3")
        tokens = [create_token(store, f"user{i}") for i in range(args.sessions)]
        store.close()
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TABLEPILOT_", "OPENAI_"))}
        env.update(
            TABLEPILOT_HOME=str(Path(tmp) / "home"),
            TABLEPILOT_FAKE_REPLIES=json.dumps([SQL]),
            TABLEPILOT_FAKE_DELAY=str(args.fake_delay),
        )
        cmd = [
            sys.executable,
            "-m",
            "tablepilot.server_commands",
            "serve",
            "--backend",
            "fake",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
        ]
        server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(url + "/api/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            else:
                print("server did not start", file=sys.stderr)
                return 2
            latencies: list[float] = []
            errors: list[str] = []
            started = time.monotonic()
            deadline = started + args.seconds

            async def run_all() -> None:
                await asyncio.gather(*(client(url, t, deadline, latencies, errors) for t in tokens))

            asyncio.run(run_all())
            elapsed = time.monotonic() - started
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(10)
            store = Store(data_dir / "tablepilot.sqlite3")
            stored = store._read("SELECT COUNT(*) FROM turns")[0][0]
            store.close()

    print(
        f"sessions={args.sessions} seconds={elapsed:.1f} answered={len(latencies)} errors={len(errors)} "
        f"stored_turns={stored}"
    )
    if latencies:
        print(
            f"throughput={len(latencies) / elapsed:.1f} asks/s  p50={percentile(latencies, 50) * 1000:.0f} ms  "
            f"p95={percentile(latencies, 95) * 1000:.0f} ms  p99={percentile(latencies, 99) * 1000:.0f} ms  "
            f"max={max(latencies) * 1000:.0f} ms"
        )
    for e in errors[:5]:
        print("error:", e)
    return 1 if errors or not latencies else 0


if __name__ == "__main__":
    sys.exit(main())
