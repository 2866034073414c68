"""Join paths for the prompt: the foreign keys between the tables a description shows.

With 100+ tables the description keeps only the relevant ones; a small model then guesses join
columns unless told. One line per foreign key whose two tables are both shown, a few tokens each.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

MAX_JOINS = 8


@dataclass(frozen=True)
class ForeignKey:
    """``table(columns) → ref_table(ref_columns)``: a join path the prompt can show."""

    table: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]

    def join_sql(self) -> str:
        pairs = zip(self.columns, self.ref_columns)
        return " AND ".join(f"{_qi(self.table)}.{_qi(a)} = {_qi(self.ref_table)}.{_qi(b)}" for a, b in pairs)


def _qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class ForeignKeyLike(Protocol):
    table: str
    ref_table: str

    def join_sql(self) -> str: ...


def shown_tables(description: str) -> set[str]:
    """Table names in a ``describe_tables`` text (``Table "name" (N rows)`` lines)."""
    return {
        m.group(1).replace('""', '"')
        for m in re.finditer(r'^Table "((?:[^"]|"")*)"', description, re.MULTILINE)
    }


def join_lines(foreign_keys: Sequence[ForeignKeyLike], description: str, *, limit: int = MAX_JOINS) -> str:
    """``\\n-- join: "a"."x" = "b"."y"`` for each key between shown tables; empty when there is none."""
    shown = shown_tables(description)
    lines = [
        f"-- join: {fk.join_sql()}"
        for fk in foreign_keys
        if fk.table in shown and fk.ref_table in shown and fk.table != fk.ref_table
    ]
    return "".join(f"\n{line}" for line in dict.fromkeys(lines[:limit]))
