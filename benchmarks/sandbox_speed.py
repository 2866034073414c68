"""How fast the Python sandbox is: cold start-up, warm call overhead, a typical pandas groupby.

Run: .venv/bin/python benchmarks/sandbox_speed.py   (needs bubblewrap and the `python` extra)
     add --model to also time whole Python answers with the embedded model (needs `make model`)
"""

from __future__ import annotations

import statistics
import sys
import time

import pyarrow as pa

from tablepilot.sandbox import BubblewrapSandbox


def _table(rows: int) -> pa.Table:
    regions = ["east", "west", "north", "south", "central"]
    return pa.table(
        {
            "region": [regions[i % 5] for i in range(rows)],
            "year": [2020 + i % 5 for i in range(rows)],
            "amount": [float((i * 7919) % 1000) for i in range(rows)],
        }
    )


def _median_ms(sb: BubblewrapSandbox, code: str, n: int) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = sb.run(code)
        times.append(time.perf_counter() - t0)
        if r.error:
            raise SystemExit(f"benchmark code failed: {r.error}")
    return statistics.median(times) * 1000


def main() -> int:
    t0 = time.perf_counter()
    problem = BubblewrapSandbox.check()
    check_s = time.perf_counter() - t0
    if problem:
        print(f"sandbox unavailable: {problem}")
        return 1
    table = _table(100_000)
    sb = BubblewrapSandbox()
    t0 = time.perf_counter()
    sb.start({"sales": table})
    cold = time.perf_counter() - t0
    try:
        first = _median_ms(sb, "len(sales)", 1)
        warm = _median_ms(sb, "1", 20)
        groupby = _median_ms(
            sb,
            "s = sales.groupby(['region', 'year']).amount.sum().reset_index()\n"
            "s.assign(change=s.groupby('region').amount.pct_change())",
            5,
        )
        scipy_first = _median_ms(
            sb, "from scipy import stats\nstats.linregress(sales.year, sales.amount).slope", 1
        )
    finally:
        sb.close()
    print(f"availability check (bwrap probe, once per process): {check_s * 1000:7.1f} ms")
    print(f"cold start-up (write Parquet, start jail, import pandas, load 100k rows): {cold * 1000:7.1f} ms")
    print(f"first call:                                       {first:7.1f} ms")
    print(f"warm call overhead (trivial code, median of 20):  {warm:7.1f} ms")
    print(f"pandas groupby + pct_change on 100k rows (median of 5): {groupby:7.1f} ms")
    print(f"first scipy import + linregress:                  {scipy_first:7.1f} ms")
    if "--model" in sys.argv[1:]:
        _end_to_end()
    return 0


QUESTIONS = [
    "What is the correlation between year and amount?",
    "What is the slope of the linear trend of amount over year?",
    "How many outliers are there in amount by the 1.5 IQR rule?",
]


def _end_to_end() -> None:
    """Whole answers through the pipeline: model writes pandas, the sandbox runs it."""
    import tempfile
    from pathlib import Path

    import pyarrow.parquet as pq

    from tablepilot import Session

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sales.parquet"
        pq.write_table(_table(10_000), path)
        t0 = time.perf_counter()
        with Session([path], backend="llama.cpp") as s:
            print(f"session open (load data + model):                 {(time.perf_counter() - t0):7.2f} s")
            for question in QUESTIONS:
                s.reset()
                a = s.ask(question)
                status = "ok" if a.error is None else f"error: {a.error.get('message')}"
                print(
                    f"{a.seconds:6.2f} s  method={a.method}  attempts={len(a.attempts)}  "
                    f"sandbox start {s.python.startup_seconds:.2f} s  {question}  -> {a.answer[:3]} ({status})"
                )


if __name__ == "__main__":
    sys.exit(main())
