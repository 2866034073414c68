"""A benchmark suite folder (see shared/bench/FORMAT.md) and its questions.

Reading questions and reading answers are deliberately separate: :class:`Suite` only ever opens
``suite.json`` and ``questions.jsonl``. The gold lives behind :func:`load_gold`, which only the
scoring module calls, so an answering run cannot peek at it even by accident.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tablepilot.errors import InputError

#: question fields that are part of the question itself, not descriptive extras
_CORE_FIELDS = frozenset({"id", "question", "tables", "db"})
METRICS = ("denotation", "cell-set", "execution")


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    tables: tuple[Path, ...]  # absolute CSV paths
    db: Path | None = None  # absolute database folder (schema.sql + CSVs), when there is one
    extra: dict[str, Any] = field(default_factory=dict)  # question_type, table_type, table_name, domain…

    @property
    def table_key(self) -> tuple[str, ...]:
        """Identifies the data a question needs; questions with equal keys can share one engine."""
        return (str(self.db) if self.db else "",) + tuple(str(p) for p in self.tables)


@dataclass(frozen=True)
class Suite:
    name: str
    kind: str  # "table-qa" or "text-to-sql"
    metric: str  # "denotation", "cell-set" or "execution"
    count: int
    dir: Path

    @classmethod
    def open(cls, directory: str | Path) -> Suite:
        """Read ``suite.json``; fail early with a hint when the folder is not a suite."""
        d = Path(directory).resolve()
        meta_path = d / "suite.json"
        if not meta_path.is_file():
            raise InputError(
                f"{d} is not a benchmark suite: it has no suite.json",
                hint="pass a suite folder such as shared/bench/wtq-dev",
                path=str(d),
            )
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            suite = cls(
                name=str(meta["name"]),
                kind=str(meta["kind"]),
                metric=str(meta["metric"]),
                count=int(meta["count"]),
                dir=d,
            )
        except (ValueError, KeyError, TypeError) as e:
            raise InputError(
                f"{meta_path} is not a valid suite.json: {e}",
                hint="it needs name, kind, metric and count (see FORMAT.md)",
                path=str(meta_path),
            ) from e
        if suite.metric not in METRICS:
            raise InputError(
                f"suite {suite.name} has unknown metric {suite.metric!r}",
                hint=f"use one of {', '.join(METRICS)}",
                path=str(meta_path),
            )
        return suite

    def questions(self) -> list[Question]:
        """All questions in file order (the order runs and reports keep)."""
        path = self.dir / "questions.jsonl"
        if not path.is_file():
            raise InputError(
                f"suite {self.name} has no questions.jsonl", hint=f"check {self.dir}", path=str(path)
            )
        out: list[Question] = []
        with path.open(encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    d = json.loads(line)
                    out.append(
                        Question(
                            id=str(d["id"]),
                            question=str(d["question"]),
                            tables=tuple((self.dir / t).resolve() for t in d.get("tables", [])),
                            db=(self.dir / d["db"]).resolve() if d.get("db") else None,
                            extra={k: v for k, v in d.items() if k not in _CORE_FIELDS},
                        )
                    )
                except (ValueError, KeyError, TypeError) as e:
                    raise InputError(
                        f"{path}:{lineno} is not a valid question line: {e}",
                        hint="each line needs id, question and tables (see FORMAT.md)",
                        path=str(path),
                    ) from e
        return out


def load_gold(suite: Suite) -> dict[str, dict[str, Any]]:
    """The gold answers by id. Only scoring calls this; answering never does."""
    path = suite.dir / "answers.jsonl"
    if not path.is_file():
        raise InputError(
            f"suite {suite.name} has no answers.jsonl, so it cannot be scored here",
            hint="held-out suites are scored elsewhere; keep the predictions file",
            path=str(path),
        )
    gold: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                gold[str(d["id"])] = d
    return gold


def has_gold(suite: Suite) -> bool:
    return (suite.dir / "answers.jsonl").is_file()


def chosen(
    questions: Sequence[Question], limit: int | None = None, every: int = 1, start: int = 0
) -> list[Question]:
    """Every ``every``-th question in file order from the ``start``-th (0-based; another start draws
    another spread sample), then the first ``limit`` of those: what a run answers and its score
    considers."""
    picked = list(questions[max(0, start) :: max(1, every)])
    return picked[:limit] if limit is not None else picked
