"""Dropping filters the question never asked for, or asked for once and got twice.

A small model copies values it saw in the table description into its query: "how many games did
the eagles win after december 1" becomes ``… WHERE "Result" = 'W 12–0' AND "Date" > '1968-12-01'``,
and "in what year did they have an undefeated record" gains ``"Finish" = '14th APFA'``. Such a query
finds nothing. The ask loop then runs it again without the conditions whose values the question
does not name (no model call), keeping every condition it does name, so the answer still comes
from SQL that says what was asked. Likewise a value the question names once but the query puts
on two columns (``"Points" > 15 AND "column_1" = '15'``) is tried without each of the two.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from tablepilot.sql.clauses import FILTERS, compared_literals, conjuncts
from tablepilot.sql.dialects import parse_sql, read_dialect


def without_unasked(
    sql: str, asked: Callable[[str], bool], *, dialect: str = "duckdb", numbers: bool = False
) -> tuple[str, list[str]] | None:
    """``sql`` without the text filters none of whose values ``asked`` accepts, and those filters as
    written; None when nothing is dropped or the query does not parse.

    Only conditions ANDed at the top of a WHERE are dropped, and never all of them (a count of the
    whole table answers nothing the question asked). Number filters stay unless ``numbers``:
    "undefeated" is ``"L" = 0`` though no 0 is in the question, so the caller allows them only
    for a question with no word of negation or absence; then ``"Score_1" = 0`` added to "which tie
    did darlington and notts county play" goes.
    """
    tree = parse_sql(sql, dialect)
    if tree is None:
        return None
    write = read_dialect(dialect)
    dropped: list[str] = []
    for where in list(tree.find_all(exp.Where)):
        kept, gone = [], []
        for condition in conjuncts(where):
            values = compared_literals(condition)
            plain = values and (
                all(v.is_string for v in values) or (numbers and isinstance(condition, exp.EQ))
            )
            if plain and values and not any(asked(v.this) for v in values):
                gone.append(condition)
            else:
                kept.append(condition)
        if gone and kept:
            dropped.extend(c.sql(dialect=write) for c in gone)
            where.set("this", exp.and_(*(c.copy() for c in kept)))
    if not dropped:
        return None
    return tree.sql(dialect=write), dropped


#: conditions that compare a column with one value, for finding a value used twice
_COMPARISONS = (*FILTERS, exp.GT, exp.GTE, exp.LT, exp.LTE)


def _one_value(condition: exp.Expr) -> str | None:
    """The one value a condition compares a column with, casefolded and without % wildcards."""
    if isinstance(condition, exp.In):
        values = compared_literals(condition) or []
        return values[0].this.strip("%").casefold() if len(values) == 1 else None
    if (
        isinstance(condition, _COMPARISONS)
        and isinstance(condition.this, exp.Column)
        and isinstance(condition.expression, exp.Literal)
    ):
        return str(condition.expression.this).strip("%").casefold()
    return None


def without_repeats(sql: str, *, dialect: str = "duckdb") -> list[tuple[str, str]]:
    """One query per condition whose value another condition of the same WHERE also compares with,
    without that condition, and the condition as written: ``"Points" > 15 AND "column_1" = '15'``,
    ``"期初职务" = '董事兼总经理' AND "期末职务" = '董事兼总经理'`` — one value of the question
    put on two columns. Empty when there is none or the query does not parse."""
    tree = parse_sql(sql, dialect)
    if tree is None:
        return []
    write = read_dialect(dialect)
    out = []
    for w, where in enumerate(list(tree.find_all(exp.Where))):
        conditions = conjuncts(where)
        values = [_one_value(c) for c in conditions]
        for i, value in enumerate(values):
            if value is None or values.count(value) < 2:
                continue
            variant = tree.copy()
            target = list(variant.find_all(exp.Where))[w]
            target.set("this", exp.and_(*(c.copy() for j, c in enumerate(conjuncts(target)) if j != i)))
            out.append((variant.sql(dialect=write), conditions[i].sql(dialect=write)))
    return out
