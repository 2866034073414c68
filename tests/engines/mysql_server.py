"""A throwaway MariaDB server for tests: mariadb-install-db in a temp dir, 127.0.0.1 only, then deleted.

Under root the server runs as the ``mysql`` system user. Binaries come from PATH or /usr/sbin.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Self


def find_server() -> tuple[str, str] | None:
    """(mariadbd, mariadb-install-db), or None when MariaDB is not installed."""
    server = shutil.which("mariadbd") or shutil.which("mariadbd", path="/usr/sbin:/usr/libexec")
    install = shutil.which("mariadb-install-db") or shutil.which("mysql_install_db")
    return (server, install) if server and install else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class MariaDBServer:
    """``with MariaDBServer() as m: m.url("db")`` — root over TCP without a password."""

    def __init__(self) -> None:
        found = find_server()
        if found is None:
            raise RuntimeError("MariaDB is not installed (apt-get install mariadb-server)")
        self._server, self._install = found
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="tablepilot-mariadb-"))
        self.socket = self.root / "mysqld.sock"
        self._user = ["--user=mysql"] if os.geteuid() == 0 else []
        if os.geteuid() == 0:
            shutil.chown(self.root, "mysql")
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Self:
        data = self.root / "data"
        subprocess.run(
            [self._install, "--no-defaults", f"--datadir={data}", "--auth-root-authentication-method=normal",
             "--skip-test-db", *self._user],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        self._log = open(self.root / "log", "wb")  # noqa: SIM115 - open while the server runs
        self._proc = subprocess.Popen(
            [self._server, "--no-defaults", f"--datadir={data}", f"--port={self.port}", "--bind-address=127.0.0.1",
             f"--socket={self.socket}", f"--pid-file={self.root / 'pid'}", "--skip-log-bin",
             "--innodb-buffer-pool-size=32M", *self._user],
            stdout=subprocess.DEVNULL, stderr=self._log,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if self._proc.poll() is not None:
                    raise RuntimeError((self.root / "log").read_text(errors="replace")[-2000:]) from None
                time.sleep(0.2)
        raise RuntimeError("MariaDB did not start within 60 s")

    def url(self, database: str = "mysql", user: str = "root", password: str | None = None) -> str:
        auth = f"{user}:{password}" if password else user
        return f"mysql://{auth}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(30)
            except subprocess.TimeoutExpired:
                self._proc.kill()
            self._proc = None
            self._log.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
