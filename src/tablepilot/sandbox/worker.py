"""The program that runs *inside* the sandbox: a warm loop that executes code against DataFrames.

It is copied into the sandbox and started as ``python -I -S worker.py SITE_DIR...``, so it imports
only the standard library at module level (pandas is imported in ``main``) and never tablepilot.
The host imports ``HEADER``/``MAX_FRAME``/``encode_frame`` from here so both ends share one framing.

Protocol: each message is a 4-byte big-endian length, then UTF-8 JSON. The worker first says
``{"ready": ...}``; then requests ``{"op": "load", "tables": {name: path}, "limits": {...}}`` and
``{"op": "run", "code": str, "cpu_s": int}`` each get exactly one reply. Nothing is ever pickled.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import datetime as _dt
import decimal
import io
import json
import keyword
import linecache
import math
import os
import resource
import struct
import sys
import traceback
from typing import Any, BinaryIO

HEADER = struct.Struct(">I")
MAX_FRAME = 64 * 1024 * 1024
MAX_CELL_CHARS = 10_000
MAX_COLUMNS = 500
MAX_ERROR_CHARS = 8_000
RESERVED = frozenset({"pd", "np", "tables", "df", "result"})
CODE_NAME = "<code>"


def encode_frame(obj: Any) -> bytes:
    data = json.dumps(obj, ensure_ascii=False, allow_nan=False).encode("utf-8")
    return HEADER.pack(len(data)) + data


def _read_exact(stream: BinaryIO, n: int) -> bytes | None:
    buf = b""
    while len(buf) < n:
        chunk = stream.read(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def read_frame(stream: BinaryIO) -> Any:
    head = _read_exact(stream, HEADER.size)
    if head is None:
        return None
    (n,) = HEADER.unpack(head)
    if n > MAX_FRAME:
        raise ValueError(f"frame of {n} bytes is too large")
    body = _read_exact(stream, n)
    return None if body is None else json.loads(body)


class CappedText(io.TextIOBase):
    """A stdout that keeps the first ``limit`` characters and counts the rest."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        s = str(s)
        room = self.limit - self.size
        if room > 0:
            self.parts.append(s[:room])
            self.size += min(room, len(s))
        self.dropped += max(0, len(s) - max(room, 0))
        return len(s)

    def text(self) -> str:
        out = "".join(self.parts)
        if self.dropped:
            out += f"\n[output truncated: {self.dropped} more characters not shown]"
        return out


def _cap(s: str, limit: int = MAX_CELL_CHARS) -> str:
    return s if len(s) <= limit else s[:limit] + f"…[{len(s) - limit} more characters]"


def cell(v: Any) -> Any:
    """One value as JSON: NaN/NA/NaT as null, dates as ISO text, numpy scalars unwrapped."""
    if v is None or isinstance(v, bool):
        return v
    if isinstance(v, str):
        return _cap(v)
    if isinstance(v, int):
        return v if abs(v) < 2**63 else str(v)
    if isinstance(v, float):
        return None if math.isnan(v) or math.isinf(v) else v
    if type(v).__module__ == "numpy" and hasattr(v, "item") and getattr(v, "ndim", 0) == 0:
        return cell(v.item())
    pd = sys.modules.get("pandas")
    if pd is not None:
        if v is pd.NA or v is pd.NaT:
            return None
        if isinstance(v, pd.Timestamp):
            return v.isoformat()
        if isinstance(v, pd.Timedelta):
            return str(v)
    if isinstance(v, (_dt.date, _dt.datetime, _dt.time)):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return cell(int(v) if v == v.to_integral_value() else float(v))
    if isinstance(v, bytes):
        return _cap(v.hex())
    return _cap(str(v))


