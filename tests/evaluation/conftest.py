"""Fixtures: tiny suites written to tmp_path, and the shared dev suites when present."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

BENCH = Path("/work/shared/bench")

SuiteMaker = Callable[..., Path]


def write_suite(
    root: Path,
    *,
    metric: str,
    questions: list[dict[str, Any]],
    answers: list[dict[str, Any]] | None,
    files: dict[str, str] | None = None,
    name: str = "tiny",
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    kind = "text-to-sql" if metric == "execution" else "table-qa"
    meta = {
        "name": name,
        "kind": kind,
        "metric": metric,
        "source": "test",
        "license": "-",
        "count": len(questions),
    }
    (root / "suite.json").write_text(json.dumps(meta), encoding="utf-8")
    (root / "questions.jsonl").write_text(
        "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions), encoding="utf-8"
    )
    if answers is not None:
        (root / "answers.jsonl").write_text(
            "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in answers), encoding="utf-8"
        )
    for rel, text in (files or {}).items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def make_suite(tmp_path: Path) -> SuiteMaker:
    def make(**kw: Any) -> Path:
        return write_suite(tmp_path / kw.pop("dirname", "suite"), **kw)

    return make


def _bench_suite(name: str) -> Path:
    path = BENCH / name
    if not (path / "answers.jsonl").is_file():
        pytest.skip(f"dev suite {name} is not available at {path}")
    return path


@pytest.fixture
def bench_suite() -> Callable[[str], Path]:
    """The shared dev suite folder by name; skips the test when the suite is not on this machine."""
    return _bench_suite


class PlainDuckDB:
    """A stand-in with the engine methods the evaluation code uses, on a plain DuckDB connection."""

    dialect = "duckdb"

    def __init__(self) -> None:
        import duckdb

        self.con = duckdb.connect()
        self.registered: list[str] = []
        self.locked = False
        self.closed = False

    def register_arrow(
        self, name: str, table: Any, *, source: str = "", notes: Any = (), infer_types: bool = False
    ) -> Any:
        from tablepilot.catalog import ColumnInfo, TableInfo

        self.con.register("_incoming", table)
        self.con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _incoming')
        self.con.unregister("_incoming")
        self.registered.append(name)
        cols = self.con.execute(f'DESCRIBE "{name}"').fetchall()
        return TableInfo(
            name, tuple(ColumnInfo(c[0], c[1]) for c in cols), table.num_rows, source, notes=tuple(notes)
        )

    def lock(self) -> None:
        self.locked = True

    def tables(self) -> list[Any]:
        return []

    def execute(self, sql: str, **_: Any) -> list[tuple[Any, ...]]:
        return self.con.execute(sql).fetchall()

    def close(self) -> None:
        self.closed = True
        self.con.close()


@pytest.fixture
def plain_engine() -> type[PlainDuckDB]:
    return PlainDuckDB
