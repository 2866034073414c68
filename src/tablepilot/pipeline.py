"""The ask loop, top to bottom: describe data → prompt → model → extract → guard → run → repair → answer.

Every value in an answer comes from a result the engine returned; the model only ever writes SQL.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Literal

from tablepilot.answer import Answer, Attempt, ResultTable, json_cell
from tablepilot.answer_text import (
    Display,
    answer_values,
    compose_text,
    question_language,
)
from tablepilot.catalog import TableInfo
from tablepilot.charts import recommend_chart
from tablepilot.data.names import quote_ident, quote_literal
from tablepilot.engines.base import Engine
from tablepilot.engines.joins import ForeignKeyLike, join_lines
from tablepilot.errors import BackendError, GuardError, QueryError, SandboxError, TablepilotError
from tablepilot.knowledge import hooks as knowledge_hooks
from tablepilot.knowledge.model import Knowledge
from tablepilot.linking import ValueIndex, ValueLink
from tablepilot.llm.base import LLM, Completion, Message
from tablepilot.mending import Rerunner, checked
from tablepilot.method_choice import Method, choose_method
from tablepilot.profile import TableProfile, describe_tables, profile_table
from tablepilot.python_path import PythonRunner, ask_with_python
from tablepilot.query_runner import QueryRunner
from tablepilot.result_checks import (
    found_nothing,
    result_problem,
    value_of,
)
from tablepilot.sideways import named_labels, sideways_data, sideways_labels, sideways_name
from tablepilot.sql.extract import extract_sql
from tablepilot.sql.lineage import passthrough_columns
from tablepilot.sql.name_hints import close_columns, tables_in
from tablepilot.sql.ties import tie_at_cut
from tablepilot.voting import Candidate, answer_key, choose

CANNOT_ANSWER = "CANNOT_ANSWER"
#: when greedy decoding repeats a failed query, one sampled try at this temperature finds another
SAMPLED_RETRY_TEMPERATURE = 0.7
#: the end of a fenced query, or the model going on to invent the next example question
STOP = ["\n```", "\nQuestion:"]

Progress = Callable[[str], None]
ExampleStyle = Literal["turns", "text", "off"]


@dataclass(frozen=True)
class AskOptions:
    """Knobs of one question; defaults are tuned for a 1.5B model on 2 CPU cores."""

    max_attempts: int = 3
    max_rows: int = 1000
    timeout_s: float = 30.0
    budget_tokens: int = 700
    #: first rows of each table shown in the description (when the budget allows); 0: none
    sample_rows: int = 0
    max_tokens: int = 320
    history_turns: int = 3
    #: "auto" picks Python (in the sandbox) for statistics and SQL otherwise; "sql"/"python" force one
    method: Method = "auto"
    #: model calls the Python path may make when SQL failed first
    python_fallback_attempts: int = 2
    knowledge_tokens: int = 250  # metrics, default filters and join hints of the knowledge file
    explain: bool = False  # fill Answer.explanation (plain-language steps of the executed SQL)
    #: worked examples before the tables: as chat turns, as system text, or none (docs/accuracy.md)
    sql_examples: ExampleStyle = "turns"
    #: queries the model writes for the first try, run and voted on (the greedy one and samples;
    #: a backend that cannot sample cheaply writes only the greedy one). 1, no vote, is the
    #: default: with the embedded 1.5B model four did not help and cost 7 s a question
    #: (docs/accuracy.md, experiment 68)
    candidates: int = 1
    candidate_temperature: float = 0.7


@dataclass(frozen=True)
class Turn:
    """What a follow-up question needs to know about an earlier one."""

    question: str
    sql: str | None
    columns: tuple[str, ...] = ()
    row_count: int = 0
    code: str | None = None  # set when the turn was answered with Python


@dataclass
class DataContext:
    """What the model is told about the data; built once per set of tables and reused across questions."""

    engine: Engine
    tables: list[TableInfo]
    profiles: list[TableProfile]
    index: ValueIndex
    _prefix_cache: dict[tuple[int, int], str] = field(default_factory=dict)
    #: the session's derived tables (``workspace``), described after the stable prefix of the sources
    derived_text: str = ""
    knowledge: Knowledge | None = None  # business knowledge (docs/knowledge.md); set by Session

    @classmethod
    def build(cls, engine: Engine) -> DataContext:
        tables = engine.tables()
        profile_con = getattr(engine, "profile_connection", None)  # DuckDB-based profiling for every engine
        con = profile_con() if callable(profile_con) else getattr(engine, "connection", None)
        if con is None:
            raise TablepilotError(
                f"the {type(engine).__name__} engine cannot be profiled yet",
                hint="use files or a DuckDB/SQLite database for now",
            )
        profiles = [_with_row_count(profile_table(con, t), t) for t in tables]
        index = ValueIndex.build(con, tables)
        return cls(engine=engine, tables=tables, profiles=profiles, index=index)

    @functools.cached_property
    def display(self) -> Display:
        """How the source wrote the cells of typed columns (see ``answer_text.answer_values``)."""
        forms = getattr(self.engine, "display_forms", None)
        return forms() if callable(forms) else {}

    def describe(
        self, question: str, links: Sequence[ValueLink], budget_tokens: int, sample_rows: int = 0
    ) -> str:
        """The table description. It only depends on the question when the tables exceed the budget, so
        that for ordinary data it is a stable prompt prefix whose KV cache the local model reuses."""
        key = (budget_tokens, sample_rows)
        if key not in self._prefix_cache:
            full = describe_tables(self.profiles, budget_tokens=1_000_000, sample_rows=sample_rows)
            fitted = describe_tables(self.profiles, budget_tokens=budget_tokens, sample_rows=sample_rows)
            self._prefix_cache[key] = fitted if fitted == full else ""
        stable = self._prefix_cache[key]
        text = stable or describe_tables(
            self.profiles,
            question=question,
            links=links,
            budget_tokens=budget_tokens,
            sample_rows=sample_rows,
        )
        text += join_lines(getattr(self.engine, "foreign_keys", ()), text)  # join paths, when known
        return text + (f"\n{self.derived_text}" if self.derived_text else "")


def _with_row_count(profile: TableProfile, table: TableInfo) -> TableProfile:
    """A profile built from a sample states the table's real row count."""
    if table.row_count <= profile.row_count:
        return profile
    return replace(profile, row_count=table.row_count, sampled=True)


