"""Dates written as the sheet writes them, compared with a DATE column, read as dates.

A column of "23 October 2013" cells is loaded as DATE (its text kept beside it), but a small model
copies the cell as written: ``"Last execution date" = '23 October 2013'``, which DuckDB refuses
("invalid date field format"), and the repair repeats it. Before the guard, such a literal is
rewritten in ISO form; a month and year ("October 2013") compared for equality becomes a test
of the month. Literals that are no date, or an ambiguous one ('1-4-1915'), are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlglot import exp

from tablepilot.cells import parse_date
from tablepilot.profile import is_date_type
from tablepilot.sql.clauses import column_type, parsed_scopes, table_of, typed_names
from tablepilot.sql.dialects import read_dialect

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)


def iso_date_literals(
    sql: str, types: Mapping[str, Mapping[str, str]], *, dialect: str = "duckdb"
) -> str | None:
    """``sql`` with dates compared to DATE columns written in ISO form; None when none changed (or
    the query does not parse). ``types``: table → column → type name."""
    known = typed_names(types)
    parsed = parsed_scopes(sql, dialect)
    if parsed is None:
        return None
    tree, scopes = parsed
    changed = False
    for scope, tables in scopes:
        for node in list(scope.find_all(*_COMPARISONS, exp.In, exp.Between)):
            column = node.this
            if not isinstance(column, exp.Column):
                continue
            type_name = column_type(column, table_of(column, tables, known), known)
            if type_name is None or not is_date_type(type_name):
                continue
            if isinstance(node, exp.EQ) and isinstance(node.expression, exp.Literal):
                month = _month_of(node.expression)
                if month is not None:
                    node.replace(_in_month(column, *month))
                    changed = True
                    continue
            for literal in _literals(node):
                iso = _iso(literal)
                if iso is not None:
                    literal.replace(exp.Literal.string(iso))
                    changed = True
    return tree.sql(dialect=read_dialect(dialect)) if changed else None


def _literals(node: exp.Expr) -> list[exp.Literal]:
    if isinstance(node, exp.In):
        values = node.expressions
    elif isinstance(node, exp.Between):
        values = [node.args.get("low"), node.args.get("high")]
    else:
        values = [node.expression]
    return [v for v in values if isinstance(v, exp.Literal) and v.is_string]


def _iso(literal: exp.Literal) -> str | None:
    """A full date not in ISO form, in ISO form."""
    text = literal.this
    if _ISO.match(text):
        return None
    date = parse_date(text)
    if date is None or not date.is_full:
        return None
    return f"{date.year:04d}-{date.month:02d}-{date.day:02d}"


def _month_of(literal: exp.Literal) -> tuple[int, int] | None:
    """(year, month) of a literal that names a month of a year and no day ('October 2013')."""
    if not literal.is_string:
        return None
    date = parse_date(literal.this)
    if date is None or date.year is None or date.month is None or date.day is not None:
        return None
    return date.year, date.month


def _in_month(column: exp.Column, year: int, month: int) -> exp.Expr:
    def part(name: str, value: int) -> exp.Expr:
        return exp.EQ(
            this=exp.Extract(this=exp.var(name), expression=column.copy()),
            expression=exp.Literal.number(value),
        )

    return exp.Paren(this=exp.And(this=part("YEAR", year), expression=part("MONTH", month)))
