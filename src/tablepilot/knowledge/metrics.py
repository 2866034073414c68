"""Metric definitions as SQL: parse them, build the one expression a metric stands for, parse the CLI form.

A metric with a filter becomes ``agg(…) FILTER (WHERE cond)`` (DuckDB and PostgreSQL both run it), so
it is a single expression that can replace the metric's name anywhere in a query without touching the
query's own WHERE clause. A row-level metric with a filter becomes ``CASE WHEN cond THEN expr END``.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from tablepilot.errors import KnowledgeError
from tablepilot.knowledge.model import Metric

_WRAP = {"expression": "SELECT {} FROM t", "condition": "SELECT 1 FROM t WHERE {}", "query": "{}"}


def sql_problem(text: str, kind: str, dialect: str = "duckdb") -> str | None:
    """Why ``text`` is not one SQL expression/condition/query, or None when it parses."""
    try:
        tree = sqlglot.parse(_WRAP[kind].format(text), read=dialect)
    except (ParseError, TokenError) as exc:
        return _short(exc)
    statements = [t for t in tree if t is not None]
    if len(statements) != 1:
        return "it holds more than one statement"
    root = statements[0]
    if kind == "expression" and (not isinstance(root, exp.Select) or len(root.expressions) != 1):
        return 'write one expression, e.g. sum("销售额")'
    if kind == "query" and not isinstance(root, exp.Query):
        return "write one SELECT query"
    return None


def _short(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if errors:
        first = errors[0]
        return f"{first.get('description', 'syntax error')} near {first.get('highlight', '')!r}".strip()
    return str(exc).splitlines()[0][:200]


def parse_expression(text: str, dialect: str = "duckdb") -> exp.Expr:
    select = sqlglot.parse_one(_WRAP["expression"].format(text), read=dialect)
    assert isinstance(select, exp.Select)
    first: exp.Expr = select.expressions[0]
    return first


def parse_condition(text: str, dialect: str = "duckdb") -> exp.Expr:
    select = sqlglot.parse_one(_WRAP["condition"].format(text), read=dialect)
    where = select.args.get("where")
    assert isinstance(where, exp.Where)
    cond: exp.Expr = where.this
    return cond


def is_aggregate(node: exp.Expr) -> bool:
    return any(isinstance(n, exp.AggFunc) for n in node.walk())


def metric_expression(metric: Metric, dialect: str = "duckdb") -> exp.Expr:
    """The single expression the metric stands for, filter included."""
    expr = parse_expression(metric.sql, dialect)
    if isinstance(expr, exp.Alias):
        expr = expr.this
    if not metric.filter:
        return expr
    cond = parse_condition(metric.filter, dialect)
    if isinstance(expr, exp.AggFunc):
        return exp.Filter(this=expr, expression=exp.Where(this=cond))
    if is_aggregate(expr):  # sum(a) / sum(b): filter each aggregate inside

        def add_filter(node: exp.Expr) -> exp.Expr:
            if isinstance(node, exp.AggFunc) and not isinstance(node.parent, exp.Filter):
                return exp.Filter(this=node.copy(), expression=exp.Where(this=cond.copy()))
            return node

        return expr.transform(add_filter)
    return exp.Case(ifs=[exp.If(this=cond, true=expr)])


def metric_sql(metric: Metric, dialect: str = "duckdb") -> str:
    return metric_expression(metric, dialect).sql(dialect=dialect)


def referenced_columns(metric: Metric, dialect: str = "duckdb") -> list[str]:
    """The column names a metric reads (for finding its table and checking they exist)."""
    names = [c.name for c in metric_expression(metric, dialect).find_all(exp.Column)]
    return list(dict.fromkeys(names))


_ASSIGN = re.compile(r"^\s*(?P<name>[^=]+?)\s*[=＝]\s*(?P<rest>.+)$", re.DOTALL)


def parse_metric_definition(text: str, dialect: str = "duckdb") -> tuple[str, Metric]:
    """``GMV = sum(销售额) where 状态 != '退款'`` → ("GMV", Metric(sql=…, filter=…)).

    The text after ``=`` is read as the select list of a query, so a ``where`` belongs to the query and
    ``=`` or ``where`` inside strings and CASE expressions are left alone.
    """
    m = _ASSIGN.match(text)
    hint = "write NAME = SQL expression [where condition], e.g. \"GMV = sum(销售额) where 状态 != '退款'\""
    if not m:
        raise KnowledgeError(f"cannot read the metric {text!r}", hint=hint)
    name = m.group("name").strip().strip('"`')
    try:
        select = sqlglot.parse_one(f"SELECT {m.group('rest')}", read=dialect)
    except (ParseError, TokenError) as exc:
        raise KnowledgeError(f"metric {name!r} is not valid SQL: {_short(exc)}", hint=hint) from None
    if (
        not isinstance(select, exp.Select)
        or len(select.expressions) != 1
        or select.args.get("from_") is not None
    ):
        raise KnowledgeError(f"metric {name!r} must be one expression with an optional where", hint=hint)
    if set(select.args) - {"expressions", "where"} and any(
        select.args[k] for k in set(select.args) - {"expressions", "where"}
    ):
        raise KnowledgeError(f"metric {name!r} may only have an expression and a where condition", hint=hint)
    expr = select.expressions[0]
    if isinstance(expr, exp.Alias):
        expr = expr.this
    where = select.args.get("where")
    return name, Metric(
        sql=expr.sql(dialect=dialect),
        filter=where.this.sql(dialect=dialect) if isinstance(where, exp.Where) else "",
    )
