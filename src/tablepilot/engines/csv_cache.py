"""Big CSVs parsed once, in the background, into Parquet kept in the cache directory.

Parsing a 10M-row CSV takes 5–10 s on 2 cores, every time it is opened, and a query over the raw
CSV parses it all again. So a big CSV (or CSV glob) is converted to one Parquet file under
``cache_dir()/csv-parquet/``, named by a hash of every file's absolute path, size and modification
time: an edited or replaced file gets a new entry, an unchanged one is reused on the next open.

The conversion runs in a thread on its own DuckDB connection, so opening returns at once (the
profile comes from rows at the heads of the files) and the model writes its SQL while the CSV is
parsed; the engine waits for the conversion before its first query. ``TABLEPILOT_CSV_CACHE=0``
turns this off (then the CSV is parsed into memory at open, as before).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import duckdb

from tablepilot.data.names import quote_literal
from tablepilot.settings import cache_dir


def enabled() -> bool:
    return os.environ.get("TABLEPILOT_CSV_CACHE", "1").strip().lower() not in ("0", "false", "no", "off")


def cache_path(files: Sequence[str]) -> Path | None:
    """Where the Parquet copy of ``files`` lives (whether or not it exists yet); None when disabled."""
    if not enabled():
        return None
    digest = hashlib.sha256()
    for f in files:
        st = os.stat(f)
        digest.update(f"{os.path.abspath(f)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return cache_dir() / "csv-parquet" / f"{digest.hexdigest()[:32]}.parquet"


def estimate_rows(files: Sequence[str], probe_bytes: int = 1 << 20) -> int:
    """Rows from the file sizes and the line density of each file's first MB (header excluded)."""
    total = 0.0
    for f in files:
        size = os.path.getsize(f)
        with open(f, "rb") as fh:
            head = fh.read(probe_bytes)
        lines = head.count(b"\n")
        if size <= len(head):
            total += max(0, lines - 1 + (0 if head.endswith(b"\n") or not head else 1))
        elif lines > 1:
            total += size * (lines - 1) / len(head)
    return int(total)


class Conversion:
    """``SELECT …`` over the CSV written to ``target`` (atomically: a temp file, then a rename)."""

    def __init__(self, select_sql: str, target: Path, *, memory_limit: str = "2GB") -> None:
        self.target = target
        self.error: BaseException | None = None
        self._select = select_sql
        self._memory_limit = memory_limit
        self._thread = threading.Thread(target=self._run, name="tablepilot-csv-to-parquet", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        partial = self.target.with_name(f"{self.target.stem}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            con = duckdb.connect(":memory:", config={"memory_limit": self._memory_limit})
            try:
                con.execute(
                    f"COPY ({self._select}) TO {quote_literal(str(partial))} "
                    "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)"
                )
            finally:
                con.close()
            os.replace(partial, self.target)
        except BaseException as exc:  # noqa: BLE001 - the engine keeps the CSV and says why
            self.error = exc
            partial.unlink(missing_ok=True)

    def wait(self, timeout_s: float | None = None) -> bool:
        """True when the Parquet file is ready; False while still running or after a failure."""
        self._thread.join(timeout_s)
        return not self._thread.is_alive() and self.error is None and self.target.is_file()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()
