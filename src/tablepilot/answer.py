"""The answer object and its one JSON shape (``--json``, the HTTP API and the web page share it)."""

from __future__ import annotations

import datetime as _dt
import decimal
import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class ResultTable:
    """Rows of an executed query; ``truncated`` is true when the row cap cut it."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = False


@dataclass(frozen=True)
class Attempt:
    """One try of the generate → guard → run loop."""

    sql: str | None
    error: str | None = None
    kind: str = "sql"  # "sql" or "python"


@dataclass
class Answer:
    question: str
    answer: list[str] = field(default_factory=list)
    text: str = ""
    sql: str | None = None
    code: str | None = None
    #: "sql" or "python": which path produced the result
    method: str = "sql"
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    truncated: bool = False
    chart: dict[str, Any] | None = None
    seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    backend: str = ""
    model: str = ""
    attempts: list[Attempt] = field(default_factory=list)
    #: things the user should know about how the answer was made (e.g. why Python was not used)
    notes: list[str] = field(default_factory=list)
    error: dict[str, Any] | None = None
    #: the table this request made (name, kind, request, sql, columns, row_count); ``rows`` preview it
    table: dict[str, Any] | None = None
    metrics: list[str] = field(default_factory=list)  # business metrics the SQL used (knowledge file)
    explanation: str | None = None  # plain-language steps of the SQL (--explain)

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["rows"] = [[json_cell(v) for v in row] for row in self.rows]
        return d

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


def is_number(value: Any) -> bool:
    """A numeric result cell (a bool is not a number here)."""
    return isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool)


def json_cell(value: Any) -> Any:
    """A result cell as a JSON-safe value (dates as ISO text, decimals as numbers, NaN as null)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, decimal.Decimal):
        f = float(value)
        return int(f) if value == value.to_integral_value() and abs(f) < 2**53 else f
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def cell_text(value: Any) -> str:
    """A result cell as the answer string a person expects: ``12`` not ``12.0``, no float noise."""
    v = json_cell(value)
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return f"{v:.10g}" if abs(v) >= 1e-4 else repr(v)
    return str(v)
