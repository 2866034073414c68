"""Render a :class:`Report` as readable text tables (rich, no colour codes, so it pastes anywhere)."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from tablepilot.evaluation.scoring import Report


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _num(x: float | None, fmt: str = "{:.0f}") -> str:
    return "-" if x is None else fmt.format(x)


def format_report(report: Report, *, width: int = 100) -> str:
    buf = io.StringIO()
    console = Console(file=buf, width=width, no_color=True, force_terminal=False, highlight=False)

    title = f"{report.suite} ({report.metric})"
    summary = Table(title=title, show_header=False, title_justify="left")
    summary.add_column("what")
    summary.add_column("value", justify="right")
    if report.considered < report.count:  # a --limit or --every run
        summary.add_row(
            f"accuracy on the {report.considered} questions run",
            f"{_pct(report.accuracy_considered)} ({report.correct}/{report.considered})",
        )
        summary.add_row(
            "accuracy over the whole suite",
            f"{_pct(report.accuracy)} ({report.correct}/{report.count})",
        )
    else:
        summary.add_row("accuracy", f"{_pct(report.accuracy)} ({report.correct}/{report.count})")
    summary.add_row("scored", str(report.scored))
    summary.add_row("missing", str(report.missing))
    summary.add_row("ignored lines", str(report.ignored))
    summary.add_row("predictions with an error", str(report.errors))
    summary.add_row("median seconds", _num(report.median_seconds, "{:.2f}"))
    summary.add_row("median prompt tokens", _num(report.median_prompt_tokens))
    summary.add_row("median completion tokens", _num(report.median_completion_tokens))
    console.print(summary)

    for name, groups in report.breakdowns.items():
        t = Table(title=f"by {name}", title_justify="left")
        t.add_column(name)
        t.add_column("accuracy", justify="right")
        t.add_column("correct", justify="right")
        t.add_column("questions", justify="right")
        for key, g in groups.items():
            t.add_row(key, _pct(g.accuracy), str(g.correct), str(g.total))
        console.print(t)
    return buf.getvalue().rstrip() + "\n"
