"""Small readings of a parsed query's clauses that several rewrites share."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.scope import Scope, traverse_scope

from tablepilot.cells import parse_number
from tablepilot.sql.dialects import parse_sql, read_dialect

#: conditions that compare a column with literal values
FILTERS = (exp.EQ, exp.In, exp.Like, exp.ILike)


def compared_literals(condition: exp.Expr) -> list[exp.Literal] | None:
    """The values a ``column = 'x'`` / ``IN (…)`` / ``LIKE '…'`` condition compares with; None
    for any other condition (two columns, an expression, a subquery)."""
    if not isinstance(condition, FILTERS) or not isinstance(condition.this, exp.Column):
        return None
    values = list(condition.expressions) if isinstance(condition, exp.In) else [condition.expression]
    if not values or not all(isinstance(v, exp.Literal) for v in values):
        return None
    return [v for v in values if isinstance(v, exp.Literal)]


def pinned_to_number(condition: exp.Expr, n: float) -> tuple[exp.Expr, exp.Literal] | None:
    """(compared side, literal) of ``x = N`` / ``x = 'N'`` / ``x = 'N acts'`` (either way round), the
    literal read as the number ``n``; None for any other condition."""
    if not isinstance(condition, exp.EQ):
        return None
    left, right = condition.this, condition.expression
    if isinstance(left, exp.Literal) and not isinstance(right, exp.Literal):
        left, right = right, left
    if not isinstance(right, exp.Literal) or isinstance(left, exp.Literal):
        return None
    number = parse_number(str(right.this))
    return (left, right) if number is not None and number == n else None


def column_and_number(node: exp.Expr) -> tuple[exp.Column, exp.Expr] | None:
    """(the column, the number) of a comparison ``column <op> number`` written either way round;
    the number is a literal, or a negated one (``-1``)."""
    for side, other in ((node.this, node.expression), (node.expression, node.this)):
        value = other.this if isinstance(other, exp.Neg) else other
        if isinstance(side, exp.Column) and isinstance(value, exp.Literal) and not value.is_string:
            return side, other
    return None


def conjuncts(where: exp.Where | exp.Having) -> list[exp.Expr]:
    """The conditions ANDed at the top of a WHERE or HAVING (one, when it is not an AND)."""
    condition = where.this
    while isinstance(condition, exp.Paren):
        condition = condition.this
    return list(condition.flatten()) if isinstance(condition, exp.And) else [condition]


def refers_to(keys: Sequence[exp.Expr], selected: exp.Expr, position: int, dialect: str) -> bool:
    """Whether a GROUP BY / ORDER BY among ``keys`` names the selected expression at ``position``
    (0-based): by its SQL, its alias or name, or its position number."""
    write = read_dialect(dialect)
    names = {_key_text(selected.unalias(), write), selected.alias_or_name.casefold(), str(position + 1)}
    return any(_key_text(k, write) in names for k in keys)


def _key_text(e: exp.Expr, dialect: object) -> str:
    if isinstance(e, exp.Column) and not e.table:
        return e.name.casefold()
    if isinstance(e, exp.Literal) and not e.is_string:
        return str(e.this)
    return str(e.sql(dialect=dialect)).casefold()  # type: ignore[arg-type]


def limit_of(sql: str, dialect: str) -> int | None:
    """The outer query's ``LIMIT n``; None without one (or when it is not a plain number)."""
    tree = parse_sql(sql, dialect)
    limit = tree.args.get("limit") if isinstance(tree, exp.Select) else None
    count = limit.expression if isinstance(limit, exp.Limit) else None
    return int(count.this) if isinstance(count, exp.Literal) and count.is_int else None


