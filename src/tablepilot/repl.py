"""The `tablepilot chat` loop: readline editing and history, rich tables, a few slash commands."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from rich.console import Console

if TYPE_CHECKING:
    from tablepilot.answer import Answer
    from tablepilot.session import Session

HELP = """Type a question in Chinese or English. Commands:
  /tables   list the tables        /sql    show the last SQL
  /reset    forget earlier turns   /json   show the last answer as JSON
  /help     this text              /quit   leave (or Ctrl-D)"""


def _enable_readline() -> None:
    with contextlib.suppress(ImportError):
        import readline

        from tablepilot.settings import data_dir

        history = data_dir() / "chat_history"
        with contextlib.suppress(OSError):
            history.parent.mkdir(parents=True, exist_ok=True)
            if history.exists():
                readline.read_history_file(history)
            import atexit

            atexit.register(lambda: _save_history(readline, history))


def _save_history(readline: object, path: object) -> None:
    with contextlib.suppress(OSError):
        readline.set_history_length(1000)  # type: ignore[attr-defined]
        readline.write_history_file(path)  # type: ignore[attr-defined]


def _save_repl_chart(answer: Answer, err: Console) -> None:
    """Charts from the chat go to the user's data dir, one PNG per answer; the path is printed."""
    import time

    from tablepilot.cli import save_chart
    from tablepilot.errors import TablepilotError
    from tablepilot.settings import data_dir

    path = data_dir() / "charts" / f"chart-{time.strftime('%Y%m%d-%H%M%S')}.png"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        save_chart(answer, path)
    except (OSError, TablepilotError) as exc:
        err.print(f"chart not saved: {exc}", markup=False)


def run_repl(session: Session, out: Console, err: Console) -> None:
    from tablepilot.cli import print_answer

    _enable_readline()
    out.print(f"tables: {', '.join(session.tables)}  ·  model: {session.llm.backend} {session.llm.model}")
    out.print("[dim]/help for commands, Ctrl-D to leave[/]")
    last = None
    while True:
        try:
            line = input("❯ ").strip()
        except EOFError:
            out.print()
            return
        except KeyboardInterrupt:
            out.print()
            continue
        if not line:
            continue
        if line in ("/quit", "/exit", "/q"):
            return
        if line == "/help":
            out.print(HELP, markup=False)
        elif line == "/tables":
            out.print("\n".join(session.tables), markup=False)
        elif line == "/reset":
            session.reset()
            out.print("earlier turns forgotten")
        elif line == "/sql":
            out.print(last.sql if last is not None and last.sql else "(no SQL yet)", markup=False)
        elif line == "/json":
            out.print(last.to_json(indent=2) if last is not None else "(no answer yet)", markup=False)
        elif line.startswith("/"):
            err.print(f"unknown command {line.split()[0]}; /help lists them", markup=False)
        else:
            try:
                with err.status("understanding…", spinner="dots") as status:
                    last = session.ask(line, progress=lambda stage: status.update(f"{stage}…"))
            except KeyboardInterrupt:
                err.print("interrupted")
                continue
            print_answer(last)
            if last.chart is not None:
                _save_repl_chart(last, err)
