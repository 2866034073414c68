"""The text filters of a query: ``"项目" = '本年增加'``, ``"Team" IN ('A', 'B')``, with their table.

When a query finds nothing, the usual cause is a filter value the column does not hold (the model
read a row label as a value of the wrong column, or guessed how a result is written). Knowing which
table and column each literal is compared with lets the ask loop look the column up and say so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from sqlglot import exp

from tablepilot.sql.dialects import parse_sql, read_dialect


class TextFilter(NamedTuple):
    table: str
    column: str
    value: str


def _parsed(sql: str, dialect: str) -> tuple[exp.Expr, Callable[[exp.Column], str | None]] | None:
    """The query's tree and how to find a column's table: through its alias or qualifier, or the
    only table the query reads; None when the query does not parse."""
    tree = parse_sql(sql, dialect)
    if tree is None:
        return None
    tables = list(tree.find_all(exp.Table))
    by_alias = {t.alias_or_name.lower(): t.name for t in tables}
    only = tables[0].name if len({t.name for t in tables}) == 1 else None

    def table_of(column: exp.Column) -> str | None:
        return by_alias.get(column.table.lower()) if column.table else only

    return tree, table_of


def text_filters(sql: str, *, dialect: str = "duckdb") -> list[TextFilter]:
    """Every ``column = 'text'`` and ``column IN ('text', …)`` whose table is known: named through an
    alias or qualifier, or the only table the query reads. Empty when the query does not parse."""
    parsed = _parsed(sql, dialect)
    if parsed is None:
        return []
    tree, table_of = parsed
    out: list[TextFilter] = []
    for column, literal in _texts_compared(tree):
        table = table_of(column)
        if table is not None:
            out.append(TextFilter(table, column.name, literal.this))
    return list(dict.fromkeys(out))


def _texts_compared(tree: exp.Expr) -> list[tuple[exp.Column, exp.Literal]]:
    """Each text literal a column is compared with by ``=`` (either side) or ``IN (…)``."""
    out: list[tuple[exp.Column, exp.Literal]] = []
    for node in tree.find_all(exp.EQ, exp.In):
        column = node.this
        if isinstance(node, exp.EQ):
            if isinstance(node.expression, exp.Column) and not isinstance(column, exp.Column):
                column, literals = node.expression, [node.this]
            else:
                literals = [node.expression]
        else:
            literals = list(node.expressions)
        if isinstance(column, exp.Column):
            out.extend(
                (column, literal)
                for literal in literals
                if isinstance(literal, exp.Literal) and literal.is_string
            )
    return out


def respelled(sql: str, spellings: dict[tuple[str, str], str], *, dialect: str = "duckdb") -> str | None:
    """``sql`` with each text filter ``text_filters`` reads whose (column, text) is a key of
    ``spellings`` comparing with its value instead; None when nothing changes or it does not parse."""
    tree = parse_sql(sql, dialect)
    if tree is None:
        return None
    changed = False
    for column, literal in _texts_compared(tree):
        new = spellings.get((column.name, literal.this))
        if new is not None:
            literal.replace(exp.Literal.string(new))
            changed = True
    return tree.sql(dialect=read_dialect(dialect)) if changed else None


_ORDERING = {exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<="}


def text_comparisons(sql: str, *, dialect: str = "duckdb") -> list[tuple[TextFilter, str]]:
    """Every ``column > 'text'`` (or <, >=, <=) whose table is known, with its operator: text put in
    alphabetical order, which is rarely what "after 'X'" means."""
    parsed = _parsed(sql, dialect)
    if parsed is None:
        return []
    tree, table_of = parsed
    out: list[tuple[TextFilter, str]] = []
    for node in tree.find_all(*_ORDERING):
        column, literal = node.this, node.expression
        if not isinstance(column, exp.Column) or not (isinstance(literal, exp.Literal) and literal.is_string):
            continue
        table = table_of(column)
        if table is not None:
            out.append((TextFilter(table, column.name, literal.this), _ORDERING[type(node)]))
    return out
