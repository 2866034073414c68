"""The sandbox as a bubblewrap jail: a warm Python worker with no network, no host files, no secrets.

What the jail sees is decided in ``jail.py``; this module runs one worker per session, speaks the
length-prefixed JSON protocol with it, and treats every byte it sends as untrusted. The worker
sets hard rlimits on itself before any code runs. The host enforces a wall-clock timeout by killing bwrap's process group; ``--die-with-parent``
then takes the whole pid namespace down. Never falls back to running code unsandboxed.

Caveat: ``--die-with-parent`` follows the *thread* that called ``start``; keep a sandbox on a
long-lived thread (or call ``close`` yourself).
"""

from __future__ import annotations

import json
import math
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import weakref
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tablepilot.errors import SandboxError
from tablepilot.sandbox import seccomp, worker
from tablepilot.sandbox.base import ResultKind, Sandbox, SandboxResult
from tablepilot.sandbox.jail import (
    EXTRA_HINT,
    INSIDE_ROOT,
    INSTALL_HINT,
    Limits,
    bwrap_command,
    probe,
    seccomp_fd,
    spawn,
)

if TYPE_CHECKING:
    import pyarrow

_KINDS: frozenset[str] = frozenset({"table", "scalar", "list", "none"})
_RESTARTED = "the sandbox was restarted; variables from earlier calls are gone"
_EXITED = "the worker exited"
_check_cache: dict[str, str | None] = {}


class _WorkerGone(Exception):
    """The worker's pipe closed or it spoke out of protocol."""


class _Timeout(Exception):
    pass


class _StartFailed(Exception):
    """The worker died before it was ready; worth one more try."""


class _StderrTail(threading.Thread):
    """Drains the worker's stderr so it never blocks, keeping only the last few KB."""

    def __init__(self, stream: Any, keep: int = 4096) -> None:
        super().__init__(daemon=True)
        self.stream, self.keep, self.tail = stream, keep, b""

    def run(self) -> None:
        for chunk in iter(lambda: self.stream.read1(65536), b""):
            self.tail = (self.tail + chunk)[-self.keep :]

    def text(self) -> str:
        return self.tail.decode("utf-8", "replace").strip()


def _death_reason(returncode: int | None, limits: Limits) -> str:
    sig = (
        -returncode
        if returncode is not None and returncode < 0
        else (returncode - 128 if returncode is not None and returncode > 128 else 0)
    )
    reasons = {
        signal.SIGXCPU: f"it used up its CPU time limit of {limits.cpu_s} s",
        signal.SIGKILL: "it was killed (out of memory?)",
        signal.SIGSYS: "it made a forbidden system call",
        signal.SIGSEGV: "it crashed (segmentation fault)",
        signal.SIGXFSZ: f"it wrote a file larger than {limits.file_size_mb} MB",
    }
    if sig in reasons:
        return reasons[signal.Signals(sig)]
    return f"it exited with status {returncode}"


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL does not get ignored
        pass
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            try:
                stream.close()
            except OSError:
                pass


