"""The `tablepilot chat` loop: readline editing and history, rich tables, a few slash commands."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from rich.console import Console

if TYPE_CHECKING:
    from tablepilot.answer import Answer
    from tablepilot.session import Session

HELP = """Type a question in Chinese or English, or ask for a table ("把华东的订单单独拿出来"). Commands:
  /sql      show the last SQL      /json   show the last answer as JSON
  /reset    forget earlier turns   /help   this text      /quit   leave (or Ctrl-D)
  /good     (or 👍) the last answer is right: remember it as an example for similar questions
  /fix SQL  (or 👎) the right SQL for the last question: run it, show it, remember it
"""


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


def _feedback(session: Session, last: Answer | None, line: str, out: Console, err: Console) -> Answer | None:
    """/good stores the last question → SQL as a confirmed example; /fix SQL runs and stores the right SQL."""
    from tablepilot.cli import print_answer
    from tablepilot.errors import TablepilotError

    if last is None:
        err.print("ask a question first", markup=False)
        return None
    sql = line.split(None, 1)[1].strip() if len(line.split(None, 1)) > 1 else ""
    if line.startswith(("/fix", "👎")) and not sql:
        err.print("write the right SQL after it: /fix SELECT …", markup=False)
        return None
    if not sql and (last.error is not None or not last.sql):
        err.print(
            "the last question has no answer to confirm; give the right SQL with /fix SELECT …", markup=False
        )
        return None
    try:
        fixed = session.confirm(last.question, sql or last.sql)
    except TablepilotError as exc:
        err.print(f"not stored: {exc}", markup=False)
        return None
    if sql:
        print_answer(fixed)
    where = session.knowledge_path or "this session"
    out.print(f"remembered as an example for similar questions ({where})", markup=False)
    return fixed


def run_repl(session: Session, out: Console, err: Console) -> None:
    from tablepilot.cli import print_answer
    from tablepilot.workspace.commands import HELP as TABLE_HELP
    from tablepilot.workspace.commands import handle_command, save_as_asked
    from tablepilot.workspace.intent import classify

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
            out.print(HELP + TABLE_HELP, markup=False)
        elif handle_command(session, line, out, err):
            pass
        elif line == "/reset":
            session.reset()
            out.print("earlier turns forgotten")
        elif line == "/sql":
            out.print(last.sql if last is not None and last.sql else "(no SQL yet)", markup=False)
        elif line == "/json":
            out.print(last.to_json(indent=2) if last is not None else "(no answer yet)", markup=False)
        elif line in ("/good", "👍") or line.startswith(("/fix", "👎")):
            last = _feedback(session, last, line, out, err) or last
        elif line.startswith("/"):
            err.print(f"unknown command {line.split()[0]}; /help lists them", markup=False)
        else:
            intent = classify(line)
            if intent is not None and intent.export and not intent.makes_table:
                save_as_asked(session, intent, err)  # "导出成 Excel": no model needed
                continue
            try:
                with err.status("understanding…", spinner="dots") as status:
                    last = session.ask(line, progress=lambda stage: status.update(f"{stage}…"))
            except KeyboardInterrupt:
                err.print("interrupted")
                continue
            print_answer(last)
            if intent is not None and intent.export and last.ok:
                save_as_asked(session, intent, err)
            if last.chart is not None:
                _save_repl_chart(last, err)
