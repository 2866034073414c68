"""Mend join conditions that compare a table with itself.

``JOIN Student AS T3 ON T3.StuID = T3.stuid`` runs, is true on every row, and turns the join into
a cross product: every count and sum after it is wrong, and nothing fails to say so. Small models
write it when they lose track of the other table's alias. An ON condition exists to link the
joined table to a table read before it, so such an equality is read as that link: the foreign
key between the two on one of the named columns, else the one earlier table that has a column of
that name, else the only foreign key between the joined table and the tables before it. When none
of these is certain the query is left alone.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import sqlglot
from sqlglot import exp

from tablepilot.engines.joins import ForeignKey
from tablepilot.sql.dialects import read_dialect


def mend_join_conditions(
    sql: str,
    columns: Mapping[str, Collection[str]],
    *,
    dialect: str = "duckdb",
    foreign_keys: Sequence[ForeignKey] = (),
) -> str | None:
    """``sql`` with each ``ON a.x = a.y`` relinked to the table it must join; None when no join
    condition needed it (or the query does not parse)."""
    known = {t.casefold(): {c.casefold(): c for c in cols} for t, cols in columns.items()}
    try:
        tree = sqlglot.parse_one(sql, read=read_dialect(dialect))
    except (sqlglot.errors.SqlglotError, RecursionError):
        return None
    changed = False
    for select in tree.find_all(exp.Select):
        read: list[tuple[str, str]] = []  # (alias as written, table name), in FROM/JOIN order
        start = select.args.get("from_")
        if start is not None and isinstance(start.this, exp.Table):
            read.append((start.this.alias_or_name, start.this.name))
        for join in select.args.get("joins") or ():
            if not isinstance(join.this, exp.Table):
                read = []  # a subquery in the join list: its columns are not known here
                break
            joined = (join.this.alias_or_name, join.this.name)
            on = join.args.get("on")
            if on is not None and read:
                for eq in _equalities(on):
                    changed |= _relink(eq, joined, read, known, foreign_keys)
            read.append(joined)
    return tree.sql(dialect=read_dialect(dialect)) if changed else None


def _equalities(on: exp.Expr) -> list[exp.EQ]:
    """The ``a = b`` conditions an ON requires (its AND-ed terms, not those under OR or NOT)."""
    if isinstance(on, exp.Paren):
        return _equalities(on.this)
    if isinstance(on, exp.And):
        return _equalities(on.left) + _equalities(on.right)
    return [on] if isinstance(on, exp.EQ) else []


def _relink(
    eq: exp.EQ,
    joined: tuple[str, str],
    read: Sequence[tuple[str, str]],
    known: Mapping[str, Mapping[str, str]],
    foreign_keys: Sequence[ForeignKey],
) -> bool:
    left, right = eq.this, eq.expression
    if not (isinstance(left, exp.Column) and isinstance(right, exp.Column)):
        return False
    qualifier = left.table.casefold()
    if not qualifier or qualifier != right.table.casefold():
        return False
    names = {left.name.casefold(), right.name.casefold()}
    aliases = {alias.casefold(): table for alias, table in [*read, joined]}
    if qualifier not in aliases:
        return False
    if qualifier == joined[0].casefold():  # the joined table with itself: link it to an earlier one
        partners = list(read)
    else:  # an earlier table with itself: the joined table is the one left out
        partners = [joined]
        joined = next((a, t) for a, t in read if a.casefold() == qualifier)
    link = (
        _key_link(joined, partners, names, foreign_keys)
        or _name_link(joined, partners, names, known)
        or _key_link(joined, partners, None, foreign_keys)  # the named columns link nothing: the one key
    )
    if link is None:
        return False
    own, (alias, theirs) = link
    eq.set("this", _column(own, joined[0], left))
    eq.set("expression", _column(theirs, alias, right))
    return True


def _key_link(
    joined: tuple[str, str],
    partners: Sequence[tuple[str, str]],
    names: set[str] | None,
    foreign_keys: Sequence[ForeignKey],
) -> tuple[str, tuple[str, str]] | None:
    """The one single-column foreign key between ``joined`` and a partner on one of ``names``
    (on any column when ``names`` is None)."""
    found = set()
    for fk in foreign_keys:
        if len(fk.columns) != 1:
            continue
        ends = [(fk.table, fk.columns[0], fk.ref_table, fk.ref_columns[0])]
        ends.append((fk.ref_table, fk.ref_columns[0], fk.table, fk.columns[0]))
        for mine, my_col, other, other_col in ends:
            if mine.casefold() != joined[1].casefold() or mine.casefold() == other.casefold():
                continue
            if names is not None and not names & {my_col.casefold(), other_col.casefold()}:
                continue
            for alias, table in partners:
                if table.casefold() == other.casefold():
                    found.add((my_col, (alias, other_col)))
    return found.pop() if len(found) == 1 else None


def _name_link(
    joined: tuple[str, str],
    partners: Sequence[tuple[str, str]],
    names: set[str],
    known: Mapping[str, Mapping[str, str]],
) -> tuple[str, tuple[str, str]] | None:
    """The one column name among ``names`` that ``joined`` and exactly one partner both have."""
    mine = known.get(joined[1].casefold(), {})
    found = {
        (mine[n], (alias, known[table.casefold()][n]))
        for n in names
        if n in mine
        for alias, table in partners
        if table.casefold() != joined[1].casefold() and n in known.get(table.casefold(), {})
    }
    return found.pop() if len(found) == 1 else None


def _column(name: str, table: str, like: exp.Column) -> exp.Column:
    """``table.name`` quoted as ``like`` was (quoted names keep their case in PostgreSQL)."""
    return exp.column(
        exp.to_identifier(name, quoted=bool(like.this.quoted) or None),
        table=exp.to_identifier(table, quoted=bool(getattr(like.args.get("table"), "quoted", False)) or None),
    )