class BubblewrapSandbox(Sandbox):
    """A warm, jailed pandas worker for one session."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._tmp: Path | None = None
        self._tables: dict[str, str] = {}
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: _StderrTail | None = None
        self._buf = bytearray()
        self._restart_note = False
        self._finalizer: weakref.finalize[Any, Any] | None = None
        self.startup_seconds = 0.0

    # -- availability ---------------------------------------------------------------------------

    @classmethod
    def check(cls) -> str | None:
        bwrap = shutil.which("bwrap")
        if bwrap is None:
            return f"bwrap not found: {INSTALL_HINT}"
        if not seccomp.supported():
            return f"no sandbox seccomp filter for this CPU architecture ({os.uname().machine})"
        import importlib.util

        for module in ("pandas", "numpy", "pyarrow"):
            if importlib.util.find_spec(module) is None:
                return f"{module} is not installed: {EXTRA_HINT}"
        if bwrap not in _check_cache:
            _check_cache[bwrap] = probe(bwrap)
        return _check_cache[bwrap]

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self, tables: Mapping[str, pyarrow.Table]) -> None:
        problem = self.check()
        if problem is not None:
            raise SandboxError(f"Python analysis is off: {problem}", hint=INSTALL_HINT)
        self.close()
        import pyarrow.parquet as pq

        self._tmp = Path(tempfile.mkdtemp(prefix="tablepilot-sandbox-"))
        self._finalizer = weakref.finalize(self, shutil.rmtree, self._tmp, True)
        (self._tmp / "data").mkdir()
        shutil.copyfile(worker.__file__, self._tmp / "worker.py")
        self._tables = {}
        for i, (name, table) in enumerate(tables.items()):
            pq.write_table(table, self._tmp / "data" / f"{i}.parquet")
            self._tables[str(name)] = f"{INSIDE_ROOT}/data/{i}.parquet"
        self._launch()

    def _launch(self) -> None:
        """Start the worker; one retry when it dies before saying ready (a library being
        reinstalled under a running machine can SIGBUS a starting interpreter)."""
        try:
            self._launch_once()
        except _StartFailed:
            self._launch_once(final=True)

    def _launch_once(self, final: bool = False) -> None:
        assert self._tmp is not None
        t0 = time.monotonic()
        bwrap = shutil.which("bwrap") or "bwrap"
        fd = seccomp_fd()
        cmd = bwrap_command(bwrap, self._tmp, self.limits, fd, [f"{INSIDE_ROOT}/worker.py"])
        try:
            self._proc = spawn(cmd, fd)
        except OSError as exc:
            raise SandboxError(f"could not start bubblewrap: {exc}", hint=INSTALL_HINT) from exc
        self._stderr = _StderrTail(self._proc.stderr)
        self._stderr.start()
        self._buf = bytearray()
        deadline = t0 + self.limits.start_timeout_s
        try:
            ready = self._read(deadline)
        except (_WorkerGone, _Timeout) as exc:
            detail = self._stop()
            if isinstance(exc, _WorkerGone) and not final:
                raise _StartFailed() from None
            raise SandboxError(
                f"the sandbox worker did not start: {exc}; {detail}",
                hint=f"check that the Python extra is installed ({EXTRA_HINT})",
            ) from None
        try:
            if not isinstance(ready, dict) or not ready.get("ready"):
                raise _WorkerGone("no ready message")
            limits = {**asdict(self.limits)}
            self._send({"op": "load", "tables": self._tables, "limits": limits})
            loaded = self._read(deadline)
        except (_WorkerGone, _Timeout) as exc:
            detail = self._stop()
            raise SandboxError(
                f"the sandbox worker did not start: {exc}; {detail}",
                hint=f"check that the Python extra is installed ({EXTRA_HINT})",
            ) from None
        if not isinstance(loaded, dict) or not loaded.get("ok"):
            error = loaded.get("error") if isinstance(loaded, dict) else loaded
            self._stop()
            raise SandboxError(
                f"the sandbox could not load the tables: {error}",
                hint=f"tables may be too large for {self.limits.memory_mb} MB; raise memory_mb",
            )
        self.startup_seconds = time.monotonic() - t0

    def close(self) -> None:
        self._stop()
        if self._finalizer is not None:
            self._finalizer()
            self._finalizer = None
        self._tmp = None

    def _stop(self) -> str:
        """Kill the worker (if any) and say how it ended."""
        if self._proc is None:
            return ""
        proc, self._proc = self._proc, None
        _kill(proc)
        if self._stderr is not None:
            self._stderr.join(timeout=2)
        tail = self._stderr.text() if self._stderr is not None else ""
        return f"exit status {proc.returncode}" + (f": {tail}" if tail else "")

    # -- protocol -------------------------------------------------------------------------------

    def _send(self, obj: Any) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        try:
            self._proc.stdin.write(worker.encode_frame(obj))
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise _WorkerGone(f"cannot write to the worker: {exc}") from None

    def _read(self, deadline: float) -> Any:
        """One reply frame, waiting at most until ``deadline``; the worker's bytes are not trusted."""
        assert self._proc is not None and self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        buf = self._buf
        while True:
            if len(buf) >= worker.HEADER.size:
                (size,) = worker.HEADER.unpack_from(buf)
                if size > worker.MAX_FRAME:
                    raise _WorkerGone("the worker sent an oversized reply")
                end = worker.HEADER.size + size
                if len(buf) >= end:
                    body = bytes(buf[worker.HEADER.size : end])
                    del buf[:end]
                    try:
                        return json.loads(body)
                    except ValueError:
                        raise _WorkerGone("the worker sent a malformed reply") from None
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Timeout()
            ready, _, _ = select.select([fd], [], [], remaining)
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise _WorkerGone(_EXITED)
                buf += chunk

    # -- running code ---------------------------------------------------------------------------

    def run(self, code: str, *, timeout_s: float = 20.0) -> SandboxResult:
        if self._tmp is None:
            raise SandboxError("the sandbox has not been started", hint="call start(tables) first")
        notes: list[str] = []
        if self._proc is None or self._proc.poll() is not None:
            self._stop()
            self._launch()
            notes.append(_RESTARTED)
        t0 = time.monotonic()
        try:
            self._send({"op": "run", "code": code, "cpu_s": math.ceil(timeout_s) + 1})
            reply = self._read(t0 + timeout_s)
        except _Timeout:
            self._stop()
            return SandboxResult(
                error=(
                    f"TimeoutError: the code ran longer than {timeout_s:g} s and was "
                    f"stopped; {_RESTARTED} on the next call"
                ),
                seconds=time.monotonic() - t0,
                notes=notes,
            )
        except _WorkerGone as exc:
            assert self._proc is not None
            proc = self._proc
            if str(exc) == _EXITED:  # give the exit status a moment to arrive
                try:
                    proc.wait(timeout=2)
                except subprocess.TimeoutExpired:
                    pass
            reason = _death_reason(proc.returncode, self.limits)
            self._stop()
            return SandboxResult(
                error=(
                    f"SandboxError: the sandbox worker stopped while running the code: "
                    f"{reason} ({exc}); {_RESTARTED} on the next call"
                ),
                seconds=time.monotonic() - t0,
                notes=notes,
            )
        seconds = time.monotonic() - t0
        try:
            return _result(reply, seconds, notes)
        except (TypeError, ValueError, KeyError) as exc:
            self._stop()
            return SandboxResult(
                error=f"SandboxError: the worker sent an invalid reply ({exc}); {_RESTARTED}",
                seconds=seconds,
                notes=notes,
            )


def _result(reply: Any, seconds: float, notes: list[str]) -> SandboxResult:
    """Check the worker's reply field by field; it comes from untrusted code's process."""
    if not isinstance(reply, dict):
        raise TypeError("reply is not an object")
    kind = reply["kind"]
    columns, rows = reply["columns"], reply["rows"]
    if kind not in _KINDS:
        raise ValueError(f"unknown result kind {kind!r}")
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise TypeError("columns must be strings")
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise TypeError("rows must be lists")
    error, stdout = reply.get("error"), reply.get("stdout", "")
    if not isinstance(stdout, str) or not (error is None or isinstance(error, str)):
        raise TypeError("stdout/error must be text")
    extra = reply.get("notes", [])
    if not isinstance(extra, list):
        raise TypeError("notes must be a list")
    checked_kind: ResultKind = kind
    return SandboxResult(
        kind=checked_kind,
        columns=columns,
        rows=rows,
        stdout=stdout,
        error=error,
        seconds=seconds,
        truncated=bool(reply.get("truncated", False)),
        notes=notes + [str(n) for n in extra],
    )
