"""Make generated SQL use the knowledge verbatim: metric names become their exact expression, a value
alias compared with ``=`` becomes ``IN`` over its values.

A small model told that GMV is ``SUM("销售额") FILTER (WHERE "状态" <> '退款')`` still writes
``SELECT "GMV"``, ``SUM(GMV)``, ``GMV()`` or its own ``SUM("销售额") AS "GMV"``. Each of these becomes
the defined expression, so every answer that uses a metric computes it the same way. Real column
names are never replaced, and SQL that does not parse is returned untouched (the guard reports it).
"""

from __future__ import annotations

from collections.abc import Collection

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from tablepilot.knowledge.metrics import is_aggregate, metric_expression, parse_expression
from tablepilot.knowledge.model import Knowledge, Metric


def _key(name: str) -> str:
    return name.strip().casefold()


def rewrite_sql(sql: str, knowledge: Knowledge, columns: Collection[str], dialect: str = "duckdb") -> str:
    """``sql`` with metric names replaced by their expressions and ``col = 'alias'`` by ``col IN (…)``."""
    if not knowledge.metrics and not knowledge.aliases:
        return sql
    try:
        tree = sqlglot.parse_one(sql, read=dialect)
    except (ParseError, TokenError, ValueError):
        return sql
    if tree is None:
        return sql
    real = {_key(c) for c in columns}
    metrics = {_key(n): m for n, m in knowledge.metrics.items() if _key(n) not in real}
    changed = False
    if metrics:
        tree, changed = _apply_metrics(tree, metrics, dialect)
    if knowledge.aliases:
        tree, alias_changed = _apply_aliases(tree, knowledge)
        changed = changed or alias_changed
    return tree.sql(dialect=dialect) if changed else sql


def _apply_metrics(tree: exp.Expr, metrics: dict[str, Metric], dialect: str) -> tuple[exp.Expr, bool]:
    exprs = {k: metric_expression(m, dialect) for k, m in metrics.items()}
    changed = False
    # 1. `… AS "GMV"`: the aliased expression becomes the metric (unless it already is)
    aliased: set[str] = set()
    for alias in list(tree.find_all(exp.Alias)):
        key = _key(alias.alias)
        if key in exprs:
            aliased.add(key)
            if _canon(alias.this) != _canon(exprs[key]):
                alias.set("this", exprs[key].copy())
                changed = True

    # 2. a column or function call named like a metric (not an alias of this query): the metric
    def replace(node: exp.Expr) -> exp.Expr:
        nonlocal changed
        key = _metric_name(node)
        if key is None or key not in exprs or key in aliased:
            return node
        changed = True
        return exprs[key].copy()

    tree = tree.transform(replace)
    # 3. SUM(GMV) → GMV when GMV is already an aggregate (SUM(SUM(…)) would fail)
    canon = {_canon(e) for k, e in exprs.items() if is_aggregate(e)}

    def collapse(node: exp.Expr) -> exp.Expr:
        nonlocal changed
        if isinstance(node, exp.AggFunc) and not isinstance(node, exp.Filter):
            args = [a for a in node.args.values() if isinstance(a, exp.Expr)]
            if len(args) == 1 and _canon(args[0]) in canon:
                changed = True
                return args[0]
        return node

    if canon:
        tree = tree.transform(collapse)
    return tree, changed


def _metric_name(node: exp.Expr) -> str | None:
    if isinstance(node, exp.Column) and not node.table:
        return _key(node.name)
    if isinstance(node, exp.Anonymous) and not node.expressions:
        return _key(str(node.this))
    return None


def _apply_aliases(tree: exp.Expr, knowledge: Knowledge) -> tuple[exp.Expr, bool]:
    by_word = {_key(name): a for name, a in knowledge.aliases.items()}
    changed = False

    def replace(node: exp.Expr) -> exp.Expr:
        nonlocal changed
        if not isinstance(node, exp.EQ):
            return node
        column, literal = node.this, node.expression
        if isinstance(column, exp.Literal):
            column, literal = literal, column
        if not (isinstance(column, exp.Column) and isinstance(literal, exp.Literal) and literal.is_string):
            return node
        alias = by_word.get(_key(literal.this))
        if alias is None or _key(alias.column) != _key(column.name) or literal.this in alias.values:
            return node
        changed = True
        return exp.In(this=column.copy(), expressions=[exp.Literal.string(v) for v in alias.values])

    return tree.transform(replace), changed


def _canon(node: exp.Expr) -> str:
    """An expression's SQL with identifier quoting and case ignored (``SUM("销售额")`` = ``sum(销售额)``)."""
    copy = node.copy()
    for ident in copy.find_all(exp.Identifier):
        ident.set("quoted", False)
    return copy.sql().casefold()


def metrics_used(sql: str, knowledge: Knowledge, dialect: str = "duckdb") -> list[str]:
    """The metrics whose exact expression appears in ``sql``, in the order they are defined."""
    if not knowledge.metrics or not sql:
        return []
    try:
        tree = sqlglot.parse_one(sql, read=dialect)
    except (ParseError, TokenError, ValueError):
        return []
    if tree is None:
        return []
    present = {
        _canon(n)
        for n in tree.walk()
        if isinstance(n, (exp.Filter, exp.Func, exp.Case, exp.Binary, exp.Paren))
    }
    used = []
    for name, metric in knowledge.metrics.items():
        try:
            expr = metric_expression(metric, dialect)
        except (ParseError, TokenError):
            continue
        if _canon(expr) in present or (
            metric.filter == "" and _canon(parse_expression(metric.sql, dialect)) in present
        ):
            used.append(name)
    return used
