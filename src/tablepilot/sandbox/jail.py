"""The bubblewrap command line: exactly what the jailed worker can see, and a probe that it works.

Visible inside: /usr and the library links, the ld.so config, the Python installation (at its own
path, read-only; never /root or the home around it), the interpreter's site-packages at
/opt/tablepilot/site<N> (read-only, an installed tablepilot hidden), the session directory at
/sandbox (read-only), a size-capped private /tmp, a fresh /proc and a minimal /dev. Fresh
user/pid/net/ipc/uts/cgroup namespaces, uid 65534, no capabilities, no nested user namespaces,
an empty environment, and the seccomp filter from ``seccomp.py``.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tablepilot.sandbox import seccomp

INSTALL_HINT = "install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap)"
EXTRA_HINT = "pip install 'tablepilot[python]'"
INSIDE_ROOT = "/sandbox"
INSIDE_SITE = "/opt/tablepilot/site"
SANDBOX_UID = "65534"


@dataclass(frozen=True)
class Limits:
    """Resource limits of one worker. ``cpu_s`` is its whole lifetime; each call gets its timeout."""

    memory_mb: int = 2048
    cpu_s: int = 600
    open_files: int = 256
    processes: int = 256
    file_size_mb: int = 64
    tmpfs_mb: int = 128
    max_rows: int = 1000
    max_stdout: int = 64_000
    start_timeout_s: float = 60.0


def _site_dirs() -> list[Path]:
    """Where this interpreter's packages live (the worker gets the same pandas as the host)."""
    found: list[Path] = []
    candidates = [*site.getsitepackages(), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    for raw in candidates:
        path = Path(raw).resolve()
        if path.is_dir() and path not in found:
            found.append(path)
    return found


def _python() -> Path:
    return Path(getattr(sys, "_base_executable", None) or sys.executable).resolve()


def _system_binds() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d"):
        path = Path("/etc") / name
        if path.exists():
            args += ["--ro-bind", str(path), str(path)]
    return args


def _python_binds() -> tuple[list[str], list[str]]:
    """Binds for the interpreter and its packages, and the sys.path entries the worker gets."""
    args: list[str] = []
    prefix = Path(sys.base_prefix).resolve()
    exe = _python()
    for path in (prefix, exe.parent.parent):
        if not path.is_relative_to("/usr") and str(path) not in args:
            args += ["--ro-bind", str(path), str(path)]
    inside: list[str] = []
    for i, path in enumerate(_site_dirs()):
        target = f"{INSIDE_SITE}{i}"
        args += ["--ro-bind", str(path), target]
        if (path / "tablepilot").is_dir():  # a non-editable install: hide it, the code gets no tablepilot
            args += ["--tmpfs", f"{target}/tablepilot"]
        inside.append(target)
    return args, inside


def bwrap_command(bwrap: str, root: Path, limits: Limits, seccomp_fd: int, argv: list[str]) -> list[str]:
    """The full bwrap command line; ``root`` (Parquet files, worker.py) appears read-only."""
    py_args, site_paths = _python_binds()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    cmd = [
        bwrap,
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        "--uid",
        SANDBOX_UID,
        "--gid",
        SANDBOX_UID,
        "--cap-drop",
        "ALL",
        "--die-with-parent",
        "--new-session",
        "--hostname",
        "sandbox",
        "--clearenv",
    ]
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    cmd += _system_binds() + py_args
    cmd += [
        "--ro-bind",
        str(root),
        INSIDE_ROOT,
        "--size",
        str(limits.tmpfs_mb * 1024 * 1024),
        "--tmpfs",
        "/tmp",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--chdir",
        "/tmp",
        "--seccomp",
        str(seccomp_fd),
        str(_python()),
        "-I",
        "-S",
        *argv,
    ]
    return cmd + (site_paths if argv and argv[0].endswith("worker.py") else [])


def seccomp_fd() -> int:
    fd = os.memfd_create("tablepilot-seccomp")
    os.write(fd, seccomp.worker_filter())
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def spawn(cmd: list[str], fd: int) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=(fd,),
            start_new_session=True,
            env={"PATH": "/usr/bin:/bin"},
        )
    finally:
        os.close(fd)


def probe(bwrap: str) -> str | None:
    """Start a throw-away jail with the real mounts; return why it failed, or None."""
    with tempfile.TemporaryDirectory(prefix="tablepilot-probe-") as tmp:
        fd = seccomp_fd()
        cmd = bwrap_command(bwrap, Path(tmp), Limits(), fd, ["-c", "import sys; sys.exit(0)"])
        try:
            proc = subprocess.run(
                cmd,
                capture_output=True,
                pass_fds=(fd,),
                timeout=30,
                check=False,
                env={"PATH": "/usr/bin:/bin"},
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"bubblewrap could not start: {exc}"
        finally:
            os.close(fd)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()[-500:]
        return (
            f"bubblewrap cannot create a sandbox on this machine ({err or proc.returncode}); "
            "user namespaces may be disabled (sysctl kernel.unprivileged_userns_clone=1, or the "
            "AppArmor restriction kernel.apparmor_restrict_unprivileged_userns=0)"
        )
    return None
