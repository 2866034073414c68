"""Amounts asked in 万 or 亿 over a column whose numbers carry no unit.

"哪些企业的营业利润超过了3000万？" over a financial table whose "营业利润" holds 98.79, 3507.5 … (in
万元, as Chinese statements mostly write them, with the unit in a caption the table lost) becomes
``"营业利润" > 30000000`` in the model's query, which finds nothing. Read in 万, the question's
3000万 is 3000 and 1亿 is 10000. The ask loop tries that reading when the query found nothing and
compares a column with the question's amount scaled by a power of ten.
"""

from __future__ import annotations

import re

from sqlglot import exp

from tablepilot.sql.dialects import parse_sql, read_dialect

#: "3000万", "1.5亿", "2千万"
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(千万|百万|万|亿)")
_IN_WAN = {"万": 1.0, "百万": 100.0, "千万": 1000.0, "亿": 10000.0}
_COMPARED = (exp.GT, exp.GTE, exp.LT, exp.LTE, exp.EQ, exp.NEQ)


def asked_amounts(question: str) -> list[tuple[float, float]]:
    """Each amount of the question as (its number as written, its value in 万)."""
    return [(float(m.group(1)), float(m.group(1)) * _IN_WAN[m.group(2)]) for m in _AMOUNT.finditer(question)]


def _scaled(value: float, written: float) -> bool:
    """``value`` is ``written`` times 10, 100, … (the amount converted to 元 or to some other unit)."""
    if written <= 0 or value <= written:
        return False
    ratio = value / written
    power = round(ratio)
    return abs(ratio - power) < 1e-9 and str(power).strip("0") == "1"


def amounts_in_wan(sql: str, question: str, *, dialect: str = "duckdb") -> tuple[str, list[str]] | None:
    """``sql`` with each number compared with a column, that is one of the question's amounts scaled
    by a power of ten, replaced by that amount in 万; with the numbers replaced as written. None
    when there is none."""
    amounts = asked_amounts(question)
    tree = parse_sql(sql, dialect) if amounts else None
    if tree is None:
        return None
    changed: list[str] = []
    for comparison in list(tree.find_all(*_COMPARED)):
        for side in (comparison.this, comparison.expression):
            if not isinstance(side, exp.Literal) or side.is_string:
                continue
            try:
                value = float(side.this)
            except ValueError:
                continue
            wan = next((w for n, w in amounts if _scaled(value, n) and value != w), None)
            if wan is not None:
                changed.append(side.this)
                side.replace(exp.Literal.number(int(wan) if wan.is_integer() else wan))
    if not changed:
        return None
    return tree.sql(dialect=read_dialect(dialect)), changed
