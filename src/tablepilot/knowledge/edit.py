"""Turn the one-line forms of `knowledge add` into knowledge items, resolving names against the data.

``"qty_2: 退货数量"`` finds the table holding ``qty_2``; ``"华东=上海,江苏,浙江"`` finds the column holding
those values; ``"退货=qty_2"`` is another name for a column; ``"GMV = sum(销售额) where …"`` is a metric.
Names are stored as the data spells them, so the file matches ``tablepilot describe``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tablepilot.catalog import TableInfo
from tablepilot.engines.base import Engine
from tablepilot.errors import KnowledgeError
from tablepilot.knowledge.metrics import parse_metric_definition, sql_problem
from tablepilot.knowledge.model import ColumnNote, DefaultFilter, Knowledge, TableNote, ValueAlias
from tablepilot.knowledge.store import dumps
from tablepilot.knowledge.validate import alias_column

_PAIR = re.compile(r"^\s*(?P<name>[^:：]+?)\s*[:：]\s*(?P<text>.+?)\s*$", re.DOTALL)
_VALUES = re.compile(r"\s*[,，、]\s*")


@dataclass(frozen=True)
class Additions:
    describes: Sequence[str] = ()
    synonyms: Sequence[str] = ()
    metrics: Sequence[str] = ()
    filters: Sequence[str] = ()
    joins: Sequence[str] = ()


def _unquote(name: str) -> str:
    name = name.strip()
    return name[1:-1] if len(name) > 1 and name[0] == name[-1] and name[0] in '"`' else name


class _Names:
    def __init__(self, tables: list[TableInfo]) -> None:
        self.tables = tables

    def table(self, name: str) -> TableInfo | None:
        return next((t for t in self.tables if t.name.casefold() == name.casefold()), None)

    def column(self, name: str) -> tuple[str, str] | None:
        """(table, column) for ``col`` or ``table.col``; an ambiguous bare name is an error."""
        if "." in name:
            tname, cname = name.split(".", 1)
            t = self.table(_unquote(tname))
            if t is not None:
                hit = next(
                    (c.name for c in t.columns if c.name.casefold() == _unquote(cname).casefold()), None
                )
                if hit is not None:
                    return t.name, hit
        name = _unquote(name)
        hits = [
            (t.name, c.name) for t in self.tables for c in t.columns if c.name.casefold() == name.casefold()
        ]
        if len(hits) > 1:
            raise KnowledgeError(
                f"column {name!r} is in several tables ({', '.join(t for t, _ in hits)})",
                hint=f"name the table: {hits[0][0]}.{name}",
            )
        return hits[0] if hits else None


def apply_additions(k: Knowledge, engine: Engine, add: Additions) -> list[str]:
    """Add each item to ``k``; returns one line per item saying what was added (for the user)."""
    names = _Names(engine.tables())
    done: list[str] = []
    for text in add.metrics:
        name, metric = parse_metric_definition(text, engine.dialect)
        old = k.metrics.get(name)
        if old is not None:
            metric.description, metric.table = old.description, old.table
        k.metrics[name] = metric
        done.append(f"metric {name} = {metric.sql}" + (f" where {metric.filter}" if metric.filter else ""))
    for text in add.describes:
        done.append(_describe(k, names, text))
    for text in add.synonyms:
        done.append(_synonym(k, names, engine, text))
    for text in add.filters:
        problem = sql_problem(text, "condition", engine.dialect)
        if problem:
            raise KnowledgeError(
                f"filter {text!r} is not valid SQL: {problem}",
                hint="write a condition, e.g. \"状态 != '测试'\"",
            )
        k.filters.append(DefaultFilter(text.strip()))
        done.append(f"filter {text.strip()}")
    for text in add.joins:
        problem = sql_problem(text, "condition", engine.dialect)
        if problem:
            raise KnowledgeError(
                f"join {text!r} is not valid SQL: {problem}", hint='write "orders.customer_id = customers.id"'
            )
        k.joins.append(text.strip())
        done.append(f"join {text.strip()}")
    return done


def _describe(k: Knowledge, names: _Names, text: str) -> str:
    m = _PAIR.match(text)
    if not m:
        raise KnowledgeError(f"cannot read {text!r}", hint='write "NAME: meaning", e.g. "qty_2: 退货数量"')
    name, meaning = m.group("name").strip(), m.group("text")
    if _unquote(name) in k.metrics:
        k.metrics[_unquote(name)].description = meaning
        return f"metric {_unquote(name)}: {meaning}"
    table = names.table(_unquote(name))
    if table is not None:
        k.tables.setdefault(table.name, TableNote()).description = meaning
        return f"table {table.name}: {meaning}"
    hit = names.column(name)
    if hit is None:
        raise KnowledgeError(
            f"there is no table, column or metric named {name!r}",
            hint="check the names with `tablepilot describe` (a metric must be added before it is described)",
        )
    note = k.tables.setdefault(hit[0], TableNote()).columns.setdefault(hit[1], ColumnNote())
    note.description = meaning
    return f"column {hit[0]}.{hit[1]}: {meaning}"


def _synonym(k: Knowledge, names: _Names, engine: Engine, text: str) -> str:
    word, sep, rest = text.partition("=")
    if not sep:
        word, sep, rest = text.partition("＝")
    word, rest = word.strip(), rest.strip()
    if not word or not rest:
        raise KnowledgeError(
            f"cannot read the synonym {text!r}",
            hint='write "华东=上海,江苏,浙江" (a word for several values) or "退货=qty_2" (a word for a column)',
        )
    values = [v for v in _VALUES.split(rest) if v]
    if len(values) == 1:
        hit = names.column(values[0])
        if hit is not None:
            note = k.tables.setdefault(hit[0], TableNote()).columns.setdefault(hit[1], ColumnNote())
            if word not in note.synonyms:
                note.synonyms.append(word)
            return f"synonym {word} → column {hit[0]}.{hit[1]}"
    column_part, colon, after = rest.partition(":")
    explicit = names.column(column_part.strip()) if colon else None
    if explicit is not None:
        table, column = explicit
        values = [v for v in _VALUES.split(after.strip()) if v]
    else:
        table, column = alias_column(engine, values)
    several = len(engine.tables()) > 1
    k.aliases[word] = ValueAlias(column=column, values=values, table=table if several else "")
    return f"alias {word} → {column} IN ({', '.join(values)})"


def template(engine: Engine) -> str:
    """A starting file for `knowledge edit`: every table and column, meanings left to fill in."""
    k = Knowledge()
    for t in engine.tables():
        k.tables[t.name] = TableNote(columns={c.name: ColumnNote() for c in t.columns})
    guide = (
        "# Fill in what the names do not say; delete what you do not need. Examples:\n"
        "#   columns:  qty_2: 退货数量        (or: {description: 退货数量, synonyms: [退货, returns]})\n"
        "# aliases:   华东: {column: 地区, values: [上海, 江苏, 浙江]}\n"
        "# metrics:   GMV: {sql: sum(销售额), filter: 状态 != '退款', description: 成交总额}\n"
        "# filters:   - 状态 != '测试'          joins: - orders.customer_id = customers.id\n"
    )
    return guide + dumps(k)
