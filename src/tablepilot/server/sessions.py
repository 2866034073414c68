"""Live sessions: each user's uploaded files loaded into a tablepilot Session, kept warm, rebuilt on demand.

The database row and the files on disk are the truth; the loaded engine is a cache. After a restart, or
when the LRU evicts a quiet session, the next request reloads the files and restores the follow-up
context (earlier questions and their SQL) from the stored history.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tablepilot.answer import Answer, json_cell
from tablepilot.catalog import TableInfo
from tablepilot.data.names import quote_ident
from tablepilot.errors import InputError
from tablepilot.llm.base import LLM
from tablepilot.pipeline import AskOptions, Turn
from tablepilot.server.store import SessionRow, Store, TurnRow, UploadRow
from tablepilot.session import Session
from tablepilot.sql.guard import check_readonly

NO_TABLES_HINT = "upload a CSV, Excel or other data file to this session first"


@dataclass
class LiveSession:
    row: SessionRow
    session: Session | None = None
    #: serialises asks and reloads of one session (its follow-up history is a list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class SessionPool:
    def __init__(self, store: Store, llm: LLM, *, options: AskOptions, max_live: int = 64) -> None:
        self.store = store
        self.llm = llm
        self.options = options
        self.max_live = max_live
        self._live: OrderedDict[str, LiveSession] = OrderedDict()
        self._mutex = threading.Lock()

    # -- lifecycle -----------------------------------------------------------------------------------

    def _entry(self, row: SessionRow) -> LiveSession:
        with self._mutex:
            live = self._live.get(row.id)
            if live is None:
                live = self._live[row.id] = LiveSession(row)
            self._live.move_to_end(row.id)
            self._evict()
            return live

    def _evict(self) -> None:
        for sid in list(self._live)[: max(0, len(self._live) - self.max_live)]:
            live = self._live[sid]
            if live.lock.acquire(blocking=False):
                try:
                    del self._live[sid]
                    if live.session is not None:
                        live.session.close()
                        live.session = None
                finally:
                    live.lock.release()

    def _build(self, row: SessionRow, paths: list[Path]) -> Session | None:
        if not paths:
            return None
        session = Session(paths, llm=self.llm, options=self.options)
        for t in self.store.turns(row.id, row.user):
            if t.ok and t.sql:
                cols = tuple(str(c) for c in t.answer.get("columns") or ())
                session.history.append(Turn(t.question, t.sql, cols, len(t.answer.get("rows") or ())))
        return session

    def _loaded(self, live: LiveSession) -> Session | None:
        """The session's engine, loading the stored files if needed; call with ``live.lock`` held."""
        if live.session is None:
            paths = [Path(u.path) for u in self.store.uploads(live.row.id)]
            live.session = self._build(live.row, paths)
        return live.session

    def add_file(self, row: SessionRow, path: Path, size: int, sha256: str) -> tuple[Session, UploadRow]:
        """Reload the session with one more file and record it; the old tables stay if the file fails to load."""
        live = self._entry(row)
        with live.lock:
            old = self._loaded(live)
            paths = [Path(u.path) for u in self.store.uploads(row.id)] + [path]
            new = self._build(row, paths)
            assert new is not None
            if old is not None:
                old.close()
            live.session = new
            upload = self.store.add_upload(row.id, row.user, path.name, str(path), size, sha256)
            return new, upload

    def close(self) -> None:
        with self._mutex:
            for live in self._live.values():
                with live.lock:
                    if live.session is not None:
                        live.session.close()
                        live.session = None
            self._live.clear()

    # -- reading -------------------------------------------------------------------------------------

    def tables(self, row: SessionRow, preview_rows: int) -> list[dict[str, Any]]:
        live = self._entry(row)
        with live.lock:
            session = self._loaded(live)
            if session is None:
                return []
            return [table_json(session, t, preview_rows) for t in session.engine.tables()]

    def ask(
        self, row: SessionRow, question: str, progress: Callable[[str], None] | None = None
    ) -> tuple[Answer, TurnRow]:
        """Answer and record the turn; the turn is committed before this returns."""
        live = self._entry(row)
        with live.lock:
            session = self._loaded(live)
            if session is None:
                raise InputError("this session has no tables yet", hint=NO_TABLES_HINT)
            started = time.perf_counter()
            timings: dict[str, float] = {}

            def stage(name: str) -> None:
                timings.setdefault(name, round(time.perf_counter() - started, 4))
                if progress is not None:
                    progress(name)

            answer = session.ask(question, progress=stage)
            timings["total"] = round(time.perf_counter() - started, 4)
            turn = self.store.add_turn(row.id, row.user, answer.to_dict(), timings)
            return answer, turn

    def rerun(self, row: SessionRow, sql: str, max_rows: int) -> tuple[list[str], list[list[Any]]]:
        """Run a stored answer's SQL again for a full download (guarded again: the stored text is data)."""
        live = self._entry(row)
        with live.lock:
            session = self._loaded(live)
            if session is None:
                raise InputError("this session has no tables yet", hint=NO_TABLES_HINT)
            names = [t.name for t in session.engine.tables()]
            safe = check_readonly(sql, dialect=session.engine.dialect, tables=names)
            result = session.engine.execute(safe, max_rows=max_rows, timeout_s=self.options.timeout_s * 4)
            return list(result.columns), [list(r) for r in result.rows]


def table_json(session: Session, t: TableInfo, preview_rows: int) -> dict[str, Any]:
    preview = session.engine.execute(
        f"SELECT * FROM {quote_ident(t.name)} LIMIT {int(preview_rows)}", max_rows=preview_rows
    )
    return {
        "name": t.name,
        "file": Path(t.source).name if t.source else "",
        "sheet": t.sheet,
        "row_count": t.row_count,
        "columns": [{"name": c.name, "type": c.type} for c in t.columns],
        "notes": list(t.notes),
        "preview": {
            "columns": list(preview.columns),
            "rows": [[json_cell(v) for v in r] for r in preview.rows],
        },
    }
