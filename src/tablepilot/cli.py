"""The `tablepilot` command line: ask, chat, describe, eval, model.

Every failure a user can cause ends in one line on stderr (what went wrong, then how to fix it) and the
error's exit code; a traceback is shown only with TABLEPILOT_DEBUG=1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from tablepilot.answer import Answer, cell_text
from tablepilot.cli_common import backend_options, err, guarded, out
from tablepilot.errors import InputError
from tablepilot.inspect_command import inspect_command
from tablepilot.knowledge_commands import knowledge, knowledge_option
from tablepilot.model_commands import model
from tablepilot.server_commands import mcp, serve, token

ANSWER_ERROR_EXIT = {
    "unanswerable": 1,
    "backend_error": 4,
    "guard_error": 6,
    "query_error": 7,
    "input_error": 2,
    "config_error": 3,
}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tablepilot")
def cli() -> None:
    """Ask spreadsheets and databases questions; every answer comes from an executed query."""


engine_option = click.option(
    "--engine",
    "engine_name",
    type=click.Choice(["auto", "duckdb", "spark"]),
    default="auto",
    show_default=True,
    help="Where queries run: auto (by source), or spark (files on Spark SQL; master: TABLEPILOT_SPARK_MASTER).",
)


def _check_sources(sources: tuple[str, ...]) -> list[str]:
    if not sources:
        raise InputError(
            "no data given", hint="name one or more files, e.g. `tablepilot ask sales.xlsx -q …`"
        )
    return list(sources)


METHOD_OPTION = click.option(
    "--method",
    type=click.Choice(["auto", "sql", "python"]),
    default="auto",
    show_default=True,
    help="SQL, or pandas code in the bubblewrap sandbox; auto uses Python for statistics.",
)


def _open_session(
    sources: tuple[str, ...], method: str = "auto", explain: bool = False, **backend: Any
) -> Any:
    from tablepilot.pipeline import AskOptions
    from tablepilot.session import Session

    options = AskOptions(method=method, explain=explain)  # type: ignore[arg-type]
    with err.status("loading data…", spinner="dots") if err.is_terminal else _nullcontext():
        return Session(_check_sources(sources), options=options, **backend)


class _nullcontext:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def print_answer(answer: Answer, *, max_rows: int = 20) -> None:
    if answer.error:
        err.print(f"[bold red]{escape(str(answer.error.get('message', 'no answer')))}[/]", markup=True)
        if answer.error.get("hint"):
            err.print(f"[yellow]hint:[/] {escape(str(answer.error['hint']))}", markup=True, highlight=False)
        for i, attempt in enumerate(answer.attempts, 1):
            if attempt.sql or attempt.error:
                line = escape(f"attempt {i}: {attempt.sql or ''} → {attempt.error or 'ok'}")
                err.print(f"[dim]{line}[/]", markup=True, highlight=False)
        return
    out.print(answer.text, markup=False)
    if answer.rows and not (len(answer.rows) == 1 and len(answer.columns) == 1):
        table = Table(show_header=True, header_style="bold")
        for c in answer.columns:
            table.add_column(str(c))
        for row in answer.rows[:max_rows]:
            table.add_row(*[cell_text(v) for v in row])
        out.print(table)
        if len(answer.rows) > max_rows or answer.truncated:
            out.print(
                f"[dim]({len(answer.rows)}{'+' if answer.truncated else ''} rows; showing {max_rows})[/]"
            )
    if answer.sql:
        out.print(f"[dim]SQL: {escape(answer.sql)}[/]", markup=True, highlight=False)
    if answer.code:
        out.print(f"[dim]Python (sandboxed):\n{escape(answer.code)}[/]", markup=True, highlight=False)
    for note in answer.notes:
        out.print(f"[dim]note: {escape(note)}[/]", markup=True, highlight=False)
    if answer.explanation:
        out.print(answer.explanation, markup=False)
    meta = escape(f"{answer.seconds:.1f} s · {answer.backend} {answer.model}")
    out.print(f"[dim]{meta}[/]", markup=True, highlight=False)


def _exit_code(answer: Answer) -> int:
    if answer.error is None:
        return 0
    return ANSWER_ERROR_EXIT.get(str(answer.error.get("code")), 1)


@cli.command()
@click.argument("sources", nargs=-1)
@click.option("-q", "--question", required=True, help="The question, in Chinese or English.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option(
    "--chart",
    "chart_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Save the recommended chart as PNG or SVG (by suffix).",
)
@METHOD_OPTION
@click.option(
    "--save",
    "save_path",
    type=click.Path(path_type=Path),
    help="Save the result table (or the table an operation made) as .xlsx, .csv or .parquet.",
)
@click.option("--explain", is_flag=True, help="Explain in plain language how the answer was computed.")
@knowledge_option
@backend_options
@engine_option
@guarded
def ask(
    sources: tuple[str, ...],
    question: str,
    as_json: bool,
    chart_path: Path | None,
    save_path: Path | None,
    explain: bool,
    **backend: Any,
) -> None:
    """Answer one question about SOURCES (CSV, TSV, Excel, Parquet, JSON, SQLite, DuckDB files)."""
    if backend.get("knowledge") is not None and not backend["knowledge"].is_file():
        from tablepilot.errors import KnowledgeError

        raise KnowledgeError(
            f"knowledge file {backend['knowledge']} does not exist",
            hint="check the path, or create it with `tablepilot knowledge add --knowledge FILE …`",
        )
    session = _open_session(sources, explain=explain, **backend)
    try:
        if as_json or not err.is_terminal:
            answer = session.ask(question)
        else:
            with err.status("understanding…", spinner="dots") as status:
                answer = session.ask(question, progress=lambda stage: status.update(f"{stage}…"))
        if as_json:
            click.echo(answer.to_json(indent=2))
        else:
            print_answer(answer)
        if save_path is not None:
            save_result(session, answer, save_path)
    finally:
        session.close()
    if chart_path is not None:
        save_chart(answer, chart_path)
    sys.exit(_exit_code(answer))


def save_result(session: Any, answer: Answer, path: Path) -> None:
    """``--save``: the answer's whole result table; an error (no file written) exits non-zero."""
    if answer.error is not None or not answer.columns:
        err.print("nothing saved: this answer has no result table", markup=False)
        return
    written = session.export(path)
    err.print(f"saved to {written}", markup=False)


