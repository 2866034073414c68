"""A tiny seccomp filter for the worker: no new processes, no kernel attack surface it never needs.

Why: RLIMIT_NPROC does not apply when the host runs as root (the kernel exempts uid 0 even
inside a user namespace), so a fork bomb is stopped here instead. Threads stay allowed (numpy,
pyarrow use them); ``clone`` without ``CLONE_THREAD``, ``fork``, ``vfork`` fail with EPERM and
``clone3`` with ENOSYS (so libc falls back to ``clone``, which is then checked). The filter is
raw classic BPF, handed to ``bwrap --seccomp FD``; bwrap installs it right before it starts Python.
"""

from __future__ import annotations

import errno
import platform
import struct

_LD_ABS_W = 0x20
_JEQ = 0x15
_JGE = 0x35
_JSET = 0x45
_RET = 0x06

_RET_ALLOW = 0x7FFF0000
_RET_KILL_PROCESS = 0x80000000
_RET_ERRNO = 0x00050000
_CLONE_THREAD = 0x00010000
_X32_BIT = 0x40000000

# offsets in struct seccomp_data
_NR, _ARCH, _ARG0_LOW = 0, 4, 16

# arch -> (AUDIT_ARCH value, {syscall: number}); clone3 is 435 everywhere
_ARCHES: dict[str, tuple[int, dict[str, int]]] = {
    "x86_64": (
        0xC000003E,
        {
            "clone": 56,
            "fork": 57,
            "vfork": 58,
            "ptrace": 101,
            "mount": 165,
            "add_key": 248,
            "request_key": 249,
            "keyctl": 250,
            "unshare": 272,
            "perf_event_open": 298,
            "setns": 308,
            "process_vm_readv": 310,
            "process_vm_writev": 311,
            "bpf": 321,
            "userfaultfd": 323,
            "io_uring_setup": 425,
        },
    ),
    "aarch64": (
        0xC00000B7,
        {
            "clone": 220,
            "mount": 40,
            "unshare": 97,
            "ptrace": 117,
            "add_key": 217,
            "request_key": 218,
            "keyctl": 219,
            "perf_event_open": 241,
            "setns": 268,
            "process_vm_readv": 270,
            "process_vm_writev": 271,
            "bpf": 280,
            "userfaultfd": 282,
            "io_uring_setup": 425,
        },
    ),
}
_CLONE3 = 435


def supported() -> bool:
    return platform.machine() in _ARCHES


def worker_filter(machine: str | None = None) -> bytes:
    """The BPF program (``struct sock_filter[]``, native byte order) for this machine."""
    machine = machine or platform.machine()
    if machine not in _ARCHES:
        raise ValueError(f"no seccomp filter for {machine}")
    audit_arch, nrs = _ARCHES[machine]
    denied = sorted(nr for name, nr in nrs.items() if name != "clone")
    prog: list[tuple[int, int | str, int | str, int]] = []
    # (code, jt, jf, k) with jump targets given as labels; resolved below
    prog.append((_LD_ABS_W, 0, 0, _ARCH))
    prog.append((_JEQ, 1, 0, audit_arch))
    prog.append((_RET, 0, 0, _RET_KILL_PROCESS))
    prog.append((_LD_ABS_W, 0, 0, _NR))
    if machine == "x86_64":
        prog.append((_JGE, "eperm", 0, _X32_BIT))
    for nr in denied:
        prog.append((_JEQ, "eperm", 0, nr))
    prog.append((_JEQ, "enosys", 0, _CLONE3))
    prog.append((_JEQ, 0, "allow", nrs["clone"]))
    prog.append((_LD_ABS_W, 0, 0, _ARG0_LOW))
    prog.append((_JSET, "allow", "eperm", _CLONE_THREAD))
    labels = {"allow": len(prog), "enosys": len(prog) + 1, "eperm": len(prog) + 2}
    prog.append((_RET, 0, 0, _RET_ALLOW))
    prog.append((_RET, 0, 0, _RET_ERRNO | errno.ENOSYS))
    prog.append((_RET, 0, 0, _RET_ERRNO | errno.EPERM))

    out = bytearray()
    for pc, (code, jt, jf, k) in enumerate(prog):
        rel = [labels[j] - pc - 1 if isinstance(j, str) else j for j in (jt, jf)]
        out += struct.pack("=HBBI", code, rel[0], rel[1], k)
    return bytes(out)
