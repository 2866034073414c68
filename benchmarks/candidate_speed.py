"""What the vote's extra queries cost: one greedy reply vs. the greedy reply and samples decoded together.

    .venv/bin/python benchmarks/candidate_speed.py [--questions 8] [--suite ../shared/bench/wtq-dev]

For the first N questions of a suite, builds the real first prompt, reads it once (so every timing
below starts from the same cached prompt), then times ``complete`` (greedy only) and
``complete_many`` with n = 2, 3, 4. Prints median seconds and tokens written per n, and the cost of
each n relative to the greedy reply alone. Run it alone: a second process on 2 cores distorts it.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from tablepilot.evaluation.runner import EngineCache
from tablepilot.evaluation.suite import Suite
from tablepilot.llm.llama_cpp import LlamaCppLLM
from tablepilot.llm.model_store import status
from tablepilot.pipeline import STOP, AskOptions, DataContext, build_messages, opening_messages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=8)
    parser.add_argument(
        "--suite", default=str(Path(__file__).resolve().parents[1] / ".." / "shared/bench/wtq-dev")
    )
    args = parser.parse_args()
    llm = LlamaCppLLM(status("default").path)
    suite = Suite.open(Path(args.suite))
    options = AskOptions()
    cache = EngineCache()
    seconds: dict[int, list[float]] = {n: [] for n in (1, 2, 3, 4)}
    written: dict[int, list[int]] = {n: [] for n in (1, 2, 3, 4)}
    for question in list(suite.questions())[: args.questions]:
        context = DataContext.build(cache.get(question))
        links = context.index.link(question.question, limit=8)
        description = context.describe(question.question, links, options.budget_tokens, options.sample_rows)
        messages = build_messages(question.question, description, links, [], dialect=context.engine.dialect)
        llm.prime(opening_messages(context.engine.dialect))
        llm.complete(messages, max_tokens=1, stop=STOP)  # the prompt is read once, before any timing
        for n in (1, 2, 3, 4):
            start = time.perf_counter()
            if n == 1:
                replies = [llm.complete(messages, max_tokens=options.max_tokens, stop=STOP)]
            else:
                replies = llm.complete_many(
                    messages,
                    n=n,
                    temperature=options.candidate_temperature,
                    max_tokens=options.max_tokens,
                    stop=STOP,
                )
            seconds[n].append(time.perf_counter() - start)
            written[n].append(sum(r.completion_tokens for r in replies))
        print(question.id, {n: round(seconds[n][-1], 2) for n in seconds}, flush=True)
    base = statistics.median(seconds[1])
    for n in (1, 2, 3, 4):
        median = statistics.median(seconds[n])
        print(
            f"n={n}: median {median:.2f} s, {statistics.median(written[n]):.0f} tokens written, "
            f"{median / base:.2f}x the greedy reply alone"
        )


if __name__ == "__main__":
    main()
