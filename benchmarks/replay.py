"""Replay saved answers through the current ask loop, without a model, and print what flips.

Every saved final query of a predictions file is given back as the model's reply (a scripted
backend that always answers with it), so the loop's own checks, rewrites and answer formatting run
as they do now, on real DuckDB. A change to those parts shows its effect on a whole suite in
seconds instead of a model run of minutes; a change to prompts still needs a real run.

    python benchmarks/replay.py ../shared/bench/wtq-dev predictions.jsonl [--out replayed.jsonl]

Prints the questions whose correctness changed (with both queries) and both scores.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tablepilot.eval_bridge import SuiteAnswerer
from tablepilot.evaluation.runner import EngineCache, prediction_line
from tablepilot.evaluation.scoring import score
from tablepilot.evaluation.suite import Suite
from tablepilot.llm.base import Message
from tablepilot.llm.fake import FakeLLM


class _Saved:
    """The scripted model's replies: the saved query, whatever was asked. A query of a table read
    sideways (``<name>_sideways``, registered only after the model took a row label for a column)
    is first asked of ``<name>`` itself, which fails on that label, so the loop offers the sideways
    table as it did in the saved run."""

    def __init__(self) -> None:
        self.replies: list[str] = []

    def script(self, sql: str) -> None:
        plain = re.sub(r"_sideways\b", "", sql)
        self.replies = [plain, sql] if plain != sql else [sql]

    def __call__(self, messages: Sequence[Message]) -> str:
        sql = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        return f"```sql\n{sql}\n```"


def replay(suite: Suite, saved: list[dict[str, Any]], out: Path) -> None:
    questions = {q.id: q for q in suite.questions()}
    reply = _Saved()
    answerer = SuiteAnswerer(FakeLLM(reply))
    engines = EngineCache()
    try:
        with out.open("w", encoding="utf-8") as f:
            for line in saved:
                q = questions.get(str(line.get("id")))
                if q is None:
                    continue
                if not line.get("sql"):  # nothing ran: keep the saved line as it was
                    f.write(json.dumps(line, ensure_ascii=False) + "\n")
                    continue
                reply.script(str(line["sql"]))
                start = time.perf_counter()
                try:
                    result = answerer(q, engines.get(q))
                except Exception as e:  # noqa: BLE001 - a replay reports, it never stops
                    result = {"error": f"{type(e).__name__}: {e}"}
                f.write(
                    json.dumps(prediction_line(q, result, time.perf_counter() - start), ensure_ascii=False)
                    + "\n"
                )
    finally:
        engines.close()


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("suite_dir")
    ap.add_argument("predictions")
    ap.add_argument("--out", help="where the replayed predictions go (default: a temporary file)")
    ap.add_argument("--ids", help="comma-separated question ids to replay (default: all saved)")
    args = ap.parse_args(argv)
    suite = Suite.open(args.suite_dir)
    saved = [
        json.loads(s) for s in Path(args.predictions).read_text(encoding="utf-8").splitlines() if s.strip()
    ]
    if args.ids:
        wanted = set(args.ids.split(","))
        saved = [d for d in saved if str(d.get("id")) in wanted]
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="replay-")) / "replayed.jsonl"
    replay(suite, saved, out)
    ids = {str(d["id"]) for d in saved}
    before = score(suite, args.predictions).results
    after = score(suite, out).results
    by_id = {str(d["id"]): d for d in saved}
    new = {str(d["id"]): d for d in (json.loads(s) for s in out.read_text(encoding="utf-8").splitlines())}
    text = {q.id: q.question for q in suite.questions()}
    for qid in (i for i in before if i in ids):
        if before[qid] != after.get(qid):
            mark = "+" if after.get(qid) else "-"
            print(f"{mark} {qid}: {text.get(qid, '')}")
            print(f"    saved  {by_id[qid].get('answer')}  {by_id[qid].get('sql')}")
            print(f"    now    {new.get(qid, {}).get('answer')}  {new.get(qid, {}).get('sql')}")
    right_before = sum(before[i] for i in ids if i in before)
    right_after = sum(after.get(i, False) for i in ids)
    print(f"{len(ids)} replayed: {right_before} right as saved, {right_after} right now  ({out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
