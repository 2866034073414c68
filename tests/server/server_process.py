"""`tablepilot serve` as a real process on 127.0.0.1 (fake backend), for the durability and browser tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Self

import httpx

from tablepilot.server.store import Store
from tablepilot.server_commands import create_token


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_token(data_dir: Path, user: str) -> str:
    store = Store(data_dir / "tablepilot.sqlite3")
    try:
        return create_token(store, user)
    finally:
        store.close()


class ServerProcess:
    def __init__(
        self, data_dir: Path, replies: list[str], *, delay_s: float = 0.0, port: int | None = None
    ) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.replies = replies
        self.delay_s = delay_s
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = data_dir.parent / f"server-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Self:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TABLEPILOT_", "OPENAI_"))}
        env.update(
            TABLEPILOT_HOME=str(self.data_dir.parent / "home"),
            TABLEPILOT_FAKE_REPLIES=json.dumps(self.replies),
            TABLEPILOT_FAKE_DELAY=str(self.delay_s),
        )
        cmd = [sys.executable, "-m", "tablepilot.server_commands", "serve", "--backend", "fake"]
        cmd += ["--port", str(self.port), "--data-dir", str(self.data_dir), "--rate-limit", "0"]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()}")
            try:
                if httpx.get(self.url + "/api/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log.read_text()}")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()  # SIGKILL: no shutdown handlers, no flushing
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
