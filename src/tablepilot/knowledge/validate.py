"""Check knowledge against the data it describes: names exist, metrics and filters run, aliases match.

Run when knowledge is added or edited (not on every question): a metric must parse *and* run on the
data before it is saved, so a typo is caught while the person is still looking at it. Every query is
guard-checked and runs read-only with a row cap, like a generated one.
"""

from __future__ import annotations

from collections.abc import Sequence

from tablepilot.catalog import TableInfo
from tablepilot.data.names import quote_ident, quote_literal
from tablepilot.engines.base import Engine
from tablepilot.errors import GuardError, KnowledgeError, QueryError
from tablepilot.knowledge.metrics import metric_sql, parse_condition, referenced_columns
from tablepilot.knowledge.model import Knowledge
from tablepilot.sql.guard import check_readonly

HINT = "fix it with `tablepilot knowledge edit`, or check the names with `tablepilot describe`"


def _fold(name: str) -> str:
    return name.casefold()


class _Checker:
    def __init__(self, knowledge: Knowledge, engine: Engine, source: str) -> None:
        self.k = knowledge
        self.engine = engine
        self.source = source
        self.tables = {_fold(t.name): t for t in engine.tables()}

    def error(self, key: tuple[str, ...], message: str) -> KnowledgeError:
        line = self.k.line_of(*key)
        where = f"{self.source}, line {line}: " if line else (f"{self.source}: " if self.source else "")
        return KnowledgeError(f"{where}{message}", hint=HINT, path=self.source, line=line)

    def table(self, key: tuple[str, ...], name: str) -> TableInfo:
        t = self.tables.get(_fold(name))
        if t is None:
            names = ", ".join(t.name for t in self.tables.values())
            raise self.error(key, f"there is no table {name!r} (tables: {names})")
        return t

    def column(self, key: tuple[str, ...], table: TableInfo, name: str) -> None:
        if _fold(name) not in {_fold(c.name) for c in table.columns}:
            names = ", ".join(c.name for c in table.columns[:40])
            raise self.error(key, f"table {table.name!r} has no column {name!r} (columns: {names})")

    def home(self, key: tuple[str, ...], table: str, columns: Sequence[str], what: str) -> TableInfo:
        """The table named, else the one table holding all ``columns``."""
        if table:
            t = self.table(key, table)
            for c in columns:
                self.column(key, t, c)
            return t
        wanted = {_fold(c) for c in columns}
        holders = [t for t in self.tables.values() if wanted <= {_fold(c.name) for c in t.columns}]
        if not holders:
            missing = sorted(wanted - {_fold(c.name) for t in self.tables.values() for c in t.columns})
            detail = f"no column {', '.join(missing)}" if missing else "no one table holds all its columns"
            raise self.error(key, f"{what}: {detail}")
        return holders[0]

    def run(self, key: tuple[str, ...], sql: str, what: str) -> list[list[object]]:
        try:
            safe = check_readonly(
                sql, dialect=self.engine.dialect, tables=[t.name for t in self.tables.values()]
            )
            return self.engine.execute(safe, max_rows=50, timeout_s=30.0).rows
        except (GuardError, QueryError) as exc:
            raise self.error(key, f"{what} does not run on the data: {exc.message}") from None

    def check(self) -> None:
        k = self.k
        for tname, note in k.tables.items():
            t = self.table(("tables", tname), tname)
            for cname in note.columns:
                self.column(("tables", tname, cname), t, cname)
        for name, alias in k.aliases.items():
            key = ("aliases", name)
            t = self.home(key, alias.table, [alias.column], f"alias {name!r}")
            values = ", ".join(quote_literal(v) for v in alias.values)
            rows = self.run(
                key,
                f"SELECT COUNT(*) FROM {quote_ident(t.name)} WHERE CAST({quote_ident(alias.column)} AS VARCHAR) IN ({values})",
                f"alias {name!r}",
            )
            if not rows or not rows[0][0]:
                raise self.error(key, f"alias {name!r}: column {alias.column!r} holds none of {values}")
        for name, metric in k.metrics.items():
            key = ("metrics", name)
            t = self.home(
                key, metric.table, referenced_columns(metric, self.engine.dialect), f"metric {name!r}"
            )
            self.run(
                key,
                f"SELECT {metric_sql(metric, self.engine.dialect)} FROM {quote_ident(t.name)}",
                f"metric {name!r}",
            )
        for i, f in enumerate(k.filters):
            key = ("filters", str(i))
            cond = parse_condition(f.sql, self.engine.dialect)
            from sqlglot import exp

            columns = list(dict.fromkeys(c.name for c in cond.find_all(exp.Column)))
            t = self.home(key, "", columns, f"filter {f.sql!r}")
            self.run(key, f"SELECT COUNT(*) FROM {quote_ident(t.name)} WHERE {f.sql}", f"filter {f.sql!r}")
        for i, e in enumerate(k.examples):
            key = ("examples", str(i))
            try:
                check_readonly(
                    e.sql, dialect=self.engine.dialect, tables=[t.name for t in self.tables.values()]
                )
            except GuardError as exc:
                raise self.error(
                    key, f"the SQL of example {e.question!r} is refused: {exc.message}"
                ) from None


def check_against_data(knowledge: Knowledge, engine: Engine, source: str = "") -> None:
    """Raise ``KnowledgeError`` (with the file line when known) for the first item that does not fit."""
    _Checker(knowledge, engine, source).check()


def alias_column(engine: Engine, values: Sequence[str]) -> tuple[str, str]:
    """(table, column) of the text column holding the most of ``values`` (all of them wins)."""
    best: tuple[int, str, str] | None = None
    literal = ", ".join(quote_literal(v) for v in values)
    for t in engine.tables():
        for c in t.columns:
            if (
                "CHAR" not in c.type.upper()
                and "TEXT" not in c.type.upper()
                and "STRING" not in c.type.upper()
            ):
                continue
            sql = (
                f"SELECT COUNT(DISTINCT {quote_ident(c.name)}) FROM {quote_ident(t.name)} "
                f"WHERE {quote_ident(c.name)} IN ({literal})"
            )
            try:
                rows = engine.execute(check_readonly(sql, dialect=engine.dialect), max_rows=1).rows
            except (GuardError, QueryError):
                continue
            found = int(rows[0][0] or 0) if rows else 0
            if found and (best is None or found > best[0]):
                best = (found, t.name, c.name)
    if best is None:
        raise KnowledgeError(
            f"no column holds any of {literal}",
            hint='check the spelling against `tablepilot describe`, or name the column: "华东=地区:上海,江苏,浙江"',
        )
    return best[1], best[2]