def first_row_only(sql: str, dialect: str, *, file_order: bool = False) -> str | None:
    """An ordered query without a LIMIT, limited to its first row; with ``file_order`` an unordered
    one too, ordered by the row number first (DuckDB's ``rowid``, the file's order). None for any
    other query."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select) or tree.args.get("limit") is not None:
        return None
    if tree.args.get("order") is None:
        if not file_order or tree.args.get("group") is not None or tree.args.get("distinct") is not None:
            return None
        tree = tree.order_by(exp.column("rowid"))
    tree.set("limit", exp.Limit(expression=exp.Literal.number(1)))
    return tree.sql(dialect=read_dialect(dialect))


def _ordered_pick(sql: str, dialect: str) -> exp.Select | None:
    """The query when it picks rows by an order (``ORDER BY … LIMIT n``), ungrouped and not distinct:
    the rows it picks have row numbers to order by."""
    tree = parse_sql(sql, dialect)
    if (
        not isinstance(tree, exp.Select)
        or tree.args.get("order") is None
        or tree.args.get("limit") is None
        or tree.args.get("group") is not None
        or tree.args.get("distinct") is not None
    ):
        return None
    return tree


def ordered_by_file(sql: str, from_end: bool, dialect: str) -> str | None:
    """A query that picks its first rows by an order (``ORDER BY x LIMIT n``) ordered by the row
    number instead (DuckDB's ``rowid``: the file's order), from the end when ``from_end`` (a row
    order running the other way is turned round); None when it already is, or for any other shape
    (a grouped or distinct query has no row numbers)."""
    tree = _ordered_pick(sql, dialect)
    if tree is None:
        return None
    keys = tree.args["order"].expressions
    if any(isinstance(k.this, exp.Column) and k.this.name.casefold() == "rowid" for k in keys) and (
        len(keys) != 1 or bool(keys[0].args.get("desc")) == from_end
    ):
        return None
    tree.set("order", exp.Order(expressions=[exp.Ordered(this=exp.column("rowid"), desc=from_end)]))
    return tree.sql(dialect=read_dialect(dialect))


def ties_by_file_order(sql: str, from_end: bool, dialect: str) -> str | None:
    """A query that picks rows by an order (``ORDER BY x LIMIT n``) over one table, with the file's
    row order (``rowid``, from the end when ``from_end``) breaking its ties; None when it already
    uses the row order, or for any other shape (a join, a grouped or distinct query)."""
    tree = _ordered_pick(sql, dialect)
    if tree is None or tree.args.get("joins"):
        return None
    if any(isinstance(c, exp.Column) and c.name.casefold() == "rowid" for c in tree.find_all(exp.Column)):
        return None
    keys = tree.args["order"].expressions
    tree.set("order", exp.Order(expressions=[*keys, exp.Ordered(this=exp.column("rowid"), desc=from_end)]))
    return tree.sql(dialect=read_dialect(dialect))


#: a column whose small values are the better ones (a rank, a position): its order reads backwards
RANK_LIKE = re.compile(r"(?i)\b(rank|ranking|pos|position|place|no)\b|#|名次|排名|排行")


def _one_key_pick(sql: str, dialect: str) -> tuple[exp.Select, exp.Expr] | None:
    """The query and its one ORDER BY key when it picks one row by it (``ORDER BY x LIMIT 1``)."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select):
        return None
    order, limit = tree.args.get("order"), tree.args.get("limit")
    count = limit.args.get("expression") if limit is not None else None
    if order is None or count is None or count.sql() != "1" or len(order.expressions) != 1:
        return None
    return tree, order.expressions[0]


def ordered_one_way(sql: str, descending: bool, dialect: str, *, names: str = "") -> str | None:
    """A query that picks its first row by one ordered column (``ORDER BY x LIMIT 1``), ordered the
    other way when it is not ``descending`` as asked; None when it already is, when the order is by
    a rank-like column (rank 1 is the highest), by ``names`` (the column naming the rows compared:
    its order is the alphabet's, not the measure's) or when the query is of another shape."""
    picked = _one_key_pick(sql, dialect)
    if picked is None:
        return None
    tree, key = picked
    columns = list(key.this.find_all(exp.Column)) if isinstance(key, exp.Ordered) else []
    if len(columns) != 1 or RANK_LIKE.search(columns[0].name):
        return None
    if names and columns[0].name.casefold() == names.casefold():
        return None
    if bool(key.args.get("desc")) == descending:
        return None
    key.set("desc", descending)
    key.set("nulls_first", None)
    return tree.sql(dialect=read_dialect(dialect))


