from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tablepilot.errors import InputError
from tablepilot.evaluation.suite import Suite

SuiteMaker = Callable[..., Path]
Bench = Callable[[str], Path]


def test_open_and_questions(make_suite: SuiteMaker) -> None:
    root = make_suite(
        metric="execution",
        questions=[
            {"id": "a", "question": "多少?", "tables": ["tables/t1.csv"], "table_name": "表", "domain": "d"},
            {"id": "b", "question": "?", "tables": ["dbs/x/a.csv"], "db": "dbs/x"},
        ],
        answers=None,
    )
    suite = Suite.open(root)
    assert (suite.name, suite.kind, suite.metric, suite.count) == ("tiny", "text-to-sql", "execution", 2)
    a, b = suite.questions()
    assert a.tables == ((root / "tables/t1.csv").resolve(),) and a.db is None
    assert a.extra == {"table_name": "表", "domain": "d"}
    assert b.db == (root / "dbs/x").resolve() and b.tables[0].is_absolute()
    assert a.table_key != b.table_key


def test_open_errors(tmp_path: Path, make_suite: SuiteMaker) -> None:
    with pytest.raises(InputError, match="no suite.json"):
        Suite.open(tmp_path)
    (tmp_path / "suite.json").write_text(json.dumps({"name": "x"}))
    with pytest.raises(InputError, match="not a valid suite.json"):
        Suite.open(tmp_path)
    root = make_suite(metric="cell-set", questions=[], answers=None)
    (root / "questions.jsonl").write_text('{"id": "x"}\n')
    with pytest.raises(InputError, match=r"questions.jsonl:1"):
        Suite.open(root).questions()


def test_dev_suites_open(bench_suite: Bench) -> None:
    for name, n in [("wtq-dev", 400), ("spider-dev-train", 300), ("imtqa-dev", 464), ("retqa-dev", 300)]:
        suite = Suite.open(bench_suite(name))
        qs = suite.questions()
        assert suite.count == n == len(qs)
        assert all(p.is_file() for q in qs for p in q.tables)
