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

from collections.abc import Callable, Collection

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
    return [(variant, dropped) for variant, dropped, _ in repeats_by_column(sql, dialect=dialect)]


def repeats_by_column(sql: str, *, dialect: str = "duckdb") -> list[tuple[str, str, str]]:
    """:func:`without_repeats`, each with the name of the column the dropped condition compares."""
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
            column = conditions[i].this
            name = column.name if isinstance(column, exp.Column) else ""
            out.append((variant.sql(dialect=write), conditions[i].sql(dialect=write), name))
    return out


def alone_probes(sql: str, *, dialect: str = "duckdb") -> list[tuple[str, str]]:
    """For each filter of the outer query's WHERE that compares a column with written values, when
    that WHERE ANDs two or more conditions: the condition as written, and a query that finds
    whether any row of the same FROM meets it alone. Empty when there is none or the query does
    not parse.

    ``"City" IN ('Aspero', 'Caral') AND "Notes" ILIKE '%cities%'`` finds nothing because no note
    says "cities": a word of the question put on a column that never holds it. The probe tells such
    a condition from one that only fails in combination, which is a real answer of nothing.
    """
    outer = _outer_conditions(sql, dialect)
    if outer is None or not isinstance(outer[0].args.get("from_"), exp.From):
        return []
    tree, conditions = outer
    write = read_dialect(dialect)
    out = []
    for condition in conditions:
        if not compared_literals(condition):
            continue
        probe = exp.select("1").from_(tree.args["from_"].this.copy()).where(condition.copy()).limit(1)
        for join in tree.args.get("joins") or []:
            probe.append("joins", join.copy())
        out.append((condition.sql(dialect=write), probe.sql(dialect=write)))
    return out


def without_conditions(sql: str, dropped: Collection[str], *, dialect: str = "duckdb") -> str | None:
    """``sql`` without the conditions of its outer WHERE written as in ``dropped`` (as
    :func:`alone_probes` writes them); None when that would leave no condition, or drop none."""
    outer = _outer_conditions(sql, dialect)
    if outer is None:
        return None
    tree, conditions = outer
    write = read_dialect(dialect)
    kept = [c for c in conditions if c.sql(dialect=write) not in dropped]
    if not kept or len(kept) == len(conditions):
        return None
    tree.args["where"].set("this", exp.and_(*(c.copy() for c in kept)))
    return tree.sql(dialect=write)


def outer_text_filters(sql: str, *, dialect: str = "duckdb") -> list[tuple[str, str, list[str]]]:
    """The outer query's top-level WHERE conditions that compare a column with written text, each
    as (condition as written, column name, the texts without % wildcards); empty when that WHERE
    has fewer than two conditions or the query does not parse."""
    outer = _outer_conditions(sql, dialect)
    if outer is None:
        return []
    write = read_dialect(dialect)
    out = []
    for condition in outer[1]:
        values = compared_literals(condition)
        if values and all(v.is_string for v in values):
            texts = [str(v.this).strip("%") for v in values]
            out.append((condition.sql(dialect=write), condition.this.name, texts))
    return out


def _outer_conditions(sql: str, dialect: str) -> tuple[exp.Select, list[exp.Expr]] | None:
    """The parsed query and the conditions ANDed at the top of its outer WHERE, when there are two
    or more (one condition alone is never dropped); None otherwise or when it does not parse."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select) or not isinstance(tree.args.get("where"), exp.Where):
        return None
    conditions = conjuncts(tree.args["where"])
    return (tree, conditions) if len(conditions) >= 2 else None
