"""Predictions parsing, the report, and the scoring CLI, on small suites written to tmp_path."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from tablepilot.errors import InputError
from tablepilot.evaluation.report import format_report
from tablepilot.evaluation.scoring import answer_items, main, score
from tablepilot.evaluation.suite import Suite, load_gold

SuiteMaker = Callable[..., Path]
Bench = Callable[[str], Path]

QUESTIONS = [
    {"id": "q1", "question": "?", "tables": [], "question_type": "single_cell", "table_type": "horizontal"},
    {"id": "q2", "question": "?", "tables": [], "question_type": "single_cell", "table_type": "vertical"},
    {"id": "q3", "question": "?", "tables": [], "question_type": "one_row", "table_type": "vertical"},
    {"id": "q4", "question": "?", "tables": [], "question_type": "one_row", "table_type": "vertical"},
]
ANSWERS = [
    {"id": "q1", "answers": ["1"]},
    {"id": "q2", "answers": ["a", "b"]},
    {"id": "q3", "answers": ["x"]},
    {"id": "q4", "answers": ["null"]},
]


def write_lines(path: Path, lines: Sequence[object]) -> Path:
    path.write_text(
        "".join(x if isinstance(x, str) else json.dumps(x) + "\n" for x in lines), encoding="utf-8"
    )
    return path


@pytest.mark.parametrize(
    ("value", "items"),
    [
        (["a", "b"], ["a", "b"]),
        ("a", ["a"]),
        (3, ["3"]),
        (2.5, ["2.5"]),
        (None, ["null"]),
        (True, ["true"]),
        ([1, None, False, [1, 2], {"k": "v"}], ["1", "null", "false", "[1, 2]", '{"k": "v"}']),
        ([], []),
    ],
)
def test_answer_items(value: object, items: list[str]) -> None:
    assert answer_items(value) == items


def test_score_counts_last_line_wins_ignored_and_missing(make_suite: SuiteMaker, tmp_path: Path) -> None:
    suite = Suite.open(make_suite(metric="cell-set", questions=QUESTIONS, answers=ANSWERS))
    preds = write_lines(
        tmp_path / "p.jsonl",
        [
            {"id": "q1", "answer": ["2"], "seconds": 1.0, "prompt_tokens": 100, "completion_tokens": 10},
            {"id": "q1", "answer": 1, "seconds": 3.0, "prompt_tokens": 300, "completion_tokens": 30},
            {"id": "q2", "answer": ["b", "a", "a"], "seconds": 2.0, "error": "boom"},
            "not json\n",
            {"id": "zzz", "answer": ["x"]},
            ["a", "list"],
            {"answer": ["no id"]},
            {"id": "q4", "answer": None},  # a bare null is the item "null"
        ],
    )
    r = score(suite, preds)
    assert r.results == {"q1": True, "q2": True, "q3": False, "q4": True}
    assert (r.correct, r.count, r.scored, r.missing, r.ignored, r.errors) == (3, 4, 3, 1, 4, 1)
    assert r.accuracy == 0.75
    assert r.median_seconds == 2.5  # 3.0 (last q1 line) and 2.0; q4 has none
    assert r.median_prompt_tokens == 300.0  # q2 has none: medians use the values present
    assert r.breakdowns["question_type"]["single_cell"].correct == 2
    assert r.breakdowns["table_type"]["vertical"].total == 3
    assert "domain" not in r.breakdowns
    text = format_report(r)
    assert "75.0% (3/4)" in text and "single_cell" in text and "vertical" in text


def test_limit_scores_only_the_first_questions(make_suite: SuiteMaker, tmp_path: Path) -> None:
    suite = Suite.open(make_suite(metric="cell-set", questions=QUESTIONS, answers=ANSWERS))
    preds = write_lines(tmp_path / "p.jsonl", [{"id": "q1", "answer": ["1"]}, {"id": "q3", "answer": ["x"]}])
    r = score(suite, preds, limit=2)
    assert (r.considered, r.correct, r.scored, r.missing) == (2, 1, 1, 1)
    assert r.accuracy_considered == 0.5 and r.accuracy == 0.25
    text = format_report(r)
    assert "accuracy on the 2 questions run" in text and "50.0% (1/2)" in text
    assert "accuracy over the whole suite" in text and "25.0% (1/4)" in text


def test_execution_uses_rows_else_answer_items(make_suite: SuiteMaker, tmp_path: Path) -> None:
    qs = [{"id": f"e{i}", "question": "?", "tables": [], "domain": "d"} for i in range(4)]
    gold = [
        {"id": "e0", "rows": [[1, "a"]], "ordered": False, "sql": ""},
        {"id": "e1", "rows": [["x"], ["y"]], "ordered": True, "sql": ""},
        {"id": "e2", "rows": [], "ordered": False, "sql": ""},
        {"id": "e3", "rows": [[5]], "ordered": False, "sql": ""},
    ]
    suite = Suite.open(make_suite(metric="execution", questions=qs, answers=gold))
    preds = write_lines(
        tmp_path / "p.jsonl",
        [
            {"id": "e0", "answer": ["wrong"], "rows": [["1.0", " a "]]},
            {"id": "e1", "answer": ["x", "y"]},  # no rows: one-column rows from the answer
            {"id": "e2", "answer": ["something"], "rows": []},  # rows win, even when empty
            {"id": "e3", "answer": ["5"], "rows": None},
        ],
    )
    assert score(suite, preds).results == {"e0": True, "e1": True, "e2": True, "e3": True}


def test_denotation_uses_canon(make_suite: SuiteMaker, tmp_path: Path) -> None:
    qs = [{"id": "w", "question": "?", "tables": []}]
    gold = [{"id": "w", "answers": ["1,234"], "canon": ["1234.0"]}]
    suite = Suite.open(make_suite(metric="denotation", questions=qs, answers=gold))
    assert score(suite, write_lines(tmp_path / "p.jsonl", [{"id": "w", "answer": [1234]}])).correct == 1
    assert score(suite, write_lines(tmp_path / "q.jsonl", [{"id": "w", "answer": ["1235"]}])).correct == 0


def test_missing_files_are_input_errors(make_suite: SuiteMaker, tmp_path: Path) -> None:
    suite = Suite.open(make_suite(metric="cell-set", questions=QUESTIONS, answers=None))
    with pytest.raises(InputError, match="answers.jsonl"):
        load_gold(suite)
    with pytest.raises(InputError, match="does not exist"):
        score(suite, tmp_path / "nope.jsonl")


def test_cli_prints_report(
    make_suite: SuiteMaker, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_suite(metric="cell-set", questions=QUESTIONS, answers=ANSWERS)
    preds = write_lines(tmp_path / "p.jsonl", [{"id": "q1", "answer": ["1"]}])
    assert main([str(root), str(preds)]) == 0
    assert "25.0% (1/4)" in capsys.readouterr().out
    assert main([str(tmp_path / "not-a-suite"), str(preds)]) == 2
    assert "not a benchmark suite" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["wtq-dev", "spider-dev-train", "imtqa-dev", "retqa-dev"])
def test_oracle_predictions_score_100_percent(name: str, tmp_path: Path, bench_suite: Bench) -> None:
    suite = Suite.open(bench_suite(name))
    gold = load_gold(suite)
    lines = []
    for q in suite.questions():
        g = gold[q.id]
        line = {"id": q.id, "answer": g.get("answers", []), "seconds": 0.5}
        if "rows" in g:
            line["rows"] = g["rows"]
        lines.append(line)
    r = score(suite, write_lines(tmp_path / "oracle.jsonl", lines))
    assert (r.correct, r.missing, r.ignored) == (suite.count, 0, 0)
    # and the scorer is not vacuous: shifting every prediction by one question breaks nearly all
    shifted = [{**a, "id": b["id"]} for a, b in zip(lines, lines[1:] + lines[:1])]
    assert score(suite, write_lines(tmp_path / "shifted.jsonl", shifted)).accuracy < 0.2


def test_wtq_canon_forms_as_predictions_score_100_percent(tmp_path: Path, bench_suite: Bench) -> None:
    suite = Suite.open(bench_suite("wtq-dev"))
    gold = load_gold(suite)
    lines = [{"id": q.id, "answer": gold[q.id]["canon"]} for q in suite.questions()]
    assert score(suite, write_lines(tmp_path / "canon.jsonl", lines)).accuracy == 1.0
