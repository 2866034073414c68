"""Offline check of the IM-TQA tidy step (no model): can each gold answer be *addressed* in the table?

For every imtqa-dev question and each gold answer cell: the answer must be a cell of the loaded
table, and every header word the question uses (grid cells quoted in the question, other than the
answers) must appear in that cell's column name or in the text cells of its row (or the table's
notes). A question counts when all its answers are addressable. "before" is the first grid row as
header (the core loader); "after" is ``evaluation.tables.imtqa_table`` with the tidy step.

Gold answers are read here only, for this measurement. Run:
    .venv/bin/python benchmarks/imtqa_tidy_coverage.py [/work/shared/bench/imtqa-dev]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from tablepilot.cells import parse_date, parse_number
from tablepilot.evaluation.tables import imtqa_grid, imtqa_table


def norm(s: object) -> str:
    return "".join(str(s or "").split())


def header_words(question: str, grid: list[list[str]], answers: set[str]) -> set[str]:
    q = norm(question)
    words = {
        norm(c)
        for r in grid
        for c in r
        if len(norm(c)) >= 2
        and norm(c) in q
        and norm(c) not in answers
        and parse_number(c) is None
        and parse_date(c) is None
    }
    return {w for w in words if not any(w != o and w in o for o in words)}


def addressable(columns: list[str], rows: list[list[str]], notes: str, answer: str, words: set[str]) -> bool:
    for row in rows:
        for j, cell in enumerate(row):
            if norm(cell) != answer or j >= len(columns):
                continue
            context = [norm(columns[j]), notes] + [
                norm(c) for k, c in enumerate(row) if k != j and parse_number(c) is None
            ]
            if all(any(w in c for c in context) for w in words):
                return True
    return False


def main(suite: Path) -> None:
    questions = [json.loads(line) for line in (suite / "questions.jsonl").open(encoding="utf-8")]
    gold = {a["id"]: a["answers"] for a in map(json.loads, (suite / "answers.jsonl").open(encoding="utf-8"))}
    score: Counter[str] = Counter()
    by_type: Counter[tuple[str, str]] = Counter()
    for q in questions:
        path = suite / q["tables"][0]
        grid = imtqa_grid(path)
        answers = {norm(a) for a in gold[q["id"]]}
        words = header_words(q["question"], grid, answers)
        after = imtqa_table(path)
        views = {
            "before": (grid[0] if grid else [], grid[1:], ""),
            "after": (
                after.data.column_names,
                [["" if v is None else str(v) for v in r.values()] for r in after.data.to_pylist()],
                norm(" ".join(after.notes)),
            ),
        }
        for name, (cols, rows, notes) in views.items():
            present = all(any(norm(c) == a for r in rows for c in r) for a in answers)
            ok = all(addressable(list(cols), rows, notes, a, words) for a in answers)
            score[f"{name} present"] += present
            score[f"{name} addressable"] += ok
            by_type[(name, q["table_type"])] += ok
    n = len(questions)
    print(f"imtqa-dev: {n} questions")
    for key in ("present", "addressable"):
        b, a = score[f"before {key}"], score[f"after {key}"]
        print(f"  answers {key:12s} before {b:4d} ({b / n:6.1%})  after {a:4d} ({a / n:6.1%})")
    types = Counter(q["table_type"] for q in questions)
    for t, count in sorted(types.items()):
        print(
            f"  addressable, {t:12s} before {by_type[('before', t)]:3d}/{count}  after {by_type[('after', t)]:3d}/{count}"
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/shared/bench/imtqa-dev"))
