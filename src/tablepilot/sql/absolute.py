"""The size of a difference: "the difference between A and B" / "A与B的差额" asks how far apart
two values are, not A − B; a query that subtracted them the other way round returned a negative
number. The query is rewritten to ABS(…) and run again, so the answer still comes from SQL.
"""

from __future__ import annotations

import re

from sqlglot import exp

from tablepilot.answer import ResultTable, is_number
from tablepilot.sql.dialects import parse_sql, read_dialect

#: an unsigned difference; not "how much more/less", "increase", "增长了多少", which have a direction
_DIFFERENCE = re.compile(r"(?i)\bdifferences?\b|差额|相差|差距|差值|之差|差多少")
_DIRECTED = re.compile(
    r"(?i)\b(more|less|fewer|higher|lower|greater|smaller|increase[ds]?|decrease[ds]?|gain(ed)?|lost|"
    r"change[ds]?|grow(th)?|drop(ped)?|minus|subtract(ed)?)\b|增长|增加|减少|下降|上升|变化|多了|少了|高了|低了|减去"
)


def asks_size_of_difference(question: str) -> bool:
    return bool(_DIFFERENCE.search(question)) and not _DIRECTED.search(question)


def is_negative_value(result: ResultTable) -> bool:
    """One row, one cell, a number below zero."""
    if len(result.rows) != 1 or len(result.rows[0]) != 1:
        return False
    value = result.rows[0][0]
    return is_number(value) and not isinstance(value, bool) and float(value) < 0


def absolute_sql(sql: str, dialect: str = "duckdb") -> str | None:
    """``sql`` with its one selected expression wrapped in ABS(…); None for any other shape."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select) or len(tree.expressions) != 1:
        return None
    column = tree.expressions[0]
    if isinstance(column, exp.Star):
        return None
    if isinstance(column, exp.Alias):
        column.set("this", exp.Abs(this=column.this.copy()))
    else:
        tree.set("expressions", [exp.Abs(this=column.copy())])
    return tree.sql(dialect=read_dialect(dialect))
