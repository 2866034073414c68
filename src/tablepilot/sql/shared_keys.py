"""Name the table of a join key written without one: ``SELECT Customer_ID … JOIN … USING`` in spirit.

``FROM Customers JOIN Customers_Policies ON Customers.Customer_ID = Customers_Policies.Customer_ID
WHERE Customer_ID = 3`` fails: both tables have ``Customer_ID``, and DuckDB will not guess. The
join says the two are equal, so either is the one meant; the first table read (the left side of
the join) is named. A name both tables hold without a join equating them (``name`` of a person and
of a city) is left for the model to resolve.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from sqlglot import exp

from tablepilot.sql.clauses import parsed_scopes, written_aliases
from tablepilot.sql.dialects import read_dialect
from tablepilot.sql.join_conditions import equalities


def qualify_shared_keys(
    sql: str, columns: Mapping[str, Collection[str]], *, dialect: str = "duckdb"
) -> str | None:
    """``sql`` with each unqualified column that two or more joined tables hold, all equated by
    the joins' ON conditions, qualified by the first of them; None when there is none."""
    parsed = parsed_scopes(sql, dialect)
    if parsed is None:
        return None
    tree, scopes = parsed
    known = {t.casefold(): {c.casefold() for c in cols} for t, cols in columns.items()}
    changed = False
    for scope, tables in scopes:
        select = scope.expression
        if not isinstance(select, exp.Select) or not select.args.get("joins"):
            continue
        written = written_aliases(select)
        order = list(written)
        linked = _equated(select)
        for column in scope.columns:
            if column.table:
                continue
            name = column.name.casefold()
            holders = [a for a in order if name in known.get(tables.get(a, "").casefold(), ())]
            if len(holders) < 2 or not _connected(holders, linked.get(name, set())):
                continue
            column.set("table", written[holders[0]].copy())
            changed = True
    return tree.sql(dialect=read_dialect(dialect)) if changed else None


def _equated(select: exp.Select) -> dict[str, set[frozenset[str]]]:
    """Column name → the pairs of aliases an ON condition equates on that name."""
    pairs: dict[str, set[frozenset[str]]] = {}
    for join in select.args.get("joins") or ():
        on = join.args.get("on")
        for eq in equalities(on) if on is not None else ():  # not one under OR: no equality then
            left, right = eq.this, eq.expression
            if (
                isinstance(left, exp.Column)
                and isinstance(right, exp.Column)
                and left.table
                and right.table
                and left.name.casefold() == right.name.casefold()
                and left.table.casefold() != right.table.casefold()
            ):
                pairs.setdefault(left.name.casefold(), set()).add(
                    frozenset((left.table.casefold(), right.table.casefold()))
                )
    return pairs


def _connected(aliases: list[str], pairs: set[frozenset[str]]) -> bool:
    """Whether the equalities join all ``aliases`` into one group."""
    group = {aliases[0]}
    grew = True
    while grew:
        grew = False
        for pair in pairs:
            if pair & group and not pair <= group:
                group |= pair
                grew = True
    return set(aliases) <= group
