"""The Python path: the model writes pandas code, the bubblewrap sandbox runs it, tracebacks come back.

Used for statistics that one SELECT expresses badly (see ``method_choice``) and as a fallback when SQL
failed. The code never runs in this process: a session keeps one warm jailed worker (``PythonRunner``)
so follow-ups reuse its variables and skip the start-up. Values in the answer come from what the
sandbox returned, exactly as SQL answers come from what the engine returned.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from importlib import resources
from typing import TYPE_CHECKING

from tablepilot.answer import Answer, Attempt, ResultTable
from tablepilot.catalog import TableInfo
from tablepilot.data.names import quote_ident
from tablepilot.engines.base import Engine
from tablepilot.errors import BackendError, SandboxError, TablepilotError
from tablepilot.llm.base import LLM, Message
from tablepilot.sandbox.base import Sandbox, SandboxResult
from tablepilot.sandbox.worker import plain_name

if TYPE_CHECKING:
    import pyarrow

CANNOT_ANSWER = "CANNOT_ANSWER"
#: Tables are copied into the sandbox as Parquet; beyond this the SQL path (which stays in DuckDB) is
#: the right tool, and the copy alone would take longer than an answer should.
MAX_SANDBOX_ROWS = 2_000_000
_PYTHON_LANGUAGES = frozenset({"python", "py", "python3", "pandas"})
_FENCE = re.compile(r"```[ \t]*([\w+-]*)[ \t]*\n(.*?)(?:```|\Z)", re.DOTALL)

SandboxFactory = Callable[[], Sandbox]


def _default_factory() -> Sandbox:
    from tablepilot.sandbox.bubblewrap import BubblewrapSandbox

    return BubblewrapSandbox()


def _sandbox_problem() -> str | None:
    from tablepilot.sandbox.bubblewrap import BubblewrapSandbox

    return BubblewrapSandbox.check()


class PythonRunner:
    """One warm sandbox worker for a session's tables, started on the first Python question."""

    def __init__(
        self,
        engine: Engine,
        tables: Sequence[TableInfo],
        *,
        factory: SandboxFactory = _default_factory,
        check: Callable[[], str | None] = _sandbox_problem,
        max_rows: int = MAX_SANDBOX_ROWS,
    ) -> None:
        self.engine = engine
        self.tables = list(tables)
        self._factory = factory
        self._check = check
        self.max_rows = max_rows
        self._sandbox: Sandbox | None = None
        self._problem: str | None = None
        self._checked = False
        self.startup_seconds = 0.0

    def unavailable(self) -> str | None:
        """Why the Python path is off here (with the fix), or ``None`` when it can run."""
        if not self._checked:
            self._checked = True
            self._problem = self._check()
            big = [t for t in self.tables if t.row_count > self.max_rows]
            if self._problem is None and big:
                self._problem = (
                    f"table {big[0].name!r} has {big[0].row_count:,} rows, more than the {self.max_rows:,} "
                    "the sandbox takes; ask it with SQL (the default)"
                )
        return self._problem

    def run(self, code: str, *, timeout_s: float) -> SandboxResult:
        problem = self.unavailable()
        if problem is not None:
            raise SandboxError(
                f"Python analysis is off: {problem}", hint="install bubblewrap: apt-get install bubblewrap"
            )
        if self._sandbox is None:
            started = time.perf_counter()
            sandbox = self._factory()
            sandbox.start({t.name: read_arrow(self.engine, t, self.max_rows) for t in self.tables})
            self._sandbox = sandbox
            self.startup_seconds = time.perf_counter() - started
        return self._sandbox.run(code, timeout_s=timeout_s)

    def close(self) -> None:
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None


def read_arrow(engine: Engine, table: TableInfo, max_rows: int) -> pyarrow.Table:
    """The whole table as Arrow: straight from DuckDB when the engine is DuckDB, else through a query."""
    import pyarrow as pa

    sql = f"SELECT * FROM {quote_ident(table.name)}"
    con = getattr(engine, "connection", None)
    if con is not None and hasattr(con, "cursor"):
        cursor = con.cursor()  # its own cursor: the engine's query lock is not needed to read
        try:
            return cursor.sql(f"{sql} LIMIT {int(max_rows)}").to_arrow_table()
        finally:
            cursor.close()
    result = engine.execute(sql, max_rows=max_rows, timeout_s=120.0)
    return pa.table({c: [row[i] for row in result.rows] for i, c in enumerate(result.columns)})


def frame_names(tables: Sequence[TableInfo]) -> str:
    """How each table is reached inside the sandbox (mirrors ``sandbox.worker.load_tables``)."""
    names = []
    for t in tables:
        names.append(f"`{t.name}`" if plain_name(t.name) else f"`tables[{t.name!r}]`")
    text = ", ".join(names)
    if len(tables) == 1:
        text += " (also `df`)"
    return text


