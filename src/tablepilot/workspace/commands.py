"""The chat's table commands: ``/tables``, ``/undo``, ``/redo``, ``/save PATH [TABLE]``, and saving
when a request asks for it in words ("导出成 Excel", "save it as east.csv")."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from tablepilot.data.names import unique_name
from tablepilot.errors import TablepilotError
from tablepilot.workspace.intent import Intent

if TYPE_CHECKING:
    from tablepilot.session import Session

HELP = """  /tables   the loaded tables and the ones made here (how each was made)
  /undo     take back the last table operation      /redo   re-apply it
  /save PATH [TABLE]   save a table (default: the latest result) as .xlsx, .csv or .parquet"""

_SQL_SHOWN = 160


def tables_text(session: Session) -> str:
    lines = []
    for t in session.engine.tables():
        where = f" · {t.source}{f' [{t.sheet}]' if t.sheet else ''}" if t.source else ""
        lines.append(f"{t.name}  ({t.row_count} rows × {len(t.columns)} columns){where}")
    latest = session.workspace.latest
    for d in session.derived_tables:
        mark = "  ← latest" if latest is not None and d.name == latest.name else ""
        sql = " ".join(d.sql.split())
        sql = sql if len(sql) <= _SQL_SHOWN else sql[: _SQL_SHOWN - 1] + "…"
        lines.append(
            f"{d.name}  ({d.row_count} rows × {len(d.columns)} columns) · made by: {d.request}{mark}"
        )
        lines.append(f"    SQL: {sql}")
    return "\n".join(lines)


def handle_command(session: Session, line: str, out: Console, err: Console) -> bool:
    """Run ``line`` if it is one of the table commands; False when it is not one."""
    word = line.split(maxsplit=1)[0]
    if word not in ("/tables", "/undo", "/redo", "/save"):
        return False
    try:
        if word == "/tables":
            out.print(tables_text(session), markup=False)
        elif word == "/undo":
            undone = session.undo()
            latest = session.workspace.latest
            out.print(
                f"undone: {undone.name if undone else 'the last operation'}"
                + (f"; latest table: {latest.name}" if latest else ""),
                markup=False,
            )
        elif word == "/redo":
            redone = session.redo()
            out.print(f"redone: {redone.name if redone else 'the operation'}", markup=False)
        else:
            args = shlex.split(line)[1:]
            if not args or len(args) > 2:
                err.print("usage: /save PATH [TABLE]   e.g. /save 华东.xlsx 筛选1", markup=False)
                return True
            written = session.export(args[0], args[1] if len(args) > 1 else None)
            out.print(f"saved to {written}", markup=False)
    except (TablepilotError, ValueError) as exc:
        _report(err, exc)
    return True


def save_as_asked(session: Session, intent: Intent, err: Console, folder: Path | None = None) -> Path | None:
    """Save the latest result the way a request said ("导出成 Excel"): its path, else a new file named
    after the table in ``folder`` (the working directory); an existing file is never overwritten
    unless the request named it."""
    try:
        if intent.export_path:
            target = Path(intent.export_path)
        else:
            folder = folder or Path.cwd()
            latest = session.workspace.latest
            stem = latest.name if latest is not None and session.last_result is None else "result"
            suffix = intent.export_format or "xlsx"
            taken = [p.stem for p in folder.glob(f"*.{suffix}")]
            target = folder / f"{unique_name(stem, taken)}.{suffix}"
        written = session.export(target)
    except TablepilotError as exc:
        _report(err, exc)
        return None
    err.print(f"saved to {written}", markup=False)
    return written


def _report(err: Console, exc: Exception) -> None:
    if isinstance(exc, TablepilotError):
        err.print(f"{exc.message}" + (f"\nhint: {exc.hint}" if exc.hint else ""), markup=False)
    else:
        err.print(str(exc), markup=False)
