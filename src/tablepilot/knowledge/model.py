"""What a business-knowledge file says, as plain typed data (no YAML, no SQL engine here).

A dataset's knowledge is what a small model cannot guess from column names: what ``qty_2`` means,
that "华东" covers 上海、江苏、浙江, that GMV is ``sum(销售额)`` without refunds, which rows never count,
how tables join, and question → SQL pairs a person confirmed.

``lines`` remembers where each item was written in the file, so checks against the data can name the
line to fix; it is not part of the knowledge (not compared, not saved).
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: the file format's version; a newer number is refused with a hint to upgrade
FORMAT_VERSION = 1


@dataclass
class ColumnNote:
    """A column's meaning and the words people use for it."""

    description: str = ""
    synonyms: list[str] = field(default_factory=list)


@dataclass
class TableNote:
    description: str = ""
    columns: dict[str, ColumnNote] = field(default_factory=dict)


@dataclass
class ValueAlias:
    """A word that stands for several cell values: 华东 → "地区" IN ('上海', '江苏', '浙江')."""

    column: str
    values: list[str]
    table: str = ""


@dataclass
class Metric:
    """A named calculation, used verbatim wherever a question asks for it.

    ``sql`` is an SQL expression (usually an aggregate); ``filter`` an optional condition that limits
    the rows it counts (``FILTER (WHERE …)`` for aggregates).
    """

    sql: str
    filter: str = ""
    description: str = ""
    table: str = ""


@dataclass
class DefaultFilter:
    """A condition every query should apply (test orders never count)."""

    sql: str
    description: str = ""


@dataclass
class Example:
    """A question and the SQL a person confirmed for it; shown to the model for similar questions."""

    question: str
    sql: str


@dataclass
class Knowledge:
    tables: dict[str, TableNote] = field(default_factory=dict)
    aliases: dict[str, ValueAlias] = field(default_factory=dict)
    metrics: dict[str, Metric] = field(default_factory=dict)
    filters: list[DefaultFilter] = field(default_factory=list)
    joins: list[str] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    lines: dict[tuple[str, ...], int] = field(default_factory=dict, compare=False, repr=False)

    def is_empty(self) -> bool:
        return not (
            self.tables or self.aliases or self.metrics or self.filters or self.joins or self.examples
        )

    def line_of(self, *key: str) -> int | None:
        """The file line an item was read from (``("metrics", "GMV")``), None for items added in code."""
        return self.lines.get(key)

    def column_note(self, table: str, column: str) -> ColumnNote | None:
        note = self.tables.get(table)
        return None if note is None else note.columns.get(column)

    def add_example(self, question: str, sql: str) -> None:
        """Store a confirmed example; a newer confirmation of the same question replaces the older."""
        key = question.strip()
        self.examples = [e for e in self.examples if e.question.strip() != key]
        self.examples.append(Example(key, sql.strip()))
