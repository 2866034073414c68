"""Mend join conditions that compare a table with itself.

``JOIN Student AS T3 ON T3.StuID = T3.stuid`` runs, is true on every row, and turns the join into
a cross product: every count and sum after it is wrong, and nothing fails to say so. Small models
write it when they lose track of the other table's alias. An ON condition exists to link the
joined table to a table read before it, so such an equality is read as that link: the foreign
key between the two on one of the named columns, else the one earlier table that has a column of
that name, else the only foreign key between the joined table and the tables before it. When none
of these is certain the query is left alone.

When no key links the two tables directly, the model has skipped the table between them (``course
JOIN classroom`` where sections hold the rooms): the one table with keys to both is put in
between, or, when the query joins it later, its ON gains the link the skipped condition meant.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import sqlglot
from sqlglot import exp

from tablepilot.engines.joins import ForeignKey
from tablepilot.sql.clauses import written_aliases
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
    for select in list(tree.find_all(exp.Select)):
        read: list[tuple[str, str]] = []  # (alias as written, table name), in FROM/JOIN order
        start = select.args.get("from_")
        if start is not None and isinstance(start.this, exp.Table):
            read.append((start.this.alias_or_name, start.this.name))
        joins = list(select.args.get("joins") or ())
        for index, join in enumerate(joins):
            if not isinstance(join.this, exp.Table):
                read = []  # a subquery in the join list: its columns are not known here
                break
            joined = (join.this.alias_or_name, join.this.name)
            on = join.args.get("on")
            if on is not None and read:
                for eq in equalities(on):
                    itself = _self_compared(eq, joined, read)
                    if itself is not None and (
                        _relink(eq, itself, joined, read, known, foreign_keys)
                        or _bridge(select, index, eq, itself, joined, read, foreign_keys)
                    ):
                        changed = True
            read.append(joined)
    return tree.sql(dialect=read_dialect(dialect)) if changed else None


def equalities(on: exp.Expr) -> list[exp.EQ]:
    """The ``a = b`` conditions an ON requires (its AND-ed terms, not those under OR or NOT)."""
    if isinstance(on, exp.Paren):
        return equalities(on.this)
    if isinstance(on, exp.And):
        return equalities(on.left) + equalities(on.right)
    return [on] if isinstance(on, exp.EQ) else []


def _relink(
    eq: exp.EQ,
    itself: tuple[str, str],
    joined: tuple[str, str],
    read: Sequence[tuple[str, str]],
    known: Mapping[str, Mapping[str, str]],
    foreign_keys: Sequence[ForeignKey],
) -> bool:
    left, right = eq.this, eq.expression
    names = {left.name.casefold(), right.name.casefold()}
    if itself == joined:  # the joined table with itself: link it to an earlier one
        partners = list(read)
    else:  # an earlier table with itself: the joined table is the one left out
        partners = [joined]
        joined = itself
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


def _self_compared(
    eq: exp.EQ, joined: tuple[str, str], read: Sequence[tuple[str, str]]
) -> tuple[str, str] | None:
    """The (alias, table) that ``eq`` compares with itself, when it is one of the query's tables."""
    left, right = eq.this, eq.expression
    if not (isinstance(left, exp.Column) and isinstance(right, exp.Column)):
        return None
    qualifier = left.table.casefold()
    if not qualifier or qualifier != right.table.casefold():
        return None
    return next((t for t in [joined, *read] if t[0].casefold() == qualifier), None)


def _bridge(
    select: exp.Select,
    index: int,
    eq: exp.EQ,
    itself: tuple[str, str],
    joined: tuple[str, str],
    read: Sequence[tuple[str, str]],
    foreign_keys: Sequence[ForeignKey],
) -> bool:
    """Link the ``index``-th join to an earlier table through the one table with keys to both;
    ``itself``: the table ``eq`` compares with itself."""
    earlier = list(read) if itself == joined else [itself]
    seen = {t.casefold() for _, t in [*read, joined]}
    joins = list(select.args.get("joins") or ())
    later = {
        j.this.name.casefold(): j
        for j in joins[index + 1 :]
        if isinstance(j.this, exp.Table) and j.args.get("on") is not None
    }
    found = []
    for middle in sorted({t for fk in foreign_keys for t in (fk.table, fk.ref_table)}):
        if middle.casefold() in seen - set(later):
            continue
        joined_keys = _keys_between(middle, joined[1], foreign_keys)
        for partner in earlier:
            partner_keys = _keys_between(middle, partner[1], foreign_keys)
            if len(joined_keys) == 1 and len(partner_keys) == 1:
                found.append((middle, joined_keys[0], partner, partner_keys[0]))
    if len(found) != 1:
        return False
    middle, to_joined, partner, to_partner = found[0]
    names = written_aliases(select)
    there = later.get(middle.casefold())
    if there is not None:  # joined later: its ON carries both links, this one joins all rows
        alias = there.this.alias_or_name
        on = there.args["on"]
        for key, (end_alias, end) in ((to_partner, partner), (to_joined, joined)):
            link = _link(key, middle, names[alias.casefold()], end, names[end_alias.casefold()])
            if not any(_same_link(link, have) for have in equalities(on)):
                on = exp.and_(on, link)
        there.set("on", on)
        eq.replace(exp.true())
        return True
    if middle.casefold() in {a.casefold() for a, _ in [*read, joined]}:
        return False  # its name is taken by an alias
    new = exp.to_identifier(middle, quoted=True)
    eq.replace(_link(to_joined, middle, new, joined[1], names[joined[0].casefold()]))
    step = exp.Join(
        this=exp.Table(this=new.copy()),
        on=_link(to_partner, middle, new, partner[1], names[partner[0].casefold()]),
    )
    joins.insert(index, step)
    select.set("joins", joins)
    return True


def _keys_between(table: str, other: str, foreign_keys: Sequence[ForeignKey]) -> list[ForeignKey]:
    """The foreign keys from either table to the other."""
    pair = {table.casefold(), other.casefold()}
    return [
        fk for fk in foreign_keys if {fk.table.casefold(), fk.ref_table.casefold()} == pair and len(pair) == 2
    ]


def _link(
    key: ForeignKey, table: str, alias: exp.Identifier, other: str, other_alias: exp.Identifier
) -> exp.Expr:
    """``key``'s equalities between ``table`` (as ``alias``) and ``other`` (as ``other_alias``)."""
    mine, theirs = (key.columns, key.ref_columns)
    if key.table.casefold() != table.casefold():
        mine, theirs = theirs, mine
    terms = [
        exp.EQ(
            this=exp.column(exp.to_identifier(a, quoted=True), table=alias.copy()),
            expression=exp.column(exp.to_identifier(b, quoted=True), table=other_alias.copy()),
        )
        for a, b in zip(mine, theirs)
    ]
    return exp.and_(*terms)


def _same_link(link: exp.Expr, have: exp.EQ) -> bool:
    """Whether ``have`` is one of ``link``'s equalities, either way round."""

    def ends(eq: exp.Expr) -> frozenset[str]:
        return frozenset(
            f"{c.table.casefold()}.{c.name.casefold()}"
            for c in (eq.this, eq.expression)
            if isinstance(c, exp.Column)
        )

    return any(ends(term) == ends(have) for term in equalities(link))


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
