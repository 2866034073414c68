"""Answer "which month" with the month's name, computed in the query itself.

``DATE_PART('month', "Date")`` returns 4 where the question "which month had the fewest games?"
expects "April". The month expression is wrapped so the database writes the name (or "4月" for a
Chinese question); the answer then still comes straight from the executed query, and the result
table shows what the answer says.
"""

from __future__ import annotations

import re

from sqlglot import exp

from tablepilot.sql.clauses import refers_to
from tablepilot.sql.dialects import parse_sql, read_dialect

_MONTH_ASKED = re.compile(
    r"(?i)\b(which|what) month\b|\bmonth (had|has|was|were|did|saw|with)\b|哪(个|一)?月|几月"
)


def asks_month(question: str) -> bool:
    return bool(_MONTH_ASKED.search(question))


def is_month_number(e: exp.Expression) -> bool:
    """``DATE_PART('month', d)``, ``EXTRACT(MONTH FROM d)``, ``month(d)``, ``strftime(d, '%m')``."""
    if isinstance(e, exp.Cast):
        return is_month_number(e.this)
    if isinstance(e, exp.Month):
        return True
    if isinstance(e, exp.Extract):
        return e.this.name.casefold() in ("month", "mon")
    if isinstance(e, exp.TimeToStr):
        form = e.args.get("format")
        return isinstance(form, exp.Literal) and form.this in ("%m", "%-m")
    if isinstance(e, exp.Anonymous) and e.name.casefold() in ("date_part", "datepart") and e.expressions:
        unit = e.expressions[0]
        return isinstance(unit, exp.Literal) and unit.this.casefold() in ("month", "mon", "months")
    return False


def named_months(sql: str, *, chinese: bool = False, dialect: str = "duckdb") -> str | None:
    """``sql`` with each selected month number written as the month's name; None when it selects
    none, orders by one (names would sort alphabetically), is no single SELECT, or the dialect has
    no rewrite here."""
    if dialect not in ("duckdb", "postgres"):
        return None
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select):
        return None
    write = read_dialect(dialect)
    months = [(i, e) for i, e in enumerate(tree.expressions) if is_month_number(e.unalias())]
    if not months:
        return None
    order = tree.args.get("order")
    ordered = [o.this for o in order.expressions] if order else []
    if any(refers_to(ordered, e, i, dialect) for i, e in months):
        return None
    for i, e in months:
        number = f"CAST({e.unalias().sql(dialect=write)} AS INTEGER)"
        if chinese:
            named = f"CAST({number} AS VARCHAR) || '月'"
        elif dialect == "duckdb":
            named = f"strftime(make_date(2000, {number}, 1), '%B')"
        else:
            named = f"to_char(make_date(2000, {number}, 1), 'FMMonth')"
        written = parse_sql(f"SELECT {named}", dialect)
        if written is None:
            return None
        tree.expressions[i] = exp.alias_(written.expressions[0], e.alias or "month", quoted=True)
    return tree.sql(dialect=write)
