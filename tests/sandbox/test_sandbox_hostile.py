"""Hostile code must fail safely inside the sandbox: a clear error, and nothing changed or leaked outside.

Each case is attacker-style code; after every case the host is checked for effects (no planted file,
no secret in the output, no connection to the host's listeners, host files and processes untouched).
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import re
import secrets
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pyarrow as pa
import pytest
from sandbox_support import SECRET_VAR, require_sandbox

from tablepilot.sandbox import BubblewrapSandbox, SandboxResult

require_sandbox()

REPO = Path(__file__).resolve().parents[2]
TOKEN = secrets.token_hex(6)
PWNED = Path(f"/tmp/tablepilot-pwned-{TOKEN}")


@dataclass
class Host:
    """What the test watches on the host side."""

    secret: str
    sandbox: BubblewrapSandbox
    host_file: Path
    canary_bytes: bytes
    parquet: Path
    parquet_hash: str
    listener: socket.socket
    http_port: int
    http_hits: list[str]
    sleeper: subprocess.Popen[bytes]

    def fill(self, code: str) -> str:
        return code.format(
            pwned=PWNED,
            repo=REPO,
            secret_var=SECRET_VAR,
            host_file=self.host_file,
            host_pid=os.getpid(),
            port=self.listener.getsockname()[1],
            http_port=self.http_port,
            sleeper_pid=self.sleeper.pid,
        )

    def assert_nothing_escaped(self, r: SandboxResult) -> None:
        text = r.stdout + (r.error or "") + json.dumps(r.rows, ensure_ascii=False)
        assert self.secret not in text, "the host secret leaked into the result"
        assert not PWNED.exists(), "a file appeared in the host's /tmp"
        assert not (REPO / "pwned").exists()
        assert self.host_file.read_bytes() == self.canary_bytes
        assert hashlib.sha256(self.parquet.read_bytes()).hexdigest() == self.parquet_hash
        self.listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            self.listener.accept()
        assert self.http_hits == [], "the host HTTP server was reached"
        assert self.sleeper.poll() is None, "a host process was killed"


class _Handler(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def host(host_secret: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:
    host_file = tmp_path_factory.mktemp("host") / "secret.txt"
    host_file.write_text(host_secret)
    listener = socket.create_server(("127.0.0.1", 0))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    sleeper = subprocess.Popen(["sleep", "600"])
    sb = BubblewrapSandbox()
    sb.start({"sales": pa.table({"region": ["east", "west"], "amount": [1.0, 2.0]})})
    assert sb._tmp is not None
    parquet = sb._tmp / "data" / "0.parquet"
    try:
        yield Host(
            host_secret,
            sb,
            host_file,
            host_secret.encode(),
            parquet,
            hashlib.sha256(parquet.read_bytes()).hexdigest(),
            listener,
            httpd.server_address[1],
            _Handler.hits,
            sleeper,
        )
    finally:
        sb.close()
        httpd.shutdown()
        listener.close()
        sleeper.kill()
        sleeper.wait()
        PWNED.unlink(missing_ok=True)


# (id, code, regex the error must match or None when the effect is what matters, timeout_s)
CASES: list[tuple[str, str, str | None, float]] = [
    # host files
    ("read_etc_shadow", "open('/etc/shadow').read()", r"FileNotFoundError", 20),
    ("read_etc_passwd", "open('/etc/passwd').read()", r"FileNotFoundError", 20),
    ("read_home_ssh", "import os\nos.listdir(os.path.expanduser('~/.ssh'))", r"FileNotFoundError", 20),
    ("read_root_ssh", "import os\nos.listdir('/root/.ssh')", r"FileNotFoundError", 20),
    ("read_root_dotfile", "open('/root/.bashrc').read()", r"FileNotFoundError", 20),
    ("read_project", "open('{repo}/pyproject.toml').read()", r"FileNotFoundError", 20),
    ("list_work", "import os\nos.listdir('/work')", r"FileNotFoundError", 20),
    ("read_venv", "open('{repo}/.venv/pyvenv.cfg').read()", r"FileNotFoundError", 20),
    ("read_host_tmp_file", "open('{host_file}').read()", r"FileNotFoundError", 20),
    ("raw_disk", "open('/dev/sda', 'rb').read(512)", r"FileNotFoundError", 20),
    ("sysfs", "import os\nos.listdir('/sys/class/net')", r"FileNotFoundError", 20),
    # writing
    ("write_usr", "open('/usr/pwned', 'w').write('x')", r"Read-only file system", 20),
    ("write_data_file", "open('/sandbox/data/0.parquet', 'wb').write(b'x')", r"Read-only file system", 20),
    ("rmtree_data", "import shutil\nshutil.rmtree('/sandbox/data')", r"Read-only file system", 20),
    ("write_site_packages", "open('/opt/tablepilot/site0/evil.pth', 'w')", r"Read-only file system", 20),
    ("write_tmp_stays_inside", "open('{pwned}', 'w').write('x')\nopen('{pwned}').read()", None, 20),
    (
        "huge_file",
        "f = open('/tmp/big', 'wb')\nfor _ in range(10 * 1024):\n    f.write(b'0' * 1024**2)",
        r"File too large",
        20,
    ),
    (
        "fill_tmpfs",
        "for i in range(100):\n    open(f'/tmp/fill{{i}}', 'wb').write(b'0' * 60 * 1024**2)",
        r"No space left on device",
        20,
    ),
    # processes
    (
        "os_system",
        "import os\nrc = os.system('touch {pwned}')\nassert rc == 0, f'os.system gave {{rc}}'",
        r"AssertionError",
        20,
    ),
    ("subprocess_run", "import subprocess\nsubprocess.run(['id'])", r"PermissionError", 20),
    (
        "subprocess_shell",
        "import subprocess\nsubprocess.check_output('touch {pwned}', shell=True)",
        r"PermissionError",
        20,
    ),
    ("os_fork", "import os\nos.fork()", r"PermissionError", 20),
    ("fork_bomb", "import os\nwhile True:\n    os.fork()", r"PermissionError", 20),
    ("multiprocessing", "import multiprocessing as mp\nmp.Process(target=print).start()", r"Error", 20),
    (
        "execv_shell",
        "import os\nos.execv('/bin/sh', ['sh', '-c', 'touch {pwned}'])",
        r"stopped while running",
        20,
    ),
    ("kill_everything", "import os\nos.kill(-1, 9)\n'survived'", None, 20),
    ("kill_host_process", "import os\nos.kill({sleeper_pid}, 9)", r"ProcessLookupError", 20),
    ("setuid_root", "import os\nos.setuid(0)", r"Invalid argument|PermissionError", 20),
    ("chroot", "import os\nos.chroot('/tmp')", r"PermissionError", 20),
    # ctypes
    (
        "ctypes_system",
        (
            "import ctypes\nrc = ctypes.CDLL(None).system(b'touch {pwned}')\n"
            "assert rc == 0, f'system() gave {{rc}}'"
        ),
        r"AssertionError",
        20,
    ),
    ("ctypes_fork", "import ctypes\nassert ctypes.CDLL(None).fork() >= 0, 'fork failed'", r"fork failed", 20),
    (
        "ctypes_unshare_user",
        "import ctypes\nassert ctypes.CDLL(None).unshare(0x10000000) == 0, 'unshare failed'",
        r"unshare failed",
        20,
    ),
    (
        "ctypes_mount",
        (
            "import ctypes\nassert ctypes.CDLL(None).mount(b'x', b'/tmp', b'tmpfs', 0, None) == 0, "
            "'mount failed'"
        ),
        r"mount failed",
        20,
    ),
    # network
    (
        "socket_host_port",
        "import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2)",
        r"ConnectionRefusedError|OSError",
        20,
    ),
    (
        "http_host",
        "import urllib.request\nurllib.request.urlopen('http://127.0.0.1:{http_port}/x', timeout=2)",
        r"URLError",
        20,
    ),
    (
        "socket_internet",
        "import socket\nsocket.create_connection(('1.1.1.1', 80), timeout=2)",
        r"Network is unreachable|OSError",
        20,
    ),
    ("dns", "import socket\nsocket.getaddrinfo('pypi.org', 443)", r"gaierror", 20),
    (
        "unix_socket",
        "import socket\ns = socket.socket(socket.AF_UNIX)\ns.connect('/var/run/docker.sock')",
        r"FileNotFoundError",
        20,
    ),
    # environment and secrets
    ("env_var", "import os\nos.environ['{secret_var}']", r"KeyError", 20),
    (
        "env_proc_self",
        ("[e for e in open('/proc/self/environ').read().split('\\0') if e.startswith('{secret_var}')][0]"),
        r"IndexError",
        20,
    ),
    ("env_proc_1", "open('/proc/1/environ', 'rb').read()", None, 20),
    ("env_host_pid", "open('/proc/{host_pid}/environ').read()", r"FileNotFoundError", 20),
    # the host's tablepilot and its data
    ("import_tablepilot", "import tablepilot", r"ModuleNotFoundError", 20),
    (
        "import_tablepilot_src",
        "import sys\nsys.path.insert(0, '{repo}/src')\nimport tablepilot.catalog",
        r"ModuleNotFoundError",
        20,
    ),
    # symlink and /proc tricks
    ("proc_self_root", "open('/proc/self/root/etc/shadow').read()", r"FileNotFoundError", 20),
    ("proc_1_root", "import os\nos.listdir('/proc/1/root/work')", r"FileNotFoundError|PermissionError", 20),
    ("proc_host_root", "import os\nos.listdir('/proc/{host_pid}/root')", r"FileNotFoundError", 20),
    (
        "symlink_shadow",
        "import os\nos.symlink('/etc/shadow', '/tmp/s')\nopen('/tmp/s').read()",
        r"FileNotFoundError",
        20,
    ),
    (
        "protocol_forgery",
        (
            "import os\nfor fd in range(3, 64):\n    try:\n        os.write(fd, b'\\xff' * 8)\n"
            "    except OSError:\n        pass"
        ),
        r"stopped while running",
        20,
    ),
    # resource exhaustion
    ("memory_bomb", "bytearray(50 * 1024**3)", r"MemoryError", 20),
    (
        "memory_bomb_loop",
        "chunks = []\nwhile True:\n    chunks.append(bytearray(100 * 1024**2))",
        r"MemoryError",
        20,
    ),
    ("numpy_bomb", "np.ones((100_000, 100_000))", r"MemoryError|Unable to allocate", 20),
    ("infinite_loop", "while True:\n    pass", r"TimeoutError: the code ran longer than 2 s", 2),
    ("sleep_forever", "import time\ntime.sleep(3600)", r"TimeoutError", 1),
    ("huge_stdout", "print('x' * 100_000_000)", None, 20),
    ("huge_table", "pd.DataFrame({{'a': range(2_000_000)}})", None, 20),
    ("huge_scalar", "'y' * 50_000_000", None, 20),
]


def test_there_are_at_least_thirty_cases() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize(("code", "error", "timeout_s"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_code_fails_safely(host: Host, code: str, error: str | None, timeout_s: float) -> None:
    t0 = time.monotonic()
    r = host.sandbox.run(host.fill(code), timeout_s=timeout_s)
    elapsed = time.monotonic() - t0
    if error is not None:
        assert r.error is not None, f"expected an error, got {r.kind}: {r.rows[:3]}"
        assert re.search(error, r.error), r.error
    assert elapsed < timeout_s + 1.5
    host.assert_nothing_escaped(r)
    # the session survives (or restarts) and still answers
    assert host.sandbox.run("len(sales)").value == 2


def test_output_is_capped(host: Host) -> None:
    r = host.sandbox.run("print('x' * 100_000_000)")
    assert len(r.stdout) < 70_000 and "output truncated" in r.stdout
    r = host.sandbox.run("pd.DataFrame({'a': range(2_000_000)})")
    assert len(r.rows) == 1000 and r.truncated and any("2000000" in n for n in r.notes)
    r = host.sandbox.run("'y' * 50_000_000")
    assert 10_000 <= len(r.value) < 11_000


def test_tmp_writes_stay_inside_but_persist_in_the_session(host: Host) -> None:
    assert host.sandbox.run(f"open('{PWNED}', 'w').write('inside')").ok
    assert host.sandbox.run(f"open('{PWNED}').read()").value == "inside"
    assert not PWNED.exists()


def test_the_jail_has_no_capabilities_no_host_view_and_no_secrets(host: Host) -> None:
    r = host.sandbox.run(
        "import os, json\n"
        "status = open('/proc/self/status').read()\n"
        "json.dumps({'cap': [l.split()[1] for l in status.splitlines() if l.startswith('CapEff')][0],\n"
        " 'seccomp': [l.split()[1] for l in status.splitlines() if l.startswith('Seccomp:')][0],\n"
        " 'uid': os.getuid(), 'root': sorted(os.listdir('/')), 'home': sorted(os.listdir('/root')),\n"
        " 'pids': sorted(int(p) for p in os.listdir('/proc') if p.isdigit()),\n"
        " 'env': sorted(os.environ)})"
    )
    assert r.error is None, r.error
    got = json.loads(r.value)
    assert got["cap"] == "0000000000000000"
    assert got["seccomp"] == "2"
    assert got["uid"] == 65534
    assert "work" not in got["root"] and "home" not in got["root"]
    assert got["home"] == [".pyenv"] or got["home"] == []
    assert len(got["pids"]) <= 3  # bwrap's init and the worker, nothing of the host
    assert SECRET_VAR not in got["env"]


def test_timeout_kills_every_process_of_the_sandbox(host: Host) -> None:
    assert host.sandbox._tmp is not None
    marker = str(host.sandbox._tmp)
    r = host.sandbox.run("while True:\n    pass", timeout_s=1)
    assert r.error is not None and "TimeoutError" in r.error
    time.sleep(0.2)
    alive = [p for p in os.listdir("/proc") if p.isdigit() and marker in _cmdline(p)]
    assert alive == []


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
    except OSError:
        return ""