def scope_tables(scope: Scope) -> dict[str, str]:
    """The tables a SELECT scope reads: alias (casefolded) → table name as written."""
    return {
        alias.casefold(): source.name
        for alias, source in scope.sources.items()
        if isinstance(source, exp.Table)
    }


def table_of(
    column: exp.Column, tables: Mapping[str, str], known: Mapping[str, Collection[str]]
) -> str | None:
    """The table (as written) of a column in a scope reading ``tables`` (from :func:`scope_tables`):
    the one its alias names, else the only one with a column of that name. ``known``: casefolded
    table → casefolded column names."""
    name = column.name.casefold()
    if column.table:
        return tables.get(column.table.casefold())
    found = {t for t in tables.values() if name in known.get(t.casefold(), ())}
    return found.pop() if len(found) == 1 else None


def parsed_scopes(sql: str, dialect: str) -> tuple[exp.Expr, list[tuple[Scope, dict[str, str]]]] | None:
    """The parsed query and its SELECT scopes (innermost first), each with the tables it reads
    (:func:`scope_tables`); None when it does not parse."""
    try:
        tree = sqlglot.parse_one(sql, read=read_dialect(dialect))
        return tree, [(scope, scope_tables(scope)) for scope in traverse_scope(tree)]
    except (sqlglot.errors.SqlglotError, RecursionError):
        return None


def typed_names(types: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """table → column → type name, every name casefolded (DuckDB's names ignore case)."""
    return {t.casefold(): {c.casefold(): ty for c, ty in cols.items()} for t, cols in types.items()}


def column_type(column: exp.Column, table: str | None, known: Mapping[str, Mapping[str, str]]) -> str | None:
    """The type of ``column`` of ``table`` in :func:`typed_names`' map; None when unknown."""
    return None if table is None else known.get(table.casefold(), {}).get(column.name.casefold())


def alias_identifier(source: exp.Table) -> exp.Identifier:
    """How the SELECT names a table it reads: its alias, else its name, quoted as written (a new node)."""
    ident = source.args["alias"].this if source.args.get("alias") else source.this
    named: exp.Identifier = exp.to_identifier(ident.name, quoted=bool(getattr(ident, "quoted", False)))
    return named


def written_aliases(select: exp.Select) -> dict[str, exp.Identifier]:
    """Each table's alias (or name) as written, by its casefolded text, in FROM/JOIN order: a
    rewrite that names a table again quotes it as the query did."""
    tables = [select.args["from_"].this] if select.args.get("from_") is not None else []
    tables += [j.this for j in select.args.get("joins") or ()]
    names: dict[str, exp.Identifier] = {}
    for table in tables:
        if isinstance(table, exp.Table):
            written = table.args.get("alias")
            ident = written.this if isinstance(written, exp.TableAlias) else table.this
            if isinstance(ident, exp.Identifier):
                names.setdefault(ident.name.casefold(), ident)
    return names


def ordered_by_measure(sql: str, names: str, measure: str, descending: bool, dialect: str) -> str | None:
    """``ORDER BY <names> LIMIT 1`` (the rows compared ordered by their own names, the alphabet's
    order) ordered by ``measure`` instead, ``descending`` as asked; None for a query of another shape."""
    picked = _one_key_pick(sql, dialect)
    if picked is None:
        return None
    tree, key = picked
    if not isinstance(key, exp.Ordered) or not isinstance(key.this, exp.Column):
        return None
    if key.this.name.casefold() != names.casefold():
        return None
    key.set("this", exp.column(measure, table=key.this.table or None, quoted=True))
    key.set("desc", descending)
    key.set("nulls_first", None)
    return tree.sql(dialect=read_dialect(dialect))
