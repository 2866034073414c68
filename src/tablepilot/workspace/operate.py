"""One table operation, end to end: prompt the model for the SELECT of the whole new table, guard and
run it (the ordinary ask loop, with its repairs), materialise it, and say what was done.

Also what a session saves with ``export``: a named table (loaded or derived), or else the latest
result: the last question's result table (re-queried in full if the answer showed only part of it),
or the latest derived table, whichever came last.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import pyarrow as pa

from tablepilot.answer import Answer
from tablepilot.answer_text import question_language
from tablepilot.catalog import TableInfo
from tablepilot.data.names import mention_pattern, quote_ident
from tablepilot.engines.duckdb_engine import DuckDBEngine
from tablepilot.errors import TablepilotError, WorkspaceError
from tablepilot.export import arrow_from_rows
from tablepilot.pipeline import Progress, Turn, answer_sql, ask_question
from tablepilot.workspace.intent import Intent
from tablepilot.workspace.store import MADE_HERE, DerivedTable

if TYPE_CHECKING:
    from tablepilot.session import Session

PREVIEW_ROWS = 20
#: a result re-queried for saving may have at most this many rows
EXPORT_MAX_ROWS = 10_000_000

#: one DuckDB idiom per kind: small models copy a pattern far more reliably than they recall syntax
KIND_HINTS = {
    "filter": 'SELECT * FROM "t" WHERE …',
    "select": 'SELECT "a", "b" FROM "t", or SELECT * EXCLUDE ("c") FROM "t"',
    "rename": 'SELECT * RENAME ("old" AS "new") FROM "t"',
    "compute": 'SELECT *, <expression> AS "new column" FROM "t"',
    "sort": 'SELECT * FROM "t" ORDER BY "c" DESC',
    "dedupe": 'one row per key: SELECT DISTINCT ON ("key") * FROM "t" ORDER BY "key"',
    "fill": 'SELECT * REPLACE (COALESCE("c", \'value\') AS "c") FROM "t"',
    "dropna": 'SELECT * FROM "t" WHERE "c" IS NOT NULL',
    "convert": 'SELECT * REPLACE (TRY_CAST("c" AS DATE) AS "c") FROM "t"',
    "aggregate": 'SELECT "g", SUM("x") AS "x" FROM "t" GROUP BY "g"',
    # conditional aggregation rather than DuckDB's PIVOT statement: the 1.5B model kept writing
    # "SELECT … FROM t PIVOT SUM(x) ON c", which no dialect parses, and it knows FILTER well
    "pivot": (
        'SELECT "row column", SUM("value") FILTER (WHERE "col" = \'v1\') AS "v1", '
        'SUM("value") FILTER (WHERE "col" = \'v2\') AS "v2" FROM "t" GROUP BY "row column" '
        '(one column for each value of "col" listed in the table description)'
    ),
    "unpivot": 'UNPIVOT "t" ON "c1", "c2" INTO NAME "name" VALUE "value"',
    "join": 'SELECT * FROM "a" LEFT JOIN "b" USING ("key")',
    "union": 'SELECT * FROM "a" UNION ALL BY NAME SELECT * FROM "b"',
    # <n> rather than a number: the model copied "100" into "随机抽 5 行"
    "topn": 'SELECT * FROM "t" ORDER BY "c" DESC LIMIT <n> (n = the number of rows asked for)',
    "sample": 'SELECT * FROM "t" USING SAMPLE <n> ROWS (n = the number of rows asked for)',
}


def task_text(
    intent: Intent, latest: DerivedTable | None, question: str = "", tables: Sequence[TableInfo] = ()
) -> str:
    """The instruction that turns the ask loop's "answer this" into "write the whole new table".

    A table the request names, or the one table holding the columns it names when the latest table
    lacks them ("把客户表里城市为空的…" after a pivot of orders), is said outright: a small model told
    "the latest table unless the request names another" keeps starting from the latest one."""
    lines = [
        (
            "This request makes a new table. Write one SELECT whose result is the whole new table: every row, "
            "and every column of the table it starts from unless the request removes or adds columns. "
            "No LIMIT unless the request asks for a number of rows."
        )
    ]
    named = named_tables(question, [t.name for t in tables]) or _holding_columns(question, tables, latest)
    if named:
        lines.append(
            "Start from the table " + ", ".join(quote_ident(t) for t in named) + " (named in the request)."
        )
    elif latest is not None:
        lines.append(
            f"Start from the latest table {quote_ident(latest.name)} unless the request names another table."
        )
    hints = [KIND_HINTS[k] for k in intent.kinds if k in KIND_HINTS][:2]
    if hints:
        lines.append("DuckDB pattern: " + "; ".join(hints))
    return "\n".join(lines)


def _holding_columns(question: str, tables: Sequence[TableInfo], latest: DerivedTable | None) -> list[str]:
    """The one table that has every column the request names, when the latest table does not."""
    asked = {
        c for t in tables for c in t.column_names if len(c) >= 2 and re.search(mention_pattern(c), question)
    }
    by_name = {t.name: t for t in tables}
    if not asked or (
        latest is not None and latest.name in by_name and asked <= set(by_name[latest.name].column_names)
    ):
        return []
    holding = [t for t in tables if asked <= set(t.column_names)]
    loaded = [t for t in holding if t.source != MADE_HERE]  # "客户表" means the loaded one, not a copy
    for group in (holding, loaded):
        if len(group) == 1:
            return [group[0].name]
    return []


def named_tables(question: str, tables: Sequence[str]) -> list[str]:
    """Tables a request names: whole words for ASCII names, the longest match when names overlap."""
    found = [t for t in tables if re.search(mention_pattern(t), question, re.IGNORECASE)]
    return [t for t in found if not any(t != o and t.casefold() in o.casefold() for o in found)]


def _planned_pivot(session: Session, intent: Intent, question: str) -> Answer | None:
    """A pivot whose three columns the request names plainly, made without a model call."""
    from tablepilot.workspace.pivot_plan import plan_pivot, start_table

    latest = session.workspace.latest
    table = start_table(question, session.context.tables, latest.name if latest else None)
    try:
        sql = plan_pivot(question, table, session.engine, session.options.timeout_s) if table else None
        answer = answer_sql(session.context, question, sql, session.options) if sql else None
    except TablepilotError:
        return None  # the model gets its turn
    if answer is not None:
        answer.backend, answer.model = session.llm.backend, session.llm.model
        answer.notes.append("pivot read from the request's column names (no model call)")
    return answer


def run_operation(
    session: Session, intent: Intent, question: str, progress: Progress | None = None
) -> Answer:
    """Make the table ``intent`` asks for and record it in the session's workspace.

    Like ``ask_question`` it never raises for a failed request: the error lands in ``Answer.error``.
    """
    workspace = session.workspace
    question = question.strip()
    language = question_language(question)
    answer = Answer(question=question, backend=session.llm.backend, model=session.llm.model)
    try:
        if not intent.makes_table:
            raise WorkspaceError(
                "saving to a file is not a question",
                hint="use --save out.xlsx (ask), /save out.xlsx (chat) or session.export(path)",
            )
        if not workspace.supported:
            workspace.new_name(intent.kind, language)  # raises the clear "never written" error
        turns = tuple(session.history)
        if intent.kind == "name":  # naming the latest table needs no model: a copy under the new name
            latest = workspace.latest
            if latest is None:
                raise WorkspaceError(
                    "there is no table to name yet", hint="make one first, e.g. 把华东的订单单独拿出来"
                )
            name = workspace.new_name(intent.kind, language, intent.name)
            answer.sql = f"SELECT * FROM {quote_ident(latest.name)}"
            table = workspace.add(
                name, answer.sql, kind="name", request=question, turns_before=turns, turns_after=turns
            )
        else:
            planned = _planned_pivot(session, intent, question) if "pivot" in intent.kinds else None
            answer = planned or ask_question(
                session.context,
                session.llm,
                question,
                history=session.history,
                options=replace(session.options, method="sql"),  # a table is made by one SELECT
                progress=progress,
                task=task_text(intent, workspace.latest, question, session.context.tables),
            )
            if answer.error is not None or answer.sql is None:
                return answer
            if progress is not None:
                progress("making the table")
            name = workspace.new_name(intent.kind, language, intent.name)
            made = Turn(f"{question} (made table {quote_ident(name)})", answer.sql, tuple(answer.columns))
            table = workspace.add(
                name,
                answer.sql,
                kind=intent.kind,
                request=question,
                turns_before=turns,
                turns_after=(*turns, made),
                timeout_s=session.options.timeout_s,
            )
    except TablepilotError as exc:
        answer.error = exc.to_dict()
        answer.text = exc.message
        return answer
    _describe_result(session, answer, table, language)
    return answer


def _describe_result(session: Session, answer: Answer, table: DerivedTable, language: str) -> None:
    preview = session.engine.execute(f"SELECT * FROM {quote_ident(table.name)}", max_rows=PREVIEW_ROWS)
    answer.columns = list(preview.columns)
    answer.rows = preview.rows
    answer.truncated = preview.truncated
    answer.answer = [table.name]
    answer.chart = None
    answer.table = table.to_dict()
    rows, cols = table.row_count, len(table.columns)
    if language == "zh":
        answer.text = f"已生成新表 {quote_ident(table.name)}：{rows} 行 × {cols} 列。"
    else:
        answer.text = f"Made the table {quote_ident(table.name)}: {rows} rows × {cols} columns."


def export_data(session: Session, table: str | None = None) -> tuple[pa.Table, str]:
    """The rows ``Session.export`` saves, and a sheet name for them."""
    if table is not None:
        return _named_table(session, table), table
    last = session.last_result
    if last is not None:
        if last.truncated and last.sql:
            result = session.engine.execute(
                last.sql, max_rows=EXPORT_MAX_ROWS, timeout_s=session.options.timeout_s
            )
            if result.truncated:
                raise WorkspaceError(
                    f"the result has more than {EXPORT_MAX_ROWS:,} rows",
                    hint="save a filtered or aggregated result instead",
                )
            return arrow_from_rows(result.columns, result.rows), "result"
        return arrow_from_rows(last.columns, last.rows), "result"
    latest = session.workspace.latest
    if latest is not None:
        return session.workspace.read(latest.name), latest.name
    raise WorkspaceError(
        "there is no result to save yet",
        hint="ask a question or make a table first, or name a table: /save out.xlsx orders",
    )


def _named_table(session: Session, name: str) -> pa.Table:
    derived = session.workspace.get(name)
    if derived is not None:
        return session.workspace.read(derived.name)
    folded = name.casefold()
    source = next((t for t in session.engine.tables() if t.name.casefold() == folded), None)
    if source is None:
        names = ", ".join(session.tables) or "(none)"
        raise WorkspaceError(f"there is no table {name}", hint=f"the tables are: {names}")
    if isinstance(session.engine, DuckDBEngine):
        return session.engine.read_arrow(source.name)
    result = session.engine.execute(
        f"SELECT * FROM {quote_ident(source.name)}",
        max_rows=EXPORT_MAX_ROWS,
        timeout_s=session.options.timeout_s,
    )
    return arrow_from_rows(result.columns, result.rows)