DIALECT_NAMES = {"duckdb": "DuckDB", "postgres": "PostgreSQL", "spark": "Spark", "mysql": "MySQL"}


#: DuckDB tables keep the file's row order in the ``rowid`` pseudo-column. Said only to questions about
#: positions in the table: in the system prompt it tempted the model into ORDER BY rowid everywhere.
ORDER_HINTS = {"duckdb": "Row order of the file: ORDER BY rowid (first row first)."}
_POSITION = re.compile(
    r"(?i)\b(first|last)\b(?!\s+names?\b)"  # "first name" is no position
    r"|\b(next|previous|before|after|above|below|listed|preceding|following|top of|bottom)\b"
    r"|\b(at|on) the (very )?top\b"
    r"|第一|最后|上一|下一|前一|后一|之前|之后|排在"
)


@functools.cache
def _prompt_file(name: str) -> str:
    """A prompt text shipped with the package; read once per process (it is on every question's path)."""
    return resources.files("tablepilot.prompts").joinpath(name).read_text(encoding="utf-8").strip()


def system_prompt(dialect: str = "duckdb") -> str:
    return _prompt_file("sql_system.txt").replace("{dialect}", DIALECT_NAMES.get(dialect, dialect))


def _examples(dialect: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The made-up example table's description lines and its (question, SQL) pairs for ``dialect``."""
    lines = _prompt_file("sql_examples.txt").splitlines()[1:]
    first = next(i for i, line in enumerate(lines) if line.startswith("Question: "))
    pairs = [(lines[i][len("Question: ") :], lines[i + 1]) for i in range(first, len(lines) - 1, 2)]
    if dialect not in ORDER_HINTS:  # rowid is DuckDB's
        pairs = [(q, sql) for q, sql in pairs if "rowid" not in sql]
    return lines[:first], pairs


@functools.cache
def opening_messages(dialect: str = "duckdb", examples: ExampleStyle = "turns") -> tuple[Message, ...]:
    """What every SQL prompt opens with, the table description to be appended to the last message.

    Rules and worked examples on a made-up table are the same for every question and table, so the
    local model reads them once per process (KV prefix reuse, and a saved state across processes).
    """
    rules = system_prompt(dialect)
    if examples == "off":
        return (Message("system", rules + "\n\n"),)
    table, pairs = _examples(dialect)
    if examples == "text":
        shown = "\n".join(f"Question: {q}\n{sql}" for q, sql in pairs)
        text = "\n".join(["Examples, for a different table:", *table]) + "\n" + shown
        return (Message("system", f"{rules}\n\n{text}\n\nThe tables of this question:\n"),)
    out = [Message("system", rules)]
    for i, (q, sql) in enumerate(pairs):
        intro = (
            "An example table, not the one of the real questions:\n" + "\n".join(table) + "\n"
            if i == 0
            else ""
        )
        out.append(Message("user", f"{intro}Question: {q}"))
        out.append(Message("assistant", f"```sql\n{sql}\n```"))
    out.append(Message("system", "Now the real tables; answer questions about these only.\n"))
    return tuple(out)


def build_messages(
    question: str,
    description: str,
    links: Sequence[ValueLink],
    history: Sequence[Turn] = (),
    *,
    dialect: str = "duckdb",
    task: str = "",
    notes: Sequence[str] = (),
    examples: ExampleStyle = "turns",
) -> list[Message]:
    """Stable part first (instructions, examples, tables), then earlier turns, then the question with
    its links, ``notes`` (e.g. what a value alias of the knowledge file means) and ``task`` (what
    kind of result the request needs, e.g. a whole new table)."""
    *opening, last = opening_messages(dialect, examples)
    messages = [*opening, Message(last.role, last.content + description)]
    for turn in history:
        if turn.sql is None and turn.code is not None:
            continue  # a Python turn; the Python path shows those
        messages.append(Message("user", f"Question: {turn.question}"))
        messages.append(Message("assistant", f"```sql\n{turn.sql or 'SELECT NULL'}\n```"))
    hints = [_link_hint(links, question), *notes]
    if dialect in ORDER_HINTS and _POSITION.search(question):
        hints.append(ORDER_HINTS[dialect])
    hint = "\n".join(h for h in [*hints, task] if h)
    messages.append(Message("user", f"Question: {question}" + (f"\n{hint}" if hint else "")))
    return messages


def system_text(messages: Sequence[Message]) -> str:
    """The system messages of a prompt (rules, table description, knowledge), joined."""
    return "\n".join(m.content for m in messages if m.role == "system")


def _link_hint(links: Sequence[ValueLink], question: str) -> str:
    """Cells the question mentions, as SQL conditions the model can copy.

    A long or multi-line cell is offered as ILIKE on the words the question used, because a
    small model copies only part of such a literal and then matches nothing.
    """
    if not links:
        return ""
    several_tables = len({ln.table for ln in links}) > 1
    lines = []
    for ln in links:
        column = quote_ident(ln.column)
        if several_tables:
            column = f"{quote_ident(ln.table)}.{column}"
        value = ln.value
        if ln.contains:
            lines.append(
                f"- {column} ILIKE {quote_literal('%' + value + '%')} (cells such as {quote_literal(ln.example)})"
            )
            continue
        asked = question.casefold()
        word = max((w for w in re.findall(r"\w+", value) if w.casefold() in asked), key=len, default="")
        if ("\n" in value or len(value) > 40) and len(word) >= 3:
            lines.append(f"- {column} ILIKE {quote_literal('%' + word + '%')}")
        else:
            lines.append(f"- {column} = {quote_literal(value)}")
    return "Cells that match words of the question:\n" + "\n".join(lines)


def ask_question(
    context: DataContext,
    llm: LLM,
    question: str,
    *,
    history: Sequence[Turn] = (),
    options: AskOptions = AskOptions(),
    progress: Progress | None = None,
    python: PythonRunner | None = None,
    task: str = "",
) -> Answer:
    """Answer one question. Never raises for per-question failures: they land in ``Answer.error``.

    ``python`` is the session's sandbox; without one (or without bubblewrap) the Python path is off
    and an answer that wanted it says why.
    """
    started = time.perf_counter()
    say = progress or (lambda _stage: None)
    answer = Answer(question=question, backend=llm.backend, model=llm.model)
    question = question.strip()
    if not question:
        answer.error = {"code": "input_error", "message": "the question is empty", "hint": "ask something"}
        return answer

    say("understanding")
    links = context.index.link(question, limit=8)
    description = context.describe(question, links, options.budget_tokens, options.sample_rows)
    turns, notes = list(history[-options.history_turns :]), []
    if context.knowledge is not None:
        prepared = knowledge_hooks.prepare(
            context.knowledge, description, question, options, context.engine.dialect
        )
        description, notes = prepared.description, prepared.notes
        asked = {t.question for t in turns}  # few-shot examples first, then the conversation
        turns = [Turn(e.question, e.sql) for e in prepared.examples if e.question not in asked] + turns
    if choose_method(question, options.method) == "python":  # the sandbox is probed only when wanted
        python_problem = (
            python.unavailable() if python is not None else "no sandbox was set up for this session"
        )
        if python_problem is None and python is not None:
            return _python_answer(
                context, llm, python, question, description, history, answer, options, say, started
            )
        if options.method == "python":
            off = SandboxError(
                f"Python analysis is off: {python_problem}",
                hint="install bubblewrap: apt-get install bubblewrap",
            )
            return _failed(answer, off, started)
        answer.notes.append(f"Python analysis is off ({python_problem}); answered with SQL instead.")
    messages = build_messages(
        question,
        description,
        links,
        turns,
        dialect=context.engine.dialect,
        task=task,
        notes=notes,
        examples=options.sql_examples,
    )
    table_names = [t.name for t in context.tables]
    known_names = [*table_names, *(c.name for t in context.tables for c in t.columns)]
    table_columns = {t.name: [c.name for c in t.columns] for t in context.tables}
    column_types = {t.name: {c.name: c.type for c in t.columns} for t in context.tables}
    try:
        llm.prime(opening_messages(context.engine.dialect, options.sql_examples))
    except TablepilotError as exc:
        return _failed(answer, exc, started)
    # the answer should the tries run out: the latest result that found something (each retry
    # answers a named problem of the one before), else the latest that found nothing
    fallback: tuple[str, ResultTable] | None = None
    fallback_empty = False
    raised: set[str] = set()  # kinds of result problem already sent back
    rewrites: dict[str, list[str]] = {}  # a query the loop mended itself → the notes that say how
    last_error: TablepilotError | None = None
    temperature = 0.0
    vote_note: str | None = None  # how the first query was chosen among several, when not greedy
    sideways_offered = False
    allowed, calls = options.max_attempts, 0
    runner = Rerunner(
        context.engine, table_names, options.max_rows, options.timeout_s, _rows_in_file_order(context)
    )
    queries = QueryRunner(
        context.engine,
        question,
        links,
        table_names,
        known_names,
        table_columns,
        column_types,
        runner,
        knowledge=context.knowledge,
        max_rows=options.max_rows,
        timeout_s=options.timeout_s,
    )

    while calls < allowed:
        calls += 1
        say("writing SQL")
        try:
            if calls == 1 and options.candidates > 1:
                replies = llm.complete_many(
                    messages,
                    n=options.candidates,
                    temperature=options.candidate_temperature,
                    max_tokens=options.max_tokens,
                    stop=STOP,
                )
                chosen, vote_note = _vote(replies, question, queries)
                completion = replies[chosen]
                for other in replies[:chosen] + replies[chosen + 1 :]:  # read and written all the same
                    answer.prompt_tokens += other.prompt_tokens
                    answer.completion_tokens += other.completion_tokens
            else:
                completion = llm.complete(
                    messages, temperature=temperature, max_tokens=options.max_tokens, stop=STOP
                )
        except TablepilotError as exc:
            last_error = exc
            answer.attempts.append(Attempt(sql=None, error=exc.message))
            if fallback is not None:
                return _finish(
                    context,
                    answer,
                    question,
                    *fallback,
                    started,
                    notes=rewrites.get(fallback[0], ()),
                    timeout_s=options.timeout_s,
                )
            return _failed(answer, exc, started)  # the model itself failed: Python would fail the same way
        answer.model = llm.model  # a remote backend may learn its model name on the first call
        answer.prompt_tokens += completion.prompt_tokens
        answer.completion_tokens += completion.completion_tokens
        if completion.completion_tokens >= options.max_tokens:  # it ran on (nesting, repeating itself)
            last_error = BackendError(
                f"the model's reply ran past {options.max_tokens} tokens without ending",
                hint="rephrase the question more simply, or use a larger model (--base-url / --model)",
            )
            answer.attempts.append(Attempt(sql=None, error=last_error.message))
            if temperature > 0:
                break
            temperature = SAMPLED_RETRY_TEMPERATURE  # not fed back: reading it again costs as much
            continue
        sql = extract_sql(_closed(completion.text))
        messages.append(Message("assistant", _closed(completion.text.strip())))
        if sql is None:
            last_error = BackendError(
                "the model replied without an SQL query",
                hint="try rephrasing the question, or use a larger model (--base-url / --model)",
                reply=completion.text[:500],
            )
            answer.attempts.append(Attempt(sql=None, error=last_error.message))
            messages.append(Message("user", "Reply with one SQL query in a ```sql code block."))
            continue
        if CANNOT_ANSWER in sql:
            answer.attempts.append(Attempt(sql=sql))
            answer.sql = sql
            return _unanswerable(answer, question, started)
        repeated = next((a for a in answer.attempts if a.sql == sql), None)
        if repeated is not None:
            if repeated.error is None or temperature > 0:
                break  # it stands by a query that ran, or sampling repeated a failed one too
            temperature = SAMPLED_RETRY_TEMPERATURE  # greedy decoding repeated itself: sample once instead
            messages.pop()
            continue
        try:
            say("running")
            safe_sql, result, notes_now = queries.run(sql)
            if calls == 1 and vote_note is not None:
                notes_now = [*notes_now, vote_note]
            if notes_now:
                rewrites[safe_sql] = notes_now
        except (GuardError, QueryError) as exc:
            last_error = exc
            answer.attempts.append(Attempt(sql=sql, error=exc.message))
            cells = _cells_named_as_columns(exc, context.index)
            turned = (
                None
                if sideways_offered
                else _offer_sideways(context, exc, cells, options.timeout_s, question)
            )
            if turned is not None:
                sideways_offered = True
                allowed += 1  # a new table to read: the tries so far were on the other one
                info, request = turned
                table_names.append(info.name)
                known_names.extend([info.name, *(c.name for c in info.columns)])
                table_columns[info.name] = [c.name for c in info.columns]
                messages.append(Message("user", request))
            else:
                messages.append(
                    Message(
                        "user",
                        _repair_request(
                            exc,
                            context.tables,
                            cells,
                            sql,
                            context.engine.dialect,
                            getattr(context.engine, "foreign_keys", ()),
                        ),
                    )
                )
            continue
        answer.attempts.append(Attempt(sql=safe_sql))
        empty = found_nothing(question, safe_sql, result)
        problem = None
        if calls < allowed:  # each kind of problem is sent back once
            problem = result_problem(
                question,
                safe_sql,
                result,
                links,
                context.index,
                raised,
                runner.values,
                context.engine.dialect,
                row_order=_rows_in_file_order(context),
                columns=table_columns,
            )
        if problem is not None:
            raised.add(problem.kind)
            if fallback is None or fallback_empty or not empty:
                fallback, fallback_empty = (safe_sql, result), empty
            messages.append(Message("user", problem.request))
            continue
        if empty and fallback is not None and not fallback_empty:
            break  # this try found nothing where an earlier one found something
        return _finish(
            context,
            answer,
            question,
            safe_sql,
            result,
            started,
            explain=options.explain,
            notes=rewrites.get(safe_sql, ()),
            timeout_s=options.timeout_s,
        )

    if fallback is not None:
        return _finish(
            context,
            answer,
            question,
            *fallback,
            started,
            explain=options.explain,
            notes=rewrites.get(fallback[0], ()),
            timeout_s=options.timeout_s,
        )
    err = last_error or BackendError("no answer was produced", hint="try rephrasing the question")
    sql_failed = isinstance(
        last_error, (GuardError, QueryError)
    )  # not "no SQL at all": Python would not help
    if sql_failed and options.method == "auto" and python is not None and python.unavailable() is None:
        answer.notes.append("SQL did not work for this question; answered with Python in the sandbox.")
        fallback_options = replace(options, max_attempts=options.python_fallback_attempts)
        tried = _python_answer(
            context, llm, python, question, description, history, answer, fallback_options, say, started
        )
        if tried.error is None:
            return tried
        answer.notes.pop()
        answer.method = "sql"  # the SQL error is the one reported
    return _failed(answer, err, started)


def _closed(reply: str) -> str:
    """The reply with the closing fence the stop sequence cut off put back."""
    return reply + ("\n```" if "```" in reply else "")


def _vote(replies: Sequence[Completion], question: str, queries: QueryRunner) -> tuple[int, str | None]:
    """Which reply's query to go on with (``voting.choose``), and a note when it is not the greedy one."""
    candidates = []
    for reply in replies:
        sql = extract_sql(_closed(reply.text))
        key = None
        if sql is not None and CANNOT_ANSWER not in sql:
            try:
                safe_sql, result, _ = queries.run(sql)
            except (GuardError, QueryError):
                pass
            else:
                if not found_nothing(question, safe_sql, result):
                    key = answer_key(question, result)
        candidates.append(Candidate(key))
    chosen = choose(candidates)
    if chosen == 0:
        return 0, None
    agreeing = sum(1 for c in candidates if c.key is not None and c.key == candidates[chosen].key)
    why = (
        "the most likely one failed or found nothing"
        if candidates[0].key is None
        else "more of them agreed on its answer than on the most likely query's"
    )
    return chosen, (
        f"The model wrote {len(replies)} queries for this question; this one was kept because {why} "
        f"({agreeing} of {len(replies)} found this answer)."
    )


def _failed(answer: Answer, err: TablepilotError, started: float) -> Answer:
    answer.error = err.to_dict()
    answer.text = err.message
    answer.seconds = round(time.perf_counter() - started, 3)
    return answer


def _python_answer(
    context: DataContext,
    llm: LLM,
    python: PythonRunner,
    question: str,
    description: str,
    history: Sequence[Turn],
    answer: Answer,
    options: AskOptions,
    say: Progress,
    started: float,
) -> Answer:
    """The question through the sandbox; the answer records the code and that Python made it."""
    answer.method = "python"
    earlier = [(t.question, t.code) for t in history[-options.history_turns :] if t.code is not None]
    try:
        outcome = ask_with_python(
            llm,
            python,
            question,
            description,
            answer,
            attempts=options.max_attempts,
            max_tokens=options.max_tokens,
            timeout_s=options.timeout_s,
            history=earlier,
            say=say,
        )
    except SandboxError as exc:  # the sandbox itself could not start
        return _failed(answer, exc, started)
    answer.model = llm.model
    if outcome is None:
        answer.method = "python"
        return _unanswerable(answer, question, started)
    if isinstance(outcome, TablepilotError):
        return _failed(answer, outcome, started)
    code, result = outcome
    answer.method = "python"
    answer.code = code
    answer.sql = None
    _fill(answer, question, result, {})
    answer.seconds = round(time.perf_counter() - started, 3)
    return answer


def _rows_in_file_order(context: DataContext) -> bool:
    """One file's rows (a sheet, a CSV and its split-off totals) keep the file's order in DuckDB's
    rowid, and questions lean on it; a database's tables (foreign keys, one file each) have none."""
    return (
        context.engine.dialect == "duckdb"
        and not getattr(context.engine, "foreign_keys", ())
        and len({t.source for t in context.tables}) == 1
    )


_NAME_ERRORS = ("not found", "does not exist", "does not have a column", "unknown_table", "Binder Error")


_MISSING_COLUMN = re.compile(r'column (?:named )?"([^"]+)"', re.IGNORECASE)
_MISSING_TABLE = re.compile(r'Table with name|relation "[^"]+" does not exist|no such table', re.IGNORECASE)


def _cells_named_as_columns(
    exc: GuardError | QueryError, index: ValueIndex
) -> list[tuple[str, tuple[str, str, str]]]:
    """Each missing "column" of the error that is a cell: (name, (table, column, value))."""
    found = []
    for missing in dict.fromkeys(_MISSING_COLUMN.findall(exc.message)):
        held = value_of(index, missing)
        if held is not None:
            found.append((missing, held))
    return found


def _repair_request(
    exc: GuardError | QueryError,
    tables: Sequence[TableInfo],
    cells: Sequence[tuple[str, tuple[str, str, str]]] = (),
    sql: str = "",
    dialect: str = "duckdb",
    foreign_keys: Sequence[ForeignKeyLike] = (),
) -> str:
    """The error, and for a wrong name the exact quoted names: small models drop the quotes of
    names such as "Winner(s)" and then call a function ``winner``. A "column" that is really a
    cell of a label column (``"本期金额"`` where 项目 holds '本期金额', from
    ``_cells_named_as_columns``) is said to be one: the model read the table sideways, and the
    bare list of names does not tell it so. A missing column is answered with the columns named
    like it, and only the tables the query used are listed (see ``sql.name_hints``)."""
    text = f"That query failed: {exc.message}"
    if any(marker in exc.message or marker == exc.data.get("reason") for marker in _NAME_ERRORS):
        for missing, (table, column, value) in cells:
            text += (
                f"\n{quote_ident(missing)} is not a column: it is a value of column {quote_ident(column)}"
                f" of {quote_ident(table)}; filter rows with WHERE {quote_ident(column)} = {quote_literal(value)}."
            )
        listed = tables_in(sql, dialect, tables) if sql else []
        used = {t.name for t in listed}  # the tables the query read, before the suggested ones join them
        as_cells = {missing for missing, _ in cells}
        for missing in dict.fromkeys(_MISSING_COLUMN.findall(exc.message)):
            close = [] if missing in as_cells else close_columns(missing, tables)
            if close:
                text += f"\nColumns named like {quote_ident(missing)}: " + ", ".join(
                    f"{quote_ident(t)}.{quote_ident(c)}" for t, c in close
                )
                text += _join_hint({t for t, _ in close} - used, used, foreign_keys)
                listed.extend(t for t in tables if t.name in {name for name, _ in close} and t not in listed)
        if not listed or _MISSING_TABLE.search(exc.message) or exc.data.get("reason") == "unknown_table":
            listed = list(tables[:8])  # a missing table: every table is a candidate
        names = "; ".join(
            f"{quote_ident(t.name)}: " + ", ".join(quote_ident(c.name) for c in t.columns[:60])
            for t in listed[:8]
        )
        text += f"\nUse these names exactly, in double quotes: {names}"
    return text + "\nWrite a corrected query."


def _join_hint(wanted: set[str], used: set[str], foreign_keys: Sequence[ForeignKeyLike]) -> str:
    """How to reach a table the query did not read, holding the column it asked for: the declared
    key between it and a table the query reads ("JOIN "DEPARTMENT" ON …")."""
    lines = [
        f"\nThat column is in {quote_ident(t)}, which the query does not read; join it: "
        f"JOIN {quote_ident(t)} ON {fk.join_sql()}"
        for t in sorted(wanted)
        for fk in foreign_keys
        if {fk.table, fk.ref_table} & {t} and ({fk.table, fk.ref_table} - {t}) & used
    ]
    return "".join(dict.fromkeys(lines[:3]))


def _offer_sideways(
    context: DataContext,
    exc: GuardError | QueryError,
    cells: Sequence[tuple[str, tuple[str, str, str]]],
    timeout_s: float,
    question: str = "",
) -> tuple[TableInfo, str] | None:
    """For a "column" that is a row label of a small table: that table read sideways, registered
    for this question, and the request to query it (see ``tablepilot.sideways``). The rows of the
    turned table the question names are said too: the model otherwise selects the column for all
    of them (the items and their total)."""
    register = getattr(context.engine, "register_arrow", None)
    con = context.engine.profile_connection()
    if (
        not isinstance(exc, QueryError)
        or context.engine.dialect != "duckdb"
        or not callable(register)
        or con is None
    ):
        return None
    for missing, (table_name, column, value) in cells:
        table = next((t for t in context.tables if t.name == table_name), None)
        if table is None or not table.columns or table.columns[0].name != column:
            continue
        info = next((t for t in context.engine.tables() if t.name == sideways_name(table)), None)
        if info is None:
            try:
                data = sideways_data(context.engine, table, context.display, timeout_s=timeout_s)
            except TablepilotError:
                return None
            if data is None:
                return None
            info = register(
                sideways_name(table),
                data,
                source=table.source,
                notes=(f"{table.name} read sideways: the values of {column!r} are its columns",),
                infer_types=True,
            )
            context.__dict__.pop("display", None)  # its cells' written forms join the cached ones
        text = describe_tables([_with_row_count(profile_table(con, info), info)], budget_tokens=600)
        label = quote_ident(info.columns[0].name)
        named = named_labels(question, sideways_labels(table))
        where = ""
        if named:
            listed = ", ".join(quote_literal(v) for v in named)
            where = (
                f" The question is about the row{'s' if len(named) > 1 else ''} {listed}: "
                f"filter WHERE {label} {'IN (' + listed + ')' if len(named) > 1 else '= ' + listed}."
            )
        return info, (
            f"That query failed: {exc.message}\n{quote_ident(missing)} is a row label of {quote_ident(table.name)}, "
            f"not a column. Read sideways (its row labels as columns) the table is:\n{text}\n"
            f"Write the query on {quote_ident(info.name)}: there {quote_ident(missing)} is a column, so select it "
            f"and do not filter {quote_ident(column)} by {quote_literal(value)}.{where}"
        )
    return None


def answer_sql(context: DataContext, question: str, sql: str, options: AskOptions = AskOptions()) -> Answer:
    """Run SQL a person wrote (``/fix``) through the same guard and answer-making as generated SQL;
    raises ``GuardError``/``QueryError`` instead of asking a model to repair it."""
    started = time.perf_counter()
    answer = Answer(question=question.strip(), backend="user", model="")
    table_names = [t.name for t in context.tables]
    safe_sql = checked(sql.strip(), context.engine.dialect, table_names)
    result = context.engine.execute(safe_sql, max_rows=options.max_rows, timeout_s=options.timeout_s)
    answer.attempts.append(Attempt(sql=safe_sql))
    return _finish(
        context,
        answer,
        answer.question,
        safe_sql,
        result,
        started,
        explain=options.explain,
        timeout_s=options.timeout_s,
    )


def _finish(
    context: DataContext,
    answer: Answer,
    question: str,
    sql: str,
    result: ResultTable,
    started: float,
    *,
    explain: bool = False,
    notes: Sequence[str] = (),
    timeout_s: float = 30.0,
) -> Answer:
    """``notes``: how the ask loop mended the model's query, when it did."""
    answer.sql = sql
    answer.notes.extend(notes)
    _fill(answer, question, result, _result_display(context, sql, result))
    tie = _tie_note(context, sql, result, timeout_s)
    if tie is not None:
        answer.notes.append(tie)
    knowledge_hooks.finish(context.knowledge, answer, question, context.engine.dialect, explain=explain)
    answer.seconds = round(time.perf_counter() - started, 3)
    return answer


def _tie_note(context: DataContext, sql: str, result: ResultTable, timeout_s: float) -> str | None:
    """A note when the rows a LIMIT cut off begin with one equal to the last row shown."""

    def run(probe_sql: str) -> list[list[object]] | None:
        try:
            safe = checked(probe_sql, context.engine.dialect, [t.name for t in context.tables])
            return context.engine.execute(safe, max_rows=len(result.rows) + 1, timeout_s=timeout_s).rows
        except (GuardError, QueryError):
            return None

    found = tie_at_cut(sql, len(result.rows), run, dialect=context.engine.dialect)
    if found is None:
        return None
    probe, rows = found
    values = ", ".join(
        f"{k} = {v}" for k, v in zip(probe.keys, rows[probe.shown][probe.width :], strict=False)
    )
    return (
        f"Another row ties with the last one shown ({values}): LIMIT {probe.shown} picked among equal "
        "rows, so the answer is one of several; ask for all of them to see the others."
    )


def _fill(answer: Answer, question: str, result: ResultTable, display: Display) -> None:
    """The answer's values, sentence, table and chart, all from the executed result (SQL or Python)."""
    answer.columns = list(result.columns)
    answer.rows = [list(r) for r in result.rows]
    answer.truncated = result.truncated
    answer.answer = answer_values(result, display, question)
    answer.text = compose_text(question, result, display)
    answer.chart = recommend_chart(question, answer.columns, [[json_cell(v) for v in r] for r in answer.rows])


def _result_display(context: DataContext, sql: str, result: ResultTable) -> Display:
    """Display forms keyed by result column: through aliases (``"2020年度" AS "损失"``), never for
    computed columns; by name only when the query's outputs cannot be traced (``SELECT *``)."""
    base = context.display
    if not base:
        return {}
    sources = passthrough_columns(sql, dialect=context.engine.dialect)
    if len(sources) != len(result.columns):
        return {c: base[c] for c in result.columns if c in base}
    return {
        c: base[src]
        for c, src in zip(result.columns, sources, strict=True)
        if src is not None and src in base
    }


def _unanswerable(answer: Answer, question: str, started: float) -> Answer:
    zh = question_language(question) == "zh"
    message = (
        "这些表中的数据无法回答这个问题。" if zh else "The data in these tables cannot answer this question."
    )
    answer.text = message
    answer.error = {
        "code": "unanswerable",
        "message": message,
        "hint": "check the available columns with `tablepilot describe`, or rephrase the question",
    }
    answer.seconds = round(time.perf_counter() - started, 3)
    return answer
