"""Score a predictions file against a suite's gold (rules: shared/bench/FORMAT.md).

    python -m tablepilot.evaluation.scoring SUITE_DIR PREDICTIONS [--limit N]

This is the only module that reads ``answers.jsonl`` (through :func:`load_gold`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tablepilot.errors import InputError, TablepilotError
from tablepilot.evaluation import metrics
from tablepilot.evaluation.suite import Question, Suite, chosen, load_gold

#: question fields the report breaks accuracy down by, where questions have them
BREAKDOWN_FIELDS = ("question_type", "table_type", "domain")


@dataclass(frozen=True)
class Prediction:
    """One prediction line after FORMAT.md's coercions."""

    id: str
    answer: list[str]
    rows: list[Any] | None = None
    seconds: float | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    error: str | None = None


@dataclass
class PredictionFile:
    by_id: dict[str, Prediction]
    ignored: int = 0  # invalid JSON, not an object, or an id the suite does not have


@dataclass(frozen=True)
class Group:
    correct: int
    total: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass
class Report:
    suite: str
    metric: str
    count: int  # questions in the suite (the official denominator)
    considered: int  # questions scored: all of them, or the first ``limit``
    correct: int
    scored: int  # considered questions that have a prediction line
    missing: int
    ignored: int
    errors: int  # scored predictions that carry an error
    limit: int | None = None
    breakdowns: dict[str, dict[str, Group]] = field(default_factory=dict)
    median_seconds: float | None = None
    median_prompt_tokens: float | None = None
    median_completion_tokens: float | None = None
    results: dict[str, bool] = field(default_factory=dict)  # question id → correct, in suite order

    @property
    def accuracy(self) -> float:
        """Correct over the whole suite, as FORMAT.md defines accuracy."""
        return self.correct / self.count if self.count else 0.0

    @property
    def accuracy_considered(self) -> float:
        """Correct over the questions this run covered (differs from ``accuracy`` under a limit)."""
        return self.correct / self.considered if self.considered else 0.0


# --------------------------------------------------------------------------- predictions


def answer_items(value: Any) -> list[str]:
    """``answer`` as a list of strings: a bare value is one item; non-strings become text."""
    items = value if isinstance(value, list) else [value]
    return [x if isinstance(x, str) else _item_text(x) for x in items]


def _item_text(x: Any) -> str:
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return str(x)
    return json.dumps(x, ensure_ascii=False)  # null, true, false, lists, objects


def _number(x: Any) -> float | None:
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else None


def parse_prediction(d: dict[str, Any]) -> Prediction:
    rows = d.get("rows")
    tokens_p, tokens_c = _number(d.get("prompt_tokens")), _number(d.get("completion_tokens"))
    error = d.get("error")
    return Prediction(
        id=str(d["id"]),
        answer=answer_items(d["answer"]) if "answer" in d else [],
        rows=rows if isinstance(rows, list) else None,
        seconds=_number(d.get("seconds")),
        prompt_tokens=int(tokens_p) if tokens_p is not None else None,
        completion_tokens=int(tokens_c) if tokens_c is not None else None,
        error=None if error is None else str(error),
    )


def read_predictions(path: str | Path, known_ids: set[str]) -> PredictionFile:
    """Last line per id wins; unknown ids and lines that are not JSON objects are counted, not fatal."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"predictions file {p} does not exist", hint="run the suite first", path=str(p))
    out = PredictionFile(by_id={})
    with p.open(encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except ValueError:
                out.ignored += 1
                continue
            if not isinstance(d, dict) or "id" not in d or str(d["id"]) not in known_ids:
                out.ignored += 1
                continue
            out.by_id[str(d["id"])] = parse_prediction(d)
    return out


# --------------------------------------------------------------------------- checking


def is_correct(metric: str, prediction: Prediction, gold: dict[str, Any]) -> bool:
    if metric == "denotation":
        return metrics.denotation(prediction.answer, gold["answers"], gold.get("canon"))
    if metric == "cell-set":
        return metrics.cell_set(prediction.answer, gold["answers"])
    if metric == "execution":
        rows = prediction.rows if prediction.rows is not None else [[a] for a in prediction.answer]
        return metrics.execution(rows, gold["rows"], bool(gold.get("ordered")))
    raise InputError(f"unknown metric {metric!r}", hint="use denotation, cell-set or execution")


def _median(values: Sequence[float | int | None]) -> float | None:
    present = [v for v in values if v is not None]
    return float(statistics.median(present)) if present else None


def score_predictions(
    suite: Suite,
    questions: Sequence[Question],
    gold: dict[str, dict[str, Any]],
    predictions: PredictionFile,
    *,
    limit: int | None = None,
    every: int = 1,
    start: int = 0,
) -> Report:
    considered = chosen(questions, limit, every, start)
    results: dict[str, bool] = {}
    groups: dict[str, dict[str, list[int]]] = {}
    used: list[Prediction] = []
    for q in considered:
        pred = predictions.by_id.get(q.id)
        ok = pred is not None and q.id in gold and is_correct(suite.metric, pred, gold[q.id])
        results[q.id] = ok
        if pred is not None:
            used.append(pred)
        for name in BREAKDOWN_FIELDS:
            if name in q.extra and q.extra[name] is not None:
                tally = groups.setdefault(name, {}).setdefault(str(q.extra[name]), [0, 0])
                tally[0] += ok
                tally[1] += 1
    return Report(
        suite=suite.name,
        metric=suite.metric,
        count=suite.count,
        considered=len(considered),
        correct=sum(results.values()),
        scored=len(used),
        missing=len(considered) - len(used),
        ignored=predictions.ignored,
        errors=sum(1 for p in used if p.error),
        limit=limit,
        breakdowns={
            name: {k: Group(c, t) for k, (c, t) in sorted(vals.items())} for name, vals in groups.items()
        },
        median_seconds=_median([p.seconds for p in used]),
        median_prompt_tokens=_median([p.prompt_tokens for p in used]),
        median_completion_tokens=_median([p.completion_tokens for p in used]),
        results=results,
    )


def score(
    suite: Suite, predictions_path: str | Path, *, limit: int | None = None, every: int = 1, start: int = 0
) -> Report:
    """Score a predictions file over the questions a run with ``limit``/``every``/``start`` answers."""
    questions = suite.questions()
    predictions = read_predictions(predictions_path, {q.id for q in questions})
    return score_predictions(
        suite, questions, load_gold(suite), predictions, limit=limit, every=every, start=start
    )


def format_report(report: Report) -> str:
    """Readable text tables of a report (implemented in ``report.py``; re-exported for callers)."""
    from tablepilot.evaluation.report import format_report as render

    return render(report)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tablepilot.evaluation.scoring", description=__doc__)
    ap.add_argument("suite_dir")
    ap.add_argument("predictions")
    ap.add_argument("--limit", type=int, default=None, help="score only the first N questions")
    args = ap.parse_args(argv)
    try:
        report = score(Suite.open(args.suite_dir), args.predictions, limit=args.limit)
    except TablepilotError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    print(format_report(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
