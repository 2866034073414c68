"""The session's derived tables, with an undo/redo history of whole states.

A derived table is materialised once (``CREATE TABLE <name> AS <guarded SELECT>``, written by host
code on the engine's own in-memory DuckDB) and never changed afterwards. A state is the tuple of
visible tables, the latest one and the conversation turns; undo and redo move between states, so
they restore tables, rows and "the latest table" exactly, without running anything. Tables that
only a discarded redo branch could reach are dropped when a new operation truncates that branch.

Derived tables live in the ``main`` schema next to the loaded tables, under names that never
collide with them: the guard, the profiler and the value index all address tables by bare name,
and a second schema would have to be threaded through each of them. Only the tables of the current
state are shown to the model and accepted by the guard; undone ones stay hidden until redone.

Only engines that hold their data in tablepilot's own DuckDB can have derived tables. A
PostgreSQL database is never written to, and copying its tables here would silently answer later
questions from a stale copy, so operations there raise ``WorkspaceError`` (questions still work,
and their results can be saved).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from tablepilot.catalog import ColumnInfo, TableInfo
from tablepilot.data.names import quote_ident, table_name_from, unique_name
from tablepilot.engines.base import Engine
from tablepilot.engines.duckdb_engine import DuckDBEngine
from tablepilot.errors import WorkspaceError
from tablepilot.profile import TableProfile, describe_tables, profile_table

#: tables described in detail in the prompt (newest first); older ones are listed by name
DESCRIBED_TABLES = 3
DESCRIBE_BUDGET_TOKENS = 450

KIND_NAMES_ZH = {
    "filter": "筛选",
    "select": "选列",
    "rename": "改列名",
    "compute": "加列",
    "sort": "排序",
    "dedupe": "去重",
    "fill": "填充",
    "dropna": "去空",
    "convert": "转换",
    "aggregate": "汇总",
    "pivot": "透视",
    "unpivot": "逆透视",
    "join": "合并",
    "union": "追加",
    "topn": "前N",
    "sample": "抽样",
    "derive": "结果",
    "name": "结果",
}
KIND_NAMES_EN = {
    "filter": "filtered",
    "select": "columns",
    "rename": "renamed",
    "compute": "with_column",
    "sort": "sorted",
    "dedupe": "deduped",
    "fill": "filled",
    "dropna": "no_missing",
    "convert": "converted",
    "aggregate": "summary",
    "pivot": "pivot",
    "unpivot": "unpivot",
    "join": "joined",
    "union": "combined",
    "topn": "top",
    "sample": "sample",
    "derive": "result",
    "name": "result",
}


#: the ``source`` of a table made in the session (``TableInfo.source`` of loaded tables is their path)
MADE_HERE = "(made in this session)"


@dataclass(frozen=True)
class DerivedTable:
    """One table the conversation made: its name, the request and the SQL that made it."""

    name: str
    kind: str
    request: str
    sql: str
    columns: tuple[ColumnInfo, ...]
    row_count: int
    profile: TableProfile | None = field(default=None, compare=False, repr=False)

    def info(self) -> TableInfo:
        return TableInfo(
            name=self.name,
            columns=self.columns,
            row_count=self.row_count,
            source=MADE_HERE,
            description=self.request,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "request": self.request,
            "sql": self.sql,
            "columns": [c.name for c in self.columns],
            "row_count": self.row_count,
        }


@dataclass(frozen=True)
class WorkspaceState:
    """What undo/redo restore. ``turns_before``/``turns_after``: the conversation around the operation."""

    tables: tuple[DerivedTable, ...] = ()
    latest: str | None = None
    turns_before: tuple[Any, ...] = ()
    turns_after: tuple[Any, ...] = ()


class Workspace:
    """Derived tables of one session over one engine; see the module docstring."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._states: list[WorkspaceState] = [WorkspaceState()]
        self._pos = 0
        self._made = itertools.count(1)

    # -- what is visible ---------------------------------------------------------------------------

    @property
    def supported(self) -> bool:
        return isinstance(self._engine, DuckDBEngine)

    @property
    def state(self) -> WorkspaceState:
        return self._states[self._pos]

    @property
    def tables(self) -> list[DerivedTable]:
        return list(self.state.tables)

    @property
    def latest(self) -> DerivedTable | None:
        return self.get(self.state.latest) if self.state.latest else None

    @property
    def can_undo(self) -> bool:
        return self._pos > 0

    @property
    def can_redo(self) -> bool:
        return self._pos < len(self._states) - 1

    def get(self, name: str) -> DerivedTable | None:
        folded = name.casefold()
        return next((t for t in self.state.tables if t.name.casefold() == folded), None)

    # -- making tables -----------------------------------------------------------------------------

    def _duckdb(self) -> DuckDBEngine:
        if not isinstance(self._engine, DuckDBEngine):
            raise WorkspaceError(
                f"tables cannot be made over a {self._engine.dialect} database: it is never written to",
                hint="ask it as a question instead, and save the result with --save (ask) or /save (chat)",
            )
        return self._engine

    def new_name(self, kind: str, language: str, wanted: str | None = None) -> str:
        """A readable name no loaded, derived or hidden table has: the one asked for, else ``筛选1``…"""
        self._duckdb()  # a database engine gets its clear error here, before the model is asked
        taken = [t.name for t in self._engine.tables()] + [t.name for s in self._states for t in s.tables]
        n = next(self._made)
        if wanted:
            base = table_name_from(wanted)
        elif language == "zh":
            base = f"{KIND_NAMES_ZH.get(kind, '结果')}{n}"
        else:
            base = f"{KIND_NAMES_EN.get(kind, 'result')}_{n}"
        return unique_name(base, taken)

    def add(
        self,
        name: str,
        sql: str,
        *,
        kind: str,
        request: str,
        turns_before: Sequence[Any] = (),
        turns_after: Sequence[Any] = (),
        timeout_s: float = 30.0,
    ) -> DerivedTable:
        """Materialise ``sql`` (a query the guard accepted) as ``name`` and make it the latest table."""
        engine = self._duckdb()
        self._truncate_redo()
        described = engine.create_table(name, sql, timeout_s=timeout_s)
        try:
            columns = tuple(ColumnInfo(c, t) for c, t in described)
            row = engine.connection.execute(f"SELECT count(*) FROM {quote_ident(name)}").fetchone()
            table = DerivedTable(name, kind, request, sql, columns, int(row[0]) if row else 0)
            profile = profile_table(engine.connection, table.info())
        except BaseException:
            engine.drop_table(name)
            raise
        table = DerivedTable(name, kind, request, sql, columns, table.row_count, profile)
        self._states.append(
            WorkspaceState(
                tables=(*self.state.tables, table),
                latest=name,
                turns_before=tuple(turns_before),
                turns_after=tuple(turns_after),
            )
        )
        self._pos += 1
        return table

    def _truncate_redo(self) -> None:
        """A new operation forgets the undone ones; their tables are dropped."""
        if not self.can_redo:
            return
        kept = self._states[: self._pos + 1]
        alive = {t.name for s in kept for t in s.tables}
        for state in self._states[self._pos + 1 :]:
            for t in state.tables:
                if t.name not in alive:
                    self._duckdb().drop_table(t.name)
                    alive.add(t.name)
        self._states = kept

    # -- undo / redo -------------------------------------------------------------------------------

    def undo(self) -> WorkspaceState:
        """Go back one operation; returns the state that was undone (its turns_before is the past)."""
        if not self.can_undo:
            raise WorkspaceError("nothing to undo", hint="undo works after an operation made a table")
        undone = self.state
        self._pos -= 1
        return undone

    def redo(self) -> WorkspaceState:
        """Re-apply the operation undo took back (no model call, the same table)."""
        if not self.can_redo:
            raise WorkspaceError("nothing to redo", hint="redo works right after an undo")
        self._pos += 1
        return self.state

    # -- reading -----------------------------------------------------------------------------------

    def read(self, name: str) -> pa.Table:
        table = self.get(name)
        if table is None:
            raise WorkspaceError(f"no derived table {name}", hint="list the tables with /tables")
        return self._duckdb().read_arrow(table.name)

    def describe(self) -> str:
        """The prompt text for the derived tables: newest in detail, older by name, then the latest."""
        tables = self.state.tables
        if not tables:
            return ""
        shown = tables[-DESCRIBED_TABLES:]
        profiles = [t.profile for t in shown if t.profile is not None]
        lines = ["-- Tables made earlier in this conversation (use them like the tables above):"]
        lines.append(describe_tables(profiles, budget_tokens=DESCRIBE_BUDGET_TOKENS))
        older = tables[:-DESCRIBED_TABLES]
        if older:
            lines.append("-- older made tables: " + ", ".join(quote_ident(t.name) for t in older))
        latest = quote_ident(self.state.latest or tables[-1].name)
        lines.append(f'-- The latest table is {latest}; "it", "this table", "它", "这个表" mean {latest}.')
        return "\n".join(lines)
