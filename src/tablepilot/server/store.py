"""Durable server state in one SQLite file (WAL): tokens, sessions, uploads and the question history.

Every write commits with ``synchronous=FULL`` before the method returns, and the API answers only after
that, so a crash or ``kill -9`` never loses a turn the client saw acknowledged. One connection behind a
lock: writes are tiny, and SQLite serialises writers anyway.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY, user TEXT NOT NULL, salt TEXT NOT NULL, digest TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '', created REAL NOT NULL, revoked REAL
);
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY, user TEXT NOT NULL, title TEXT NOT NULL DEFAULT '', created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user, created);
CREATE TABLE IF NOT EXISTS uploads (
    id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions(id), user TEXT NOT NULL,
    filename TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS uploads_session ON uploads(session_id, created);
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL REFERENCES sessions(id),
    user TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL, sql TEXT, ok INTEGER NOT NULL,
    seconds REAL NOT NULL, timings TEXT NOT NULL, created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_session ON turns(session_id, id);
"""


@dataclass(frozen=True)
class TokenRow:
    id: str
    user: str
    salt: str
    digest: str
    label: str
    created: float
    revoked: float | None


@dataclass(frozen=True)
class SessionRow:
    id: str
    user: str
    title: str
    created: float


@dataclass(frozen=True)
class UploadRow:
    id: str
    session_id: str
    filename: str
    path: str
    size: int
    sha256: str
    created: float


@dataclass(frozen=True)
class TurnRow:
    id: int
    session_id: str
    question: str
    answer: dict[str, Any]
    sql: str | None
    ok: bool
    seconds: float
    timings: dict[str, float]
    created: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "session_id": self.session_id,
            "question": self.question,
            "answer": self.answer,
            "sql": self.sql,
            "ok": self.ok,
            "seconds": self.seconds,
            "timings": self.timings,
            "created": self.created,
        }


class Store:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._con = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._con.execute("PRAGMA journal_mode=WAL")
        self._con.execute("PRAGMA synchronous=FULL")
        self._con.execute("PRAGMA foreign_keys=ON")
        self._con.executescript(SCHEMA)

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._con.execute("BEGIN IMMEDIATE")
            try:
                yield self._con
            except BaseException:
                self._con.execute("ROLLBACK")
                raise
            self._con.execute("COMMIT")

    def _read(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self._con.execute(sql, args).fetchall())

    def close(self) -> None:
        with self._lock:
            self._con.close()

    # -- tokens --------------------------------------------------------------------------------------

    def add_token(self, token_id: str, user: str, salt: str, digest: str, label: str = "") -> None:
        with self._tx() as con:
            con.execute(
                "INSERT INTO tokens (id, user, salt, digest, label, created) VALUES (?, ?, ?, ?, ?, ?)",
                (token_id, user, salt, digest, label, time.time()),
            )

    def token(self, token_id: str) -> TokenRow | None:
        rows = self._read(
            "SELECT id, user, salt, digest, label, created, revoked FROM tokens WHERE id = ?", (token_id,)
        )
        return TokenRow(*rows[0]) if rows else None

    def tokens(self) -> list[TokenRow]:
        rows = self._read(
            "SELECT id, user, salt, digest, label, created, revoked FROM tokens ORDER BY created"
        )
        return [TokenRow(*r) for r in rows]

    def revoke_token(self, token_id: str) -> bool:
        with self._tx() as con:
            cur = con.execute(
                "UPDATE tokens SET revoked = ? WHERE id = ? AND revoked IS NULL", (time.time(), token_id)
            )
            return cur.rowcount > 0

    # -- sessions ------------------------------------------------------------------------------------

    def create_session(self, user: str, title: str = "") -> SessionRow:
        row = SessionRow(uuid.uuid4().hex, user, title, time.time())
        with self._tx() as con:
            con.execute(
                "INSERT INTO sessions (id, user, title, created) VALUES (?, ?, ?, ?)",
                (row.id, row.user, row.title, row.created),
            )
        return row

    def session(self, session_id: str, user: str) -> SessionRow | None:
        """The session if it exists AND belongs to ``user``; otherwise None (the caller answers 404)."""
        rows = self._read(
            "SELECT id, user, title, created FROM sessions WHERE id = ? AND user = ?", (session_id, user)
        )
        return SessionRow(*rows[0]) if rows else None

    def sessions(self, user: str) -> list[SessionRow]:
        rows = self._read(
            "SELECT id, user, title, created FROM sessions WHERE user = ? ORDER BY created DESC", (user,)
        )
        return [SessionRow(*r) for r in rows]

    # -- uploads -------------------------------------------------------------------------------------

    def add_upload(
        self, session_id: str, user: str, filename: str, path: str, size: int, sha256: str
    ) -> UploadRow:
        row = UploadRow(uuid.uuid4().hex, session_id, filename, path, size, sha256, time.time())
        with self._tx() as con:
            con.execute(
                "INSERT INTO uploads (id, session_id, user, filename, path, size, sha256, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (row.id, session_id, user, filename, path, size, sha256, row.created),
            )
        return row

    def uploads(self, session_id: str) -> list[UploadRow]:
        rows = self._read(
            "SELECT id, session_id, filename, path, size, sha256, created FROM uploads "
            "WHERE session_id = ? ORDER BY created",
            (session_id,),
        )
        return [UploadRow(*r) for r in rows]

    # -- history -------------------------------------------------------------------------------------

    def add_turn(
        self, session_id: str, user: str, answer: dict[str, Any], timings: dict[str, float]
    ) -> TurnRow:
        """Append one question and its answer; committed (fsynced) when this returns."""
        now = time.time()
        text = json.dumps(answer, ensure_ascii=False)
        args = (
            session_id,
            user,
            str(answer.get("question", "")),
            text,
            answer.get("sql"),
            int(answer.get("error") is None),
            float(answer.get("seconds") or 0.0),
            json.dumps(timings),
            now,
        )
        with self._tx() as con:
            cur = con.execute(
                "INSERT INTO turns (session_id, user, question, answer, sql, ok, seconds, timings, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                args,
            )
            turn_id = int(cur.lastrowid or 0)
        return TurnRow(turn_id, session_id, args[2], answer, args[4], bool(args[5]), args[6], timings, now)

    def turns(self, session_id: str, user: str, *, after: int = 0, limit: int = 1000) -> list[TurnRow]:
        rows = self._read(
            "SELECT id, session_id, question, answer, sql, ok, seconds, timings, created FROM turns "
            "WHERE session_id = ? AND user = ? AND id > ? ORDER BY id LIMIT ?",
            (session_id, user, after, limit),
        )
        return [_turn(r) for r in rows]

    def turn(self, session_id: str, turn_id: int, user: str) -> TurnRow | None:
        rows = self._read(
            "SELECT id, session_id, question, answer, sql, ok, seconds, timings, created FROM turns "
            "WHERE id = ? AND session_id = ? AND user = ?",
            (turn_id, session_id, user),
        )
        return _turn(rows[0]) if rows else None


def _turn(r: tuple[Any, ...]) -> TurnRow:
    return TurnRow(r[0], r[1], r[2], json.loads(r[3]), r[4], bool(r[5]), r[6], json.loads(r[7]), r[8])
