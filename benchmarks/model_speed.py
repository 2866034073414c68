"""Speed of the embedded model in the real pipeline: load, per-question time, prefix reuse, memory.

    .venv/bin/python benchmarks/model_speed.py [--questions 20] [--suite ../shared/bench/wtq-dev]

Prints: model load time (cold, then warm from the page cache in a fresh process), the fixed prompt
opening computed vs. restored from its saved state (what a new process pays), median and p90
seconds per question on the first N questions of a suite, the first vs. a follow-up question on a
50-column table (the follow-up reuses the KV cache of the table description), and peak RSS.
Run it alone: a second process on 2 cores distorts every number.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa

from tablepilot.engines.duckdb_engine import DuckDBEngine
from tablepilot.llm import prefix_state
from tablepilot.llm.llama_cpp import LlamaCppLLM
from tablepilot.llm.model_store import status
from tablepilot.pipeline import AskOptions, DataContext, ask_question, opening_messages

ROOT = Path(__file__).resolve().parents[1]


def load_seconds(model: Path) -> float:
    """Model load in a fresh process, so no in-process cache helps."""
    code = (
        "import time,sys; from tablepilot.llm.llama_cpp import LlamaCppLLM; t=time.perf_counter(); "
        f"LlamaCppLLM({str(model)!r}).load(); print(time.perf_counter()-t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def wide_table_engine(columns: int = 50, rows: int = 500) -> DuckDBEngine:
    data = {"region": [f"R{i % 7}" for i in range(rows)]}
    for c in range(columns - 1):
        data[f"metric_{c:02d}"] = [float((i * (c + 3)) % 97) for i in range(rows)]
    engine = DuckDBEngine()
    engine.register_arrow("wide", pa.table(data))
    engine.lock()
    return engine


def suite_times(llm: LlamaCppLLM, suite_dir: Path, n: int) -> list[float]:
    from tablepilot.eval_bridge import SuiteAnswerer
    from tablepilot.evaluation.runner import run_suite
    from tablepilot.evaluation.suite import Suite

    out = Path(tempfile.mkdtemp()) / "pred.jsonl"
    run_suite(Suite.open(suite_dir), SuiteAnswerer(llm), limit=n, out=out, progress=False)
    import json

    return [json.loads(line)["seconds"] for line in out.read_text().splitlines()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--suite", type=Path, default=ROOT.parent / "shared" / "bench" / "wtq-dev")
    args = parser.parse_args()
    st = status("default")
    if not st.exists:
        sys.exit("the embedded model is not installed: run `tablepilot model install`")
    model = Path(st.path)

    cold = load_seconds(model)
    warm = load_seconds(model)
    print(f"model load: first {cold:.2f} s, again (warm page cache) {warm:.2f} s")

    llm = LlamaCppLLM(str(model))
    llama = llm.load()
    opening = opening_messages("duckdb")
    with tempfile.TemporaryDirectory() as kv:
        for _ in range(2):  # computed into an empty cache, then restored as a new process would
            llama.reset()
            started = time.perf_counter()
            how = prefix_state.prime(llama, llm.path, llm.n_ctx, opening, Path(kv))
            took = time.perf_counter() - started
            tokens = len(prefix_state.prefix_tokens(llama, opening))
            print(f"prompt opening (rules + worked examples, {tokens} tokens): {how} in {took:.2f} s")
    engine = wide_table_engine()
    ctx = DataContext.build(engine)
    first = ask_question(ctx, llm, "which region has the highest total metric_07?", options=AskOptions())
    print(f"50-column table: first question {first.seconds:.2f} s ({first.prompt_tokens} prompt tokens)")
    for q in ("how many rows have metric_03 above 50?", "what is the average metric_12 per region?"):
        follow = ask_question(ctx, llm, q, options=AskOptions())
        print(
            f"  follow-up {follow.seconds:.2f} s ({len(follow.attempts)} attempt(s)) → "
            f"{first.seconds / max(follow.seconds, 1e-9):.1f}x faster"
        )

    if args.suite.exists() and args.questions > 0:
        times = sorted(suite_times(llm, args.suite, args.questions))
        p90 = times[min(len(times) - 1, round(0.9 * (len(times) - 1)))]
        print(
            f"{args.suite.name}, first {len(times)} questions: median {statistics.median(times):.2f} s, "
            f"p90 {p90:.2f} s"
        )
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
