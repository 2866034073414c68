"""Big files in place: open + profile a 100M-row Parquet dataset and a 10M-row CSV, then five questions.

    .venv/bin/python benchmarks/big_data.py [--rows 100_000_000] [--csv-rows 10_000_000] [--keep DIR]

Generates the data under a temp dir (about 2 GB; deleted afterwards unless --keep), then prints:
time to open and profile (what a session does before the first question), time and peak RSS of
five typical aggregate questions with fixed SQL (the model's SQL replaced), and the same questions
done the naive pandas way (read the
question's columns of the whole file into a DataFrame, then group). Each measurement runs in a fresh process,
so the peak RSS is that step's own. A big CSV is opened cold (no Parquet copy yet: profiled from
its head while it is parsed in the background); the question steps then find the copy. Targets (issue 7): profile ≤ 5 s, query ≤ 3 s, RSS ≤ 4 GB,
≥ 10× faster than pandas.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUESTIONS = [
    (
        "revenue per region",
        'SELECT "region", sum("amount") AS revenue FROM "sales" GROUP BY 1 ORDER BY 2 DESC',
        "df.groupby('region')['amount'].sum().sort_values(ascending=False)",
        ["region", "amount"],
    ),
    (
        "monthly revenue in 2023",
        (
            'SELECT date_trunc(\'month\', "ts") AS month, sum("amount") FROM "sales" '
            "WHERE \"ts\" >= '2023-01-01' AND \"ts\" < '2024-01-01' GROUP BY 1 ORDER BY 1"
        ),
        "df[(df.ts >= '2023-01-01') & (df.ts < '2024-01-01')].groupby(df.ts.dt.to_period('M'))['amount'].sum()",
        ["ts", "amount"],
    ),
    (
        "top 10 products by quantity",
        'SELECT "product_id", sum("quantity") AS q FROM "sales" GROUP BY 1 ORDER BY 2 DESC LIMIT 10',
        "df.groupby('product_id')['quantity'].sum().nlargest(10)",
        ["product_id", "quantity"],
    ),
    (
        "return rate per channel",
        'SELECT "channel", avg(CAST("returned" AS INTEGER)) AS rate FROM "sales" GROUP BY 1 ORDER BY 2 DESC',
        "df.groupby('channel')['returned'].mean().sort_values(ascending=False)",
        ["channel", "returned"],
    ),
    (
        "big orders in 华东 by channel",
        (
            'SELECT "channel", count(*) AS n, avg("amount") AS avg_amount FROM "sales" '
            'WHERE "region" = \'华东\' AND "amount" > 900 GROUP BY 1 ORDER BY 1'
        ),
        "df[(df.region == '华东') & (df.amount > 900)].groupby('channel')['amount'].agg(['count', 'mean'])",
        ["channel", "region", "amount"],
    ),
]

GENERATE = """
SELECT i AS order_id,
       TIMESTAMP '2021-01-01' + to_seconds((i * 7919) % (4 * 365 * 86400)) AS ts,
       (['华东', '华北', '华南', '西南', '西北', '东北', 'Overseas', 'Online'])[1 + (hash(i) % 8)::INT] AS region,
       (['web', 'store', 'app', 'phone'])[1 + (hash(i + 1) % 4)::INT] AS channel,
       (hash(i + 2) % 10000)::INT AS product_id,
       (1 + hash(i + 3) % 9)::INT AS quantity,
       round(((hash(i + 4) % 100000) / 100.0), 2)::DOUBLE AS amount,
       hash(i + 5) % 20 = 0 AS returned
