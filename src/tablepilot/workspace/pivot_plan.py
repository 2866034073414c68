"""A pivot request read without the model: which column gives the rows, which one's values become
columns, and which is summed.

The 1.5B model rarely writes a pivot DuckDB accepts (it mixes ``SELECT … PIVOT`` shapes), while the
request itself usually names all three columns: "按月份透视，地区做列，值是销售额的合计", "pivot by
month with region as columns, summing sales". When the three can be told apart, the SQL is built
here as conditional aggregation over the column's actual values (a plain SELECT the guard checks as
always); otherwise the model writes it as for any other request.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tablepilot.catalog import TableInfo
from tablepilot.data.names import mention_pattern, quote_ident, quote_literal
from tablepilot.engines.base import Engine
from tablepilot.profile import is_numeric_type

MAX_PIVOT_COLUMNS = 50
_AS_COLUMNS = re.compile(
    r"\s*(?:的值)?\s*(?:做列|作为列|为列|当列|做表头|作为表头|放在列|(?:as|into)\s+(?:the\s+)?columns?\b|across\b)",
    re.IGNORECASE,
)
_AGGREGATES = (
    ("AVG", re.compile(r"平均|均值|\baverage\b|\bmean\b|\bavg\b", re.IGNORECASE)),
    ("MAX", re.compile(r"最大|最高|\bmax(?:imum)?\b", re.IGNORECASE)),
    ("MIN", re.compile(r"最小|最低|\bmin(?:imum)?\b", re.IGNORECASE)),
    ("COUNT", re.compile(r"个数|笔数|次数|\bcount\b|\bnumber of\b", re.IGNORECASE)),
)
_VALUE_CUE = re.compile(r"值|合计|总和|求和|汇总|\bvalues?\b|\bsum(?:ming)?\b|\btotals?\b", re.IGNORECASE)


def _position(question: str, name: str) -> int:
    m = re.search(mention_pattern(name), question, re.IGNORECASE)
    return m.start() if m else -1


def _mentioned(question: str, table: TableInfo) -> list[tuple[int, str]]:
    """Columns the request names, in order; a name inside a longer named one does not count."""
    found = [(pos, c) for c in table.column_names if (pos := _position(question, c)) >= 0]
    return sorted(
        (pos, c)
        for pos, c in found
        if not any(c != o and pos >= p and pos + len(c) <= p + len(o) for p, o in found)
    )


def _is_numeric(table: TableInfo, name: str) -> bool:
    col = next(c for c in table.columns if c.name == name)
    return is_numeric_type(col.type)


def pivot_roles(question: str, table: TableInfo) -> tuple[str, str, str, str] | None:
    """(rows column, column whose values become columns, value column, aggregate) or None."""
    mentioned = _mentioned(question, table)
    if len(mentioned) != 3:
        return None
    spread = [c for pos, c in mentioned if _AS_COLUMNS.match(question, pos + len(c))]
    if len(spread) != 1:
        return None
    rest = [c for _, c in mentioned if c != spread[0]]
    numeric = [c for c in rest if _is_numeric(table, c)]
    if len(numeric) == 2:  # e.g. a month number and the amount: the value is the one named after a cue
        cue = _VALUE_CUE.search(question)
        after = [c for pos, c in mentioned if c in numeric and cue is not None and pos >= cue.start()]
        numeric = after[:1]
    if len(numeric) != 1:
        return None
    value = numeric[0]
    rows = next(c for c in rest if c != value)
    aggregate = next((name for name, words in _AGGREGATES if words.search(question)), "SUM")
    return rows, spread[0], value, aggregate


def plan_pivot(question: str, table: TableInfo, engine: Engine, timeout_s: float = 30.0) -> str | None:
    """The pivot as one SELECT over ``table``, or None when the request does not say it plainly."""
    roles = pivot_roles(question, table)
    if roles is None:
        return None
    rows, spread, value, aggregate = (quote_ident(r) if i < 3 else r for i, r in enumerate(roles))
    source = quote_ident(table.name)
    found = engine.execute(
        f"SELECT DISTINCT {spread} FROM {source} WHERE {spread} IS NOT NULL ORDER BY 1",
        max_rows=MAX_PIVOT_COLUMNS,
        timeout_s=timeout_s,
    )
    if found.truncated or not found.rows:
        return None
    columns = ", ".join(
        f"{aggregate}({value}) FILTER (WHERE {spread} = {quote_literal(str(v))}) AS {quote_ident(str(v))}"
        for (v,) in found.rows
    )
    return f"SELECT {rows}, {columns} FROM {source} GROUP BY {rows} ORDER BY {rows}"


def start_table(question: str, tables: Sequence[TableInfo], latest: str | None) -> TableInfo | None:
    """The table a request works on: the one it names, else the latest made one, else the only one."""
    from tablepilot.workspace.operate import named_tables

    named = named_tables(question, [t.name for t in tables])
    wanted = named[0] if len(named) == 1 else latest if not named else None
    if wanted is None and len(tables) == 1:
        return tables[0]
    return next((t for t in tables if t.name == wanted), None)