def system_prompt(tables: Sequence[TableInfo]) -> str:
    text = resources.files("tablepilot.prompts").joinpath("python_system.txt").read_text(encoding="utf-8")
    return text.strip().replace("{frames}", frame_names(tables))


def python_messages(
    question: str, description: str, tables: Sequence[TableInfo], history: Sequence[tuple[str, str]] = ()
) -> list[Message]:
    """Instructions + tables first (a stable prefix), earlier Python turns, then the question."""
    messages = [Message("system", f"{system_prompt(tables)}\n\n{description}")]
    for asked, code in history:
        messages.append(Message("user", f"Question: {asked}"))
        messages.append(Message("assistant", f"```python\n{code}\n```"))
    messages.append(Message("user", f"Question: {question}"))
    return messages


def extract_code(reply: str) -> str | None:
    """The last Python block of a reply (an untagged block counts); bare code when there is no fence."""
    blocks: list[tuple[str, str]] = [
        (str(lang).lower(), str(body).strip()) for lang, body in _FENCE.findall(reply)
    ]
    for wanted in (lambda lang: lang in _PYTHON_LANGUAGES, lambda lang: lang == ""):
        found = [body for lang, body in blocks if wanted(lang) and body]
        if found:
            return found[-1]
    text = reply.strip()
    if not blocks and ("result" in text or "\n" in text) and not text.upper().startswith(("SELECT", "WITH")):
        return text or None
    return None


def as_result(outcome: SandboxResult) -> ResultTable:
    return ResultTable(
        columns=list(outcome.columns), rows=[list(r) for r in outcome.rows], truncated=outcome.truncated
    )


def _repair_request(outcome: SandboxResult) -> str:
    error = (outcome.error or "").strip()
    if len(error) > 1500:
        error = "…" + error[-1500:]
    advice = ""
    if "KeyError" in error:
        advice = "\nA KeyError means a wrong column or key: use the exact names listed, and numbers unquoted."
    return f"That code failed:\n{error}{advice}\nWrite corrected code."


def ask_with_python(
    llm: LLM,
    runner: PythonRunner,
    question: str,
    description: str,
    answer: Answer,
    *,
    attempts: int,
    max_tokens: int,
    timeout_s: float,
    history: Sequence[tuple[str, str]] = (),
    say: Callable[[str], None] = lambda _stage: None,
) -> tuple[str, ResultTable] | TablepilotError | None:
    """Write → run → repair, bounded. Returns (code, result), the error that ended the loop, or
    ``None`` when the model said the data cannot answer. Attempts and token counts land in ``answer``."""
    messages = python_messages(question, description, runner.tables, history)
    last_error: TablepilotError | None = None
    temperature = 0.0
    for _ in range(attempts):
        say("writing Python")
        try:
            # plain steps: drafting was measured on SQL replies only, and on one IQR question it
            # tipped the 1.5B model's first line into code that failed
            completion = llm.complete(
                messages, temperature=temperature, max_tokens=max_tokens, stop=["\n```"], draft=False
            )
        except TablepilotError as exc:
            answer.attempts.append(Attempt(sql=None, error=exc.message, kind="python"))
            return exc
        answer.prompt_tokens += completion.prompt_tokens
        answer.completion_tokens += completion.completion_tokens
        code = extract_code(completion.text)
        messages.append(Message("assistant", completion.text.strip()))
        if code is None:
            last_error = BackendError(
                "the model replied without Python code",
                hint="try rephrasing the question, or use a larger model (--base-url / --model)",
                reply=completion.text[:500],
            )
            answer.attempts.append(Attempt(sql=None, error=last_error.message, kind="python"))
            messages.append(Message("user", "Reply with the code in a ```python code block."))
            continue
        if any(a.kind == "python" and a.sql == code for a in answer.attempts):
            if temperature > 0:
                break  # sampling repeated it too: another try would fail the same way
            temperature = 0.7  # greedy decoding repeated itself: sample a different program once (as for SQL)
            messages.pop()
            continue
        say("running in the sandbox")
        outcome = runner.run(code, timeout_s=timeout_s)
        answer.notes.extend(n for n in outcome.notes if n not in answer.notes)
        if outcome.error is None and outcome.kind == "none":
            outcome = SandboxResult(error="the code did not set `result`; assign the answer to `result`")
        if outcome.error is not None:
            last_error = SandboxError(
                f"the Python code failed: {_last_line(outcome.error)}", hint="rephrase the question"
            )
            answer.attempts.append(Attempt(sql=code, error=_last_line(outcome.error), kind="python"))
            messages.append(Message("user", _repair_request(outcome)))
            continue
        answer.attempts.append(Attempt(sql=code, kind="python"))
        if outcome.kind == "scalar" and outcome.value == CANNOT_ANSWER:
            answer.code = code
            return None
        return code, as_result(outcome)
    return last_error or BackendError("no answer was produced", hint="try rephrasing the question")


def _last_line(error: str) -> str:
    lines = [ln for ln in error.strip().splitlines() if ln.strip()]
    return lines[-1].strip() if lines else error
