"""IM-TQA with the model, A/B: the core loader (first grid row as header) against the tidy step.

Both arms run the same questions with the same model and prompts; only how the hierarchical tables
are turned into SQL tables differs. Prints both scores and the questions that changed. Run:
    .venv/bin/python benchmarks/imtqa_ab.py [SUITE_DIR] [--limit N]
(one model process at a time: ~5 s a question on 2 cores).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from tablepilot.evaluation import tables
from tablepilot.evaluation.tables import LoadedTable, _grid_table, imtqa_grid, table_name_for

DEFAULT_SUITE = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "imtqa-dev"


def first_row_header(path: Path) -> LoadedTable:
    """What the core did before the tidy step: row one names the columns, the rest are rows."""
    grid = imtqa_grid(path)
    return _grid_table(path, grid[0] if grid else [], grid[1:], table_name_for(path))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("suite", nargs="?", type=Path, default=DEFAULT_SUITE)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--out", type=Path, default=Path("imtqa-ab"))
    args = parser.parse_args()

    from tablepilot.eval_bridge import run_evaluation
    from tablepilot.evaluation.scoring import score
    from tablepilot.evaluation.suite import Suite

    console = Console()
    args.out.mkdir(exist_ok=True)
    tidy = tables.imtqa_table
    results = {}
    for arm, loader in (("first-row header", first_row_header), ("tidy", tidy)):
        tables.imtqa_table = loader  # type: ignore[assignment]
        out = args.out / f"{arm.replace(' ', '-')}.jsonl"
        console.print(f"[bold]{arm}[/]")
        run_evaluation(args.suite, limit=args.limit, out_path=out, console=console)
        results[arm] = score(Suite.open(args.suite), out, limit=args.limit)
    tables.imtqa_table = tidy  # type: ignore[assignment]
    for arm, report in results.items():
        print(f"{arm:18s} {report.correct}/{report.considered} = {100 * report.accuracy_considered:.1f}%")
    before, after = (r.results for r in results.values())
    gained = [q for q in after if after[q] and not before.get(q)]
    lost = [q for q in after if before.get(q) and not after[q]]
    print(f"right only with tidy: {len(gained)} {gained[:20]}")
    print(f"right only with first-row header: {len(lost)} {lost[:20]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