FROM range({start}, {stop}) t(i)
"""


def generate(root: Path, rows: int, csv_rows: int, files: int) -> None:
    import duckdb

    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    pq = root / "sales"
    pq.mkdir()
    per = -(-rows // files)
    for k in range(files):
        start, stop = k * per, min(rows, (k + 1) * per)
        if start >= stop:
            break
        sql = GENERATE.format(start=start, stop=stop)
        con.execute(f"COPY ({sql}) TO '{pq}/part-{k:03d}.parquet' (FORMAT parquet, ROW_GROUP_SIZE 1000000)")
    con.execute(f"COPY ({GENERATE.format(start=0, stop=csv_rows)}) TO '{root}/sales.csv' (HEADER)")
    con.close()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------ measured steps (fresh processes)


def step_tablepilot(source: str, question: int) -> dict[str, float]:
    """Open + profile like a session does; then one fixed query (or none for question -1)."""
    from tablepilot.engines.sources import open_engine
    from tablepilot.pipeline import DataContext

    started = time.perf_counter()
    engine = open_engine([source])
    opened = time.perf_counter()
    DataContext.build(engine)
    profiled = time.perf_counter()
    out = {"open_s": opened - started, "open_profile_s": profiled - started}
    finish = getattr(engine, "_finish_conversions", None)
    if question < 0 and callable(finish):  # a big CSV: when its background parse into Parquet is done
        finish(900.0)
        out["parsed_s"] = time.perf_counter() - started
    if question >= 0:
        q0 = time.perf_counter()
        result = engine.execute(QUESTIONS[question][1], max_rows=1000, timeout_s=120)
        out["query_s"] = time.perf_counter() - q0
        out["rows"] = len(result.rows)
    engine.close()
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def step_pandas(path: str, question: int, kind: str) -> dict[str, float]:
    import pandas as pd

    _, _, code, columns = QUESTIONS[question]
    started = time.perf_counter()
    # the usual way: load, then group; only the question's columns, which favours pandas
    if kind == "parquet":
        df = pd.read_parquet(path, columns=columns)
    else:
        df = pd.read_csv(path, usecols=columns, parse_dates=["ts"] if "ts" in columns else False)
    loaded = time.perf_counter()
    eval(code, {"df": df})
    done = time.perf_counter()
    return {"load_s": loaded - started, "total_s": done - started, "peak_rss_mb": peak_rss_mb()}


def run_step(*args: str, timeout: float = 900) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, __file__, "--step", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        return {
            "error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"rc {proc.returncode}"
        }  # type: ignore[dict-item]
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def fmt(d: dict[str, float], key: str) -> str:
    v = d.get(key)
    return f"{v:7.2f}" if isinstance(v, (int, float)) else f"{str(d.get('error', '-'))[:40]:>7}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000_000)
    ap.add_argument("--csv-rows", type=int, default=10_000_000)
    ap.add_argument("--files", type=int, default=20)
    ap.add_argument("--keep", type=Path, help="generate into (or reuse) this directory and keep it")
    ap.add_argument("--pandas-rows-limit", type=int, default=100_000_000, help="skip pandas on bigger data")
    ap.add_argument("--only", choices=["parquet", "csv"], help="measure one of the two datasets")
    ap.add_argument("--step", nargs="+")
    args = ap.parse_args()
    if args.step:
        what, *rest = args.step
        if what == "tablepilot":
            print(json.dumps(step_tablepilot(rest[0], int(rest[1]))))
        else:
            print(json.dumps(step_pandas(rest[0], int(rest[1]), rest[2])))
        return

    root = args.keep or Path(tempfile.mkdtemp(prefix="tablepilot-bigdata-"))
    root.mkdir(parents=True, exist_ok=True)
    os.environ["TABLEPILOT_HOME"] = str(root / "home")  # a cold CSV cache, deleted with the data
    shutil.rmtree(root / "home", ignore_errors=True)
    try:
        if not (root / "sales").is_dir():
            t0 = time.perf_counter()
            generate(root, args.rows, args.csv_rows, args.files)
            print(
                f"generated {args.rows:,} Parquet rows in {args.files} files + {args.csv_rows:,} CSV rows "
                f"in {time.perf_counter() - t0:.1f} s"
            )
        size = sum(p.stat().st_size for p in (root / "sales").glob("*.parquet")) / 2**30
        print(f"Parquet {size:.2f} GiB, CSV {(root / 'sales.csv').stat().st_size / 2**30:.2f} GiB\n")
        datasets = [
            ("parquet", f"{root}/sales/*.parquet", args.rows),
            ("csv", f"{root}/sales.csv", args.csv_rows),
        ]
        for kind, source, rows in datasets:
            if args.only and kind != args.only:
                continue
            opened = run_step("tablepilot", source, "-1")
            print(f"== {kind}: {rows:,} rows ({source})")
            print(
                f"open {fmt(opened, 'open_s')} s, open+profile {fmt(opened, 'open_profile_s')} s, "
                f"peak RSS {fmt(opened, 'peak_rss_mb')} MB"
                + (f", background parse done at {fmt(opened, 'parsed_s')} s" if "parsed_s" in opened else "")
            )
            print(
                f"{'question':32} {'tablepilot s':>12} {'RSS MB':>8} {'pandas s':>9} {'RSS MB':>8} {'speed-up':>8}"
            )
            for i, (title, *_rest) in enumerate(QUESTIONS):
                tp = run_step("tablepilot", source, str(i))
                query_s = tp.get("query_s")
                pd_path = source if kind == "csv" else str(root / "sales")
                pdr = (
                    run_step("pandas", pd_path, str(i), kind)
                    if rows <= args.pandas_rows_limit
                    else {"error": "skipped"}
                )
                total = pdr.get("total_s")
                speed = (
                    f"{total / query_s:7.0f}x"
                    if isinstance(total, float) and isinstance(query_s, float)
                    else "      -"
                )
                print(
                    f"{title:32} {fmt(tp, 'query_s'):>12} {fmt(tp, 'peak_rss_mb'):>8} "
                    f"{fmt(pdr, 'total_s'):>9} {fmt(pdr, 'peak_rss_mb'):>8} {speed:>8}",
                    flush=True,
                )
            print()
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
