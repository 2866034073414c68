"""Move a column to the joined table that has it, when the model qualified it with the wrong one.

``SELECT T1.first_name FROM people AS T2 JOIN teams AS T1 …`` fails with "T1 does not have a
column named first_name", and small models repeat such a slip in their repair. When exactly one
other table of the same SELECT has the column, there is no doubt which one was meant. Likewise
``Students.last_name`` in ``FROM Students AS T2`` ("Referenced table Students not found") is
``T2.last_name``. When no table of the SELECT has the column but exactly one other table does, and
one foreign key links it to a table the SELECT reads, that table is joined on the key (``SELECT
T1.booking_start_date FROM Apartments AS T1`` reads the bookings of each apartment). The query is
rewritten on the AST and then goes through the guard like any other.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.scope import traverse_scope

from tablepilot.engines.joins import ForeignKey
from tablepilot.sql.clauses import alias_identifier
from tablepilot.sql.dialects import read_dialect


def requalify_columns(
    sql: str,
    columns: Mapping[str, Collection[str]],
    *,
    dialect: str = "duckdb",
    foreign_keys: Sequence[ForeignKey] = (),
) -> str | None:
    """``sql`` with wrongly qualified columns moved to the one joined table that has them (or to
    the one table that has them, joined on its foreign key); None when nothing needed it (or the
    query does not parse)."""
    known = {t.casefold(): {c.casefold() for c in cols} for t, cols in columns.items()}
    try:
        tree = sqlglot.parse_one(sql, read=read_dialect(dialect))
        scopes = traverse_scope(tree)
    except (sqlglot.errors.SqlglotError, RecursionError):
        return None
    changed = False
    joined_here: set[int] = set()  # columns put under a table joined in their own (inner) SELECT
    for scope in scopes:
        tables, quoted = {}, {}
        for alias, src in scope.sources.items():
            if isinstance(src, exp.Table) and src.name.casefold() in known:
                tables[alias] = known[src.name.casefold()]
                ident = src.args["alias"].this if src.args.get("alias") else src.this
                quoted[alias] = bool(getattr(ident, "quoted", False))
        aliased = {  # a table's own name → its alias, where the SELECT renamed it
            src.name.casefold(): alias
            for alias, src in scope.sources.items()
            if isinstance(src, exp.Table) and alias in tables and alias.casefold() != src.name.casefold()
        }
        select = scope.expression if isinstance(scope.expression, exp.Select) else None
        only_tables = len(tables) == len(scope.sources)
        named = (
            {e.alias.casefold() for e in select.expressions if isinstance(e, exp.Alias)} if select else set()
        )
        for column in scope.columns:
            if id(column) in joined_here:
                continue  # an outer SELECT sees it too, and would move it to its own alias of that table
            where, name = column.table, column.name.casefold()
            if where:
                renamed = aliased.get(where.casefold()) if where not in tables else None
                if renamed is not None and name in tables[renamed]:
                    column.set("table", exp.to_identifier(renamed, quoted=quoted[renamed]))
                    changed = True
                    continue
                if where not in tables or name in tables[where]:
                    continue
                holders = [alias for alias, cols in tables.items() if name in cols]
                if len(holders) == 1:
                    column.set("table", exp.to_identifier(holders[0], quoted=quoted[holders[0]]))
                    changed = True
                if holders:
                    continue
            elif not only_tables or name in named or any(name in cols for cols in tables.values()):
                continue  # unqualified: only a column no table read has, when all sources are tables
            if select is None:
                continue
            joined = _join_holder(select, scope.sources, column.name, columns, foreign_keys, where)
            if joined is not None:  # the one table that has it, joined on its foreign key
                tables[joined] = known[joined.casefold()]
                quoted[joined] = True
                _qualify(column, joined, select)
                joined_here.add(id(column))
                changed = True
    return tree.sql(dialect=read_dialect(dialect)) if changed else None


def _join_holder(
    select: exp.Select,
    sources: Mapping[str, object],
    column: str,
    columns: Mapping[str, Collection[str]],
    foreign_keys: Sequence[ForeignKey],
    written_under: str = "",
) -> str | None:
    """Join to ``select`` the one table outside it that has ``column``, on the one foreign key
    between it and a table the SELECT reads (of several, the key to the table ``written_under``
    names, the column's qualifier); its name (now also its alias), or None."""
    tables = {alias: src for alias, src in sources.items() if isinstance(src, exp.Table)}
    read = {src.name.casefold(): alias for alias, src in tables.items()}
    holders = [
        t
        for t, cols in columns.items()
        if t.casefold() not in read and column.casefold() in {c.casefold() for c in cols}
    ]
    if len(holders) != 1:
        return None
    holder = holders[0]
    links = []
    for fk in foreign_keys:
        ends = {fk.table.casefold(): fk.columns, fk.ref_table.casefold(): fk.ref_columns}
        other = fk.ref_table if fk.table.casefold() == holder.casefold() else fk.table
        if holder.casefold() in ends and other.casefold() in read and other.casefold() != holder.casefold():
            links.append((ends[holder.casefold()], read[other.casefold()], ends[other.casefold()]))
    if len(links) > 1:  # keys to several tables read: the one the column was written under
        links = [link for link in links if link[1].casefold() == written_under.casefold()]
    if len(links) != 1:
        return None
    own, alias, theirs = links[0]
    on = exp.and_(
        *(
            exp.EQ(
                this=exp.column(a, table=exp.to_identifier(holder, quoted=True), quoted=True),
                expression=exp.column(b, table=alias_identifier(tables[alias]), quoted=True),
            )
            for a, b in zip(own, theirs, strict=True)
        )
    )
    select.join(exp.to_table(exp.to_identifier(holder, quoted=True).sql()), on=on, copy=False)
    return holder


def _qualify(column: exp.Column, table: str, select: exp.Select) -> None:
    """Put ``column`` under the newly joined ``table``; a grouped SELECT that shows it (not inside an
    aggregate) also groups by it, which keeps its groups: the table was joined on their key."""
    column.set("table", exp.to_identifier(table, quoted=True))
    group = select.args.get("group")
    shown = any(c is column for e in select.expressions for c in e.find_all(exp.Column))
    name = column.name.casefold()
    grouped = group is not None and any(
        isinstance(e, exp.Column) and e.name.casefold() == name for e in group.expressions
    )
    if group is not None and shown and not grouped and column.find_ancestor(exp.AggFunc) is None:
        group.append("expressions", column.copy())
