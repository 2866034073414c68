"""What every `tablepilot` command shares: the consoles, one-line error reporting, backend flags.

Its own module so that command modules (model, serve, inspect…) and cli.py can both import it
without importing each other.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape

from tablepilot.errors import TablepilotError

F = TypeVar("F", bound=Callable[..., Any])

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)



def report_error(exc: TablepilotError) -> None:
    err.print(f"[bold red]error:[/] {escape(exc.message)}", markup=True, highlight=False)
    if exc.hint:
        err.print(f"[yellow]hint:[/] {escape(exc.hint)}", markup=True, highlight=False)


def guarded(func: F) -> F:
    """Turn our errors into one clear line and an exit code; never show a traceback to users."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TablepilotError as exc:
            if os.environ.get("TABLEPILOT_DEBUG"):
                raise
            report_error(exc)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            err.print("interrupted")
            sys.exit(130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:
            if os.environ.get("TABLEPILOT_DEBUG"):
                raise
            err.print(f"[bold red]internal error:[/] {type(exc).__name__}: {exc}", markup=True, highlight=False)
            err.print("[yellow]hint:[/] rerun with TABLEPILOT_DEBUG=1 for details and report it", markup=True)
            sys.exit(70)

    return wrapper  # type: ignore[return-value]


def backend_options(func: F) -> F:
    for option in reversed(
        [
            click.option("--backend", type=click.Choice(["openai", "llama.cpp", "fake"]), help="LLM backend."),
            click.option("--base-url", help="OpenAI-compatible server, e.g. http://localhost:8000/v1."),
            click.option("--model", "model", help="Model name, a known embedded model (default, small) or a .gguf path."),
            click.option("--api-key", help="API key (or set TABLEPILOT_API_KEY / OPENAI_API_KEY)."),
        ]
    ):
        func = option(func)
    return func
