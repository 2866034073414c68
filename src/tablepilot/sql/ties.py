"""Ties at a LIMIT: "the faculty with the most students" when two have the same count.

``ORDER BY COUNT(*) DESC LIMIT 1`` returns one of the tied rows, chosen by nothing the question
said; the answer looks certain where it is not. A probe runs the same query with the ORDER BY
values selected too and one row more: when that extra row has the same values as the last one
shown, the answer says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from sqlglot import exp

from tablepilot.sql.dialects import parse_sql, read_dialect

#: picks of more rows than this are lists, where a tie at the end matters less
_MAX_PICK = 10


class TieProbe(NamedTuple):
    sql: str  # the query with its ORDER BY values selected after its own columns, LIMIT k + 1
    shown: int  # k, the rows the query itself returns
    width: int  # the query's own columns; the ORDER BY values follow them
    keys: list[str]  # the ORDER BY expressions as written


def tie_probe(sql: str, *, dialect: str = "duckdb") -> TieProbe | None:
    """The probe for a query that picks its top k rows (``ORDER BY … LIMIT k``, k ≤ 10); None for
    any other query (DISTINCT, OFFSET, set operations, a LIMIT that is not a number)."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select) or tree.args.get("distinct") or tree.args.get("offset"):
        return None
    order, limit = tree.args.get("order"), tree.args.get("limit")
    if order is None or not isinstance(limit, exp.Limit):
        return None
    count = limit.expression
    if not (isinstance(count, exp.Literal) and count.is_int) or not 1 <= int(count.this) <= _MAX_PICK:
        return None
    shown = int(count.this)
    selected = list(tree.expressions)
    if any(isinstance(s, exp.Star) or isinstance(s.unalias(), exp.Star) for s in selected):
        return None
    aliases = {s.alias.casefold(): s.unalias() for s in selected if s.alias}
    keys, extra = [], []
    for i, ordered in enumerate(order.expressions):
        key = ordered.this
        if isinstance(key, exp.Literal) and key.is_int and 1 <= int(key.this) <= len(selected):
            key = selected[int(key.this) - 1].unalias()  # ORDER BY 2
        elif isinstance(key, exp.Column) and not key.table and key.name.casefold() in aliases:
            key = aliases[key.name.casefold()]  # ORDER BY the alias of a selected expression
        keys.append(ordered.this.sql(dialect=read_dialect(dialect)))
        extra.append(exp.alias_(key.copy(), f"tie_key_{i}", quoted=True))
    tree.set("expressions", [*(s.copy() for s in selected), *extra])
    tree.set("limit", exp.Limit(expression=exp.Literal.number(shown + 1)))
    return TieProbe(tree.sql(dialect=read_dialect(dialect)), shown, len(selected), keys)


def tie_at_cut(
    sql: str, shown: int, run: Callable[[str], list[list[object]] | None], *, dialect: str = "duckdb"
) -> tuple[TieProbe, list[list[object]]] | None:
    """The probe and its rows when the query (which returned ``shown`` rows) cut through rows that
    tie at its LIMIT; None when it did not, or the probe could not run (``run`` gave None)."""
    probe = tie_probe(sql, dialect=dialect)
    if probe is None or shown != probe.shown:
        return None
    rows = run(probe.sql)
    return (probe, rows) if rows is not None and tied(probe, rows) else None


def tied(probe: TieProbe, rows: list[list[object]]) -> bool:
    """Whether the probe's extra row has the same ORDER BY values as the last row shown."""
    if len(rows) <= probe.shown:
        return False
    last, extra = rows[probe.shown - 1][probe.width :], rows[probe.shown][probe.width :]
    return bool(last) and last == extra