def save_chart(answer: Answer, path: Path) -> Path | None:
    """Render the answer's chart; say so plainly when the result has none."""
    if answer.chart is None:
        err.print("no chart: this result is better read as a value or a table", markup=False)
        return None
    from tablepilot.render import render_chart

    written = render_chart(answer.chart, path)
    err.print(f"chart saved to {written}", markup=False)
    return written


@cli.command()
@click.argument("sources", nargs=-1)
@METHOD_OPTION
@knowledge_option
@backend_options
@engine_option
@guarded
def chat(sources: tuple[str, ...], **backend: Any) -> None:
    """Ask questions one after another; follow-ups ("只看2023年的呢？") use the earlier turns."""
    from tablepilot.repl import run_repl

    session = _open_session(sources, **backend)
    try:
        run_repl(session, out, err)
    finally:
        session.close()


@cli.command()
@click.argument("sources", nargs=-1)
@click.option("--budget", default=2000, show_default=True, help="Token budget of the description.")
@engine_option
@guarded
def describe(sources: tuple[str, ...], budget: int, engine_name: str) -> None:
    """Show the tables as tablepilot sees them (names, columns, types, values): what the model is told."""
    from tablepilot.engines.sources import open_engine
    from tablepilot.pipeline import DataContext

    engine = open_engine(_check_sources(sources), engine=engine_name)
    try:
        profiles = DataContext.build(engine).profiles
        from tablepilot.profile import describe_tables

        text = describe_tables(profiles, budget_tokens=budget)
        from tablepilot.knowledge.describe import with_knowledge

        out.print(with_knowledge(text, sources), markup=False)  # what the knowledge file adds
        for t in engine.tables():
            for note in t.notes:
                out.print(f"[dim]{escape(f'note ({t.name}): {note}')}[/]", markup=True, highlight=False)
    finally:
        engine.close()


@cli.command(name="eval")
@click.argument("suite_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--limit", type=int, help="Answer only the first N questions.")
@click.option(
    "--every",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Answer every N-th question: a sample spread over the suite.",
)
@click.option(
    "--start",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Begin at the question with this 0-based index (with --every: another spread sample).",
)
@click.option(
    "--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), help="predictions.jsonl path."
)
@click.option(
    "--engine-url", help="Run the suite's databases in PostgreSQL (loaded with scripts/pg-ci load)."
)
@backend_options
@engine_option
@guarded
def eval_command(
    suite_dir: Path,
    limit: int | None,
    every: int,
    start: int,
    out_path: Path | None,
    engine_url: str | None,
    **backend: Any,
) -> None:
    """Answer a benchmark suite (../shared/bench format), write predictions, print the score."""
    from tablepilot.eval_bridge import run_evaluation

    run_evaluation(
        suite_dir,
        limit=limit,
        every=every,
        start=start,
        out_path=out_path,
        console=out,
        engine_url=engine_url,
        **backend,
    )


for _command in (inspect_command, model, serve, mcp, token, knowledge):
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="tablepilot")