def _frame_result(frame: Any, max_rows: int, notes: list[str]) -> dict[str, Any]:
    import pandas as pd

    if any(name is not None for name in frame.index.names):
        frame = frame.reset_index()  # group keys and the like are part of the answer
    elif not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index(drop=True)  # leftover row positions are not
    if frame.shape[1] > MAX_COLUMNS:
        notes.append(f"only the first {MAX_COLUMNS} of {frame.shape[1]} columns are shown")
        frame = frame.iloc[:, :MAX_COLUMNS]
    columns = [" / ".join(map(str, c)) if isinstance(c, tuple) else str(c) for c in frame.columns]
    truncated = len(frame) > max_rows
    if truncated:
        notes.append(f"only the first {max_rows} of {len(frame)} rows are shown")
    rows = [[cell(v) for v in row] for row in frame.head(max_rows).itertuples(index=False, name=None)]
    return {"kind": "table", "columns": columns, "rows": rows, "truncated": truncated}


def _list_result(items: list[Any], max_rows: int, notes: list[str]) -> dict[str, Any]:
    truncated = len(items) > max_rows
    if truncated:
        notes.append(f"only the first {max_rows} of {len(items)} items are shown")
    return {
        "kind": "list",
        "columns": ["result"],
        "rows": [[cell(v)] for v in items[:max_rows]],
        "truncated": truncated,
    }


def to_result(value: Any, max_rows: int, notes: list[str]) -> dict[str, Any]:
    """DataFrame → table, Series → table with its index, list-likes → list, the rest → scalar."""
    if value is None:
        return {"kind": "none", "columns": [], "rows": [], "truncated": False}
    pd = sys.modules.get("pandas")
    np = sys.modules.get("numpy")
    if pd is not None:
        if isinstance(value, pd.DataFrame):
            return _frame_result(value, max_rows, notes)
        if isinstance(value, pd.Series):
            name = "value" if value.name is None else str(value.name)
            frame = value.to_frame(name=name)
            if name in [str(n) for n in frame.index.names]:
                frame.columns = ["value"]
            return _frame_result(frame.reset_index(), max_rows, notes)
        if isinstance(value, pd.Index):
            return _list_result(list(value), max_rows, notes)
    if np is not None and isinstance(value, np.ndarray):
        if value.ndim == 0:
            value = value.item()
        elif value.ndim == 1:
            return _list_result(value.tolist(), max_rows, notes)
        elif pd is not None:
            return _frame_result(pd.DataFrame(value.reshape(value.shape[0], -1)), max_rows, notes)
    if isinstance(value, dict):
        return {
            "kind": "table",
            "columns": ["key", "value"],
            "rows": [[cell(k), cell(v)] for k, v in list(value.items())[:max_rows]],
            "truncated": len(value) > max_rows,
        }
    if isinstance(value, (list, tuple, set, frozenset, range)):
        return _list_result(list(value), max_rows, notes)
    return {"kind": "scalar", "columns": ["result"], "rows": [[cell(value)]], "truncated": False}


def _assigns_result(tree: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Name) and n.id == "result" and isinstance(n.ctx, ast.Store) for n in ast.walk(tree)
    )


def _error_text(exc: BaseException) -> str:
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != CODE_NAME:
        tb = tb.tb_next  # hide the worker's own frames
    text = "".join(traceback.format_exception(type(exc), exc, tb))
    if len(text) > MAX_ERROR_CHARS:  # the end of a traceback is the useful part
        text = "…[traceback shortened]\n" + text[-MAX_ERROR_CHARS:]
    return text


def run_code(code: str, ns: dict[str, Any], *, max_rows: int, max_stdout: int) -> dict[str, Any]:
    out = CappedText(max_stdout)
    notes: list[str] = []
    try:
        tree = ast.parse(code, CODE_NAME, "exec")
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body[-1].value)
            del tree.body[-1]
        linecache.cache[CODE_NAME] = (len(code), None, code.splitlines(True), CODE_NAME)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            exec(compile(tree, CODE_NAME, "exec"), ns)  # noqa: S102 - inside the jail, by design
            value = eval(compile(last, CODE_NAME, "eval"), ns) if last is not None else None
            if value is None and _assigns_result(tree):
                value = ns.get("result")
            reply = to_result(value, max_rows, notes)
        reply["error"] = None
    except BaseException as exc:  # noqa: BLE001 - everything the code raises is its answer
        reply = {"kind": "none", "columns": [], "rows": [], "truncated": False, "error": _error_text(exc)}
    if out.dropped:
        notes.append(f"stdout was cut to {max_stdout} characters")
    reply["stdout"] = out.text()
    reply["notes"] = notes
    return reply


