"""Which output columns of a query only repeat what its own filters pin down.

"Which was the only kolmonen whose movements were promoted?" came back as ``SELECT "Division" …
WHERE "Division" ILIKE '%Kolmonen%' AND "Movements" = 'Promoted'``: the answer is the division the
question named, not the season it asked for. Such a result carries no news, and the result checks
say so to the model.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from sqlglot import exp

from tablepilot.sql.clauses import compared_literals, conjuncts
from tablepilot.sql.dialects import parse_sql
from tablepilot.sql.lineage import passthrough_columns


class Pin(NamedTuple):
    """``column = 'value'`` (``pattern`` False) or ``column [I]LIKE 'value'`` (True) in a WHERE."""

    table: str
    column: str
    value: str
    pattern: bool


def pinned_outputs(sql: str, *, dialect: str = "duckdb") -> list[Pin] | None:
    """The pins of a one-table SELECT whose every output column is a column its WHERE compares with
    one text (ANDed at the top); None when any output is computed or not pinned."""
    outputs = passthrough_columns(sql, dialect=dialect)
    tree = parse_sql(sql, dialect)
    if not outputs or any(o is None for o in outputs) or not isinstance(tree, exp.Select):
        return None
    source = tree.args.get("from_")
    where = tree.args.get("where")
    if source is None or not isinstance(source.this, exp.Table) or tree.args.get("joins") or where is None:
        return None
    pins: dict[str, Pin] = {}
    for term in conjuncts(where):
        literals = compared_literals(term)
        if isinstance(term, exp.In) or not literals or not literals[0].is_string:
            continue
        pattern = not isinstance(term, exp.EQ)
        pins[term.this.name.casefold()] = Pin(source.this.name, term.this.name, literals[0].this, pattern)
    found = [pins.get(str(o).casefold()) for o in outputs]
    return [p for p in found if p is not None] if all(found) else None


def like_matches(pattern: str, value: str) -> bool:
    """``value ILIKE pattern`` (``%`` any text, ``_`` one character), case-insensitively."""
    parts = (".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    return re.fullmatch("".join(parts), value, re.IGNORECASE | re.DOTALL) is not None
