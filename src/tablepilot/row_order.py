"""Questions about the row next to a named one: "who came after X", "the country in the previous slot".

A table's rows are often in a meaningful order (by date, by rank, by week), and questions lean on it
without naming an order column. A small model filters to the row named ('WHERE "Week" = 'Week 5'')
and answers about that row, or orders by some column. DuckDB keeps the file's order in ``rowid``,
so such a question is answered by the row whose rowid is one more (or less) than the named row's;
this module recognises the question and writes the query shape the model can copy.
"""

from __future__ import annotations

import re
from typing import Literal

import sqlglot
from sqlglot import exp

from tablepilot.data.names import quote_ident, quote_literal
from tablepilot.sql.dialects import read_dialect
from tablepilot.sql.text_filters import TextFilter

Direction = Literal["after", "before"]

#: "after 1990", "above 15 points", "before may 1944", "previous to 2000" compare values, not rows
_NOT_A_ROW = (
    r"(?!\s+(?:to\s+)?(?:the\s+)?(?:year\s+)?(?:\d|jan|feb|mar|apr|may\b|jun|jul|aug|sep|oct|nov|dec))"
    r"(?!\s*\d)"
)
_CN_NOT_A_ROW = r"(?<![\d年月日号度点])"  # "2019年以后", "5月之前": dates compared
_AFTER = re.compile(
    rf"(?i)\b(?:next|after|following|succeeding|subsequent|below)\b{_NOT_A_ROW}|{_CN_NOT_A_ROW}(?:之后|以后)|下一|后一|后面"
)
_BEFORE = re.compile(
    rf"(?i)\b(?:previous|before|preceding|prior|above)\b{_NOT_A_ROW}|{_CN_NOT_A_ROW}(?:之前|以前)|上一|前一|前面"
)
_HOW_MANY = re.compile(r"(?i)\bhow many\b|\bnumber of\b|多少|几")


def neighbour_direction(question: str) -> Direction | None:
    """'after' or 'before' when the question asks about a neighbouring row; None when it names
    neither or both ("between X and Y", "before and after")."""
    after, before = bool(_AFTER.search(question)), bool(_BEFORE.search(question))
    if after == before:
        return None
    return "after" if after else "before"


def uses_row_order(sql: str, dialect: str = "duckdb") -> bool:
    """The query already works with positions (rowid, a window function, an ORDER BY … OFFSET)."""
    try:
        tree = sqlglot.parse_one(sql, read=read_dialect(dialect))
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError):
        return True  # not ours to judge
    if tree is None:
        return True
    named = {c.name.lower() for c in tree.find_all(exp.Column)}
    return "rowid" in named or tree.find(exp.Window) is not None


def only_sorts_by_row_order(sql: str, dialect: str = "duckdb") -> bool:
    """rowid only in ORDER BY, with no OFFSET or window: the query sorts the rows it filtered by
    their position but never moves from one row to another."""
    try:
        tree = sqlglot.parse_one(sql, read=read_dialect(dialect))
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError):
        return False
    if tree is None or tree.find(exp.Window, exp.Offset) is not None:
        return False
    rowids = [c for c in tree.find_all(exp.Column) if c.name.lower() == "rowid"]
    return bool(rowids) and all(c.find_ancestor(exp.Order) is not None for c in rowids)


def _selected_column(sql: str, dialect: str) -> str | None:
    """The first plain column the query selects, to name in the suggested query."""
    try:
        tree = sqlglot.parse_one(sql, read=read_dialect(dialect))
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError):
        return None
    if not isinstance(tree, exp.Select):
        return None
    for projection in tree.expressions:
        node = projection.this if isinstance(projection, exp.Alias) else projection
        if isinstance(node, exp.Column) and node.name:
            return node.name
    return None


def neighbour_sql(
    question: str, sql: str, named: TextFilter, direction: Direction, dialect: str = "duckdb"
) -> str | None:
    """The query for the row(s) ``direction`` the one ``named`` picks out, in the table's order:
    the column ``sql`` selected, from the next (previous) row, or for "how many" the count of the
    rows after (before) it; None when ``sql`` selects no plain column to carry over."""
    target = _selected_column(sql, dialect)
    counting = bool(_HOW_MANY.search(question))
    return _shape(named, direction, counting, quote_ident(target or "")) if target or counting else None


def _shape(named: TextFilter, direction: Direction, counting: bool, selected: str) -> str:
    table, column = quote_ident(named.table), quote_ident(named.column)
    anchor = (
        f"(SELECT {'MAX' if direction == 'after' else 'MIN'}(rowid) FROM {table} "
        f"WHERE {column} = {quote_literal(named.value)})"
    )
    if counting:
        return f"SELECT COUNT(*) FROM {table} WHERE rowid {'>' if direction == 'after' else '<'} {anchor}"
    return f"SELECT {selected} FROM {table} WHERE rowid = {anchor} {'+' if direction == 'after' else '-'} 1"


def neighbour_request(
    question: str, sql: str, named: TextFilter, direction: Direction, found: str, dialect: str = "duckdb"
) -> str:
    """What to tell the model whose query about the row named by ``named`` ``found`` the wrong thing."""
    counting = bool(_HOW_MANY.search(question))
    target = _selected_column(sql, dialect)
    example = _shape(named, direction, counting, quote_ident(target) if target else '"…"')
    return (
        f"The question asks about the row{'s' if counting else ''} {direction} the one "
        f"where {quote_ident(named.column)} = {quote_literal(named.value)}, in the table's order, but "
        f"that query {found}. The table's order is rowid, e.g. {example}. Write the query for the question."
    )