def apply_limits(limits: dict[str, int]) -> None:
    """Hard rlimits (soft == hard, so the code cannot raise them) before any untrusted code runs."""
    mb = 1024 * 1024
    pairs = {
        resource.RLIMIT_AS: limits["memory_mb"] * mb,
        resource.RLIMIT_FSIZE: limits["file_size_mb"] * mb,
        resource.RLIMIT_NOFILE: limits["open_files"],
        resource.RLIMIT_NPROC: limits["processes"],
        resource.RLIMIT_CORE: 0,
        resource.RLIMIT_CPU: limits["cpu_s"],
    }
    for which, value in pairs.items():
        resource.setrlimit(which, (value, value))


def _cpu_window(seconds: int) -> None:
    """Lower the soft CPU limit to this call's share; the hard limit caps the worker's lifetime."""
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(usage.ru_utime + usage.ru_stime) + max(1, seconds)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def plain_name(name: str) -> bool:
    """Whether a table is also a variable of its own name (else only ``tables[name]``)."""
    return name.isidentifier() and not keyword.iskeyword(name) and name not in RESERVED


def load_tables(paths: dict[str, str], ns: dict[str, Any]) -> dict[str, list[int]]:
    import pandas as pd

    tables = {name: pd.read_parquet(path) for name, path in paths.items()}
    ns["tables"] = tables
    for name, frame in tables.items():
        if plain_name(name):
            ns.setdefault(name, frame)
    if len(tables) == 1:
        ns["df"] = next(iter(tables.values()))
    return {name: list(frame.shape) for name, frame in tables.items()}


def main(argv: list[str]) -> int:
    sys.path[:0] = argv
    proto_in = sys.stdin.buffer
    proto_out = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)  # stray writes to fd 1 must not corrupt the protocol
    os.close(null)

    import numpy as np
    import pandas as pd

    ns: dict[str, Any] = {"__name__": "__sandbox__", "__builtins__": builtins, "pd": pd, "np": np}
    options: dict[str, int] = {"max_rows": 1000, "max_stdout": 64_000}
    proto_out.write(encode_frame({"ready": True, "python": sys.version.split()[0], "pandas": pd.__version__}))
    proto_out.flush()
    while True:
        request = read_frame(proto_in)
        if request is None:
            return 0
        op = request.get("op")
        if op == "load":
            limits = request["limits"]
            options = {"max_rows": int(limits["max_rows"]), "max_stdout": int(limits["max_stdout"])}
            apply_limits(limits)
            try:
                reply: dict[str, Any] = {"ok": True, "shapes": load_tables(request["tables"], ns)}
            except BaseException as exc:  # noqa: BLE001 - reported to the host, which raises
                reply = {"ok": False, "error": _error_text(exc)}
        elif op == "run":
            _cpu_window(int(request.get("cpu_s", 30)))
            reply = run_code(
                str(request["code"]), ns, max_rows=options["max_rows"], max_stdout=options["max_stdout"]
            )
        else:
            reply = {"ok": False, "error": f"unknown op {op!r}"}
        try:
            frame = encode_frame(reply)
        except (TypeError, ValueError) as exc:
            frame = encode_frame(
                {
                    **reply,
                    "kind": "none",
                    "columns": [],
                    "rows": [],
                    "error": f"the result could not be sent back: {exc}",
                }
            )
        if len(frame) > MAX_FRAME:
            frame = encode_frame(
                {
                    "kind": "none",
                    "columns": [],
                    "rows": [],
                    "truncated": False,
                    "stdout": "",
                    "notes": [],
                    "error": "the result is too large to send back; return fewer rows",
                }
            )
        proto_out.write(frame)
        proto_out.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
