"""The sandbox contract: model-written Python runs somewhere else, never in this process.

A sandbox holds one warm worker per session so that follow-up turns keep their variables and do
not pay the start-up again. Failures of the *code* (exceptions, limits, timeouts) come back as a
``SandboxResult`` with ``error`` set, so a repair loop can show them to the model; failures of the
*sandbox itself* (not installed, cannot start) raise ``SandboxError``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Self

if TYPE_CHECKING:
    import pyarrow

ResultKind = Literal["table", "scalar", "list", "none"]


@dataclass(frozen=True)
class SandboxResult:
    """What one ``run`` produced; every value in ``rows`` is JSON-safe.

    A scalar arrives as ``columns == ["result"]`` and one row, a list as one row per item.
    """

    kind: ResultKind = "none"
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    stdout: str = ""
    error: str | None = None
    seconds: float = 0.0
    truncated: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def value(self) -> Any:
        """The answer as a plain value: the scalar, the list, or the rows of a table."""
        if self.kind == "scalar":
            return self.rows[0][0] if self.rows else None
        if self.kind == "list":
            return [row[0] for row in self.rows]
        if self.kind == "table":
            return self.rows
        return None


class Sandbox(ABC):
    """Runs untrusted pandas code against a session's tables."""

    @classmethod
    @abstractmethod
    def check(cls) -> str | None:
        """``None`` when this sandbox can run on this machine, else why not (with the fix)."""

    @classmethod
    def available(cls) -> bool:
        return cls.check() is None

    @abstractmethod
    def start(self, tables: Mapping[str, pyarrow.Table]) -> None:
        """Start the worker with these tables (DataFrames named by their table names)."""

    @abstractmethod
    def run(self, code: str, *, timeout_s: float = 20.0) -> SandboxResult:
        """Run ``code``; its last expression or a variable ``result`` is the answer."""

    @abstractmethod
    def close(self) -> None:
        """Stop the worker and delete the session's files."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
