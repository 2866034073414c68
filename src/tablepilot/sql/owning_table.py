"""A one-table query naming columns its table lacks: join the table that has them, or use it.

"How many classes exist for each school?" written as ``SELECT COUNT(*), SCHOOL_CODE FROM CLASS
GROUP BY SCHOOL_CODE`` fails: ``SCHOOL_CODE`` is DEPARTMENT's, two declared keys away (CLASS →
COURSE → DEPARTMENT). When one table holding every missing column is reachable through declared
keys (one or two joins, each from the referring table to the one it refers to), the query reads
its own table joined to it along those keys: only declared keys are followed, so no join is
guessed, and only many-to-one, so no row is repeated.

"How many players played each position?" written as ``SELECT Position, COUNT(*) FROM player GROUP
BY Position``, where no key leads from ``player`` to ``match_season``, the only table with
``Position`` (only a fan-out through ``team``): when exactly one other table has every column the
query names, the model picked the table by the question's noun and the columns by their meaning;
the columns are the surer guide, so the query is pointed at that table.

"What are the last name and office of all history professors?" written as ``SELECT EMP_LNAME,
PROF_OFFICE FROM PROFESSOR JOIN DEPARTMENT …`` names EMPLOYEE's ``EMP_LNAME``, a table the query
does not read. When a query over several tables names columns none of them has, and one table that
has them all is one or two declared keys away from one of them, that table is joined from it. Two
of the query's tables may both lead there (PROFESSOR and DEPARTMENT both refer to EMPLOYEE): the
one whose alias the model wrote on the column decides, else the one whose columns stand beside it
in the SELECT list (the office and the last name are the same professor's).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlglot import exp

from tablepilot.engines.joins import ForeignKey
from tablepilot.sql.clauses import alias_identifier
from tablepilot.sql.dialects import parse_sql, read_dialect

#: a step along a declared key: (from table, its columns, to table, their columns)
Step = tuple[str, tuple[str, ...], str, tuple[str, ...]]


def _paths(start: str, goal: str, keys: Sequence[ForeignKey]) -> list[list[Step]]:
    """The shortest chains (one or two keys) from ``start`` to ``goal`` that follow each key from the
    table that declares it to the one it refers to: every step is many-to-one, so each row of
    ``start`` meets at most one row of ``goal`` and the query's rows are neither repeated nor lost
    to a fan-out (player → team ← match_season would repeat each player per season)."""
    edges: list[Step] = [
        (k.table, k.columns, k.ref_table, k.ref_columns)
        for k in keys
        if k.table.casefold() != k.ref_table.casefold()
    ]
    s, g = start.casefold(), goal.casefold()
    one = [[e] for e in edges if e[0].casefold() == s and e[2].casefold() == g]
    if one:
        return one
    return [
        [a, b]
        for a in edges
        if a[0].casefold() == s and a[2].casefold() not in (s, g)
        for b in edges
        if b[0].casefold() == a[2].casefold() and b[2].casefold() == g
    ]


def owning_table(
    sql: str,
    table_columns: Mapping[str, Sequence[str]],
    *,
    dialect: str = "duckdb",
    foreign_keys: Sequence[ForeignKey] = (),
) -> tuple[str, str, str, bool] | None:
    """(the mended ``sql``, the table it read, the table holding the missing columns, whether that
    table was joined rather than read instead); None when the query reads several tables (or none),
    its own table has every column, or neither mend has exactly one way to go."""
    tree = parse_sql(sql, dialect)
    if tree is None or tree.find(exp.CTE):
        return None
    tables = list(tree.find_all(exp.Table))
    names = {t.name.casefold() for t in tables}
    if not tables:
        return None
    known = {t.casefold(): t for t in table_columns}
    if len(names) > 1:
        return _joined_owner(tree, tables, table_columns, foreign_keys, dialect)
    current = known.get(tables[0].name.casefold())
    if current is None:
        return None
    aliases = {a.alias.casefold() for a in tree.find_all(exp.Alias)}
    named = {
        c.name.casefold()
        for c in tree.find_all(exp.Column)
        if c.name and not (not c.table and c.name.casefold() in aliases)
    }
    columns = {t: {c.casefold() for c in cols} for t, cols in table_columns.items()}
    if not named or named <= columns[current]:
        return None
    missing = named - columns[current]
    reachable = [
        (t, path)
        for t, cols in columns.items()
        if t != current and missing <= cols
        for path in _paths(current, t, foreign_keys)
    ]
    if reachable:  # related by keys: join along the one shortest way, never read another table instead
        shortest = min(len(p) for _, p in reachable)
        best = [(t, p) for t, p in reachable if len(p) == shortest]
        if len(best) != 1:
            return None
        joined = _joined(tree, tables[0], best[0][0], best[0][1], missing, aliases, dialect)
        return (joined, current, best[0][0], True) if joined is not None else None
    owners = [t for t, cols in columns.items() if t != current and named <= cols]
    if len(owners) != 1:
        return None
    owner = owners[0]
    for table in tables:
        alias = table.alias
        table.set("this", exp.to_identifier(owner, quoted=True))
        if not alias:  # columns written as table.column follow the table's new name
            for column in tree.find_all(exp.Column):
                if column.table and column.table.casefold() == current.casefold():
                    column.set("table", exp.to_identifier(owner, quoted=True))
    return tree.sql(dialect=read_dialect(dialect)), current, owner, False


def _joined(
    tree: exp.Expr,
    table: exp.Table,
    owner: str,
    path: list[Step],
    missing: set[str],
    aliases: set[str],
    dialect: str,
) -> str | None:
    """``tree`` reading ``table`` joined along ``path`` to ``owner``, every column qualified: the
    missing ones with ``owner``, the rest with ``table``'s alias or name."""
    if (
        not isinstance(tree, exp.Select)
        or tree.args.get("joins")
        or table.parent is not tree.args.get("from_")
    ):
        return None
    here = alias_identifier(table)
    for column in tree.find_all(exp.Column):
        name = column.name.casefold()
        if not column.table and name in aliases:
            continue
        if name in missing:
            column.set("table", exp.to_identifier(owner, quoted=True))
        elif not column.table:
            column.set("table", here.copy())
    return _join_along(tree, here, path).sql(dialect=read_dialect(dialect))


def _joined_owner(
    tree: exp.Expr,
    tables: list[exp.Table],
    table_columns: Mapping[str, Sequence[str]],
    foreign_keys: Sequence[ForeignKey],
    dialect: str,
) -> tuple[str, str, str, bool] | None:
    """The several-table case of :func:`owning_table`: join the one table that has the columns none
    of the query's tables has, from the query's table that leads there along declared keys."""
    if not isinstance(tree, exp.Select) or tree.args.get("from_") is None:
        return None
    direct = [tree.args["from_"].this, *(j.this for j in tree.args.get("joins") or ())]
    if len(direct) != len(tables) or any(t not in direct for t in tables):
        return None  # a subquery's tables: left to the other mends
    known = {t.casefold(): t for t in table_columns}
    if any(t.name.casefold() not in known for t in tables):
        return None
    read = [known[t.name.casefold()] for t in tables]
    if len(set(read)) != len(read):
        return None  # one table read twice
    columns = {t: {c.casefold() for c in cols} for t, cols in table_columns.items()}
    by_alias = {alias_identifier(t).name.casefold(): (t, known[t.name.casefold()]) for t in tables}
    aliases = {a.alias.casefold() for a in tree.find_all(exp.Alias)}
    refs = [
        c for c in tree.find_all(exp.Column) if c.name and not (not c.table and c.name.casefold() in aliases)
    ]
    have = set().union(*(columns[t] for t in read))
    missing = {c.name.casefold() for c in refs} - have
    if not missing:
        return None
    in_query = {str(t).casefold() for t in read}
    found = [
        (table, known[table.name.casefold()], owner, path)
        for owner, cols in columns.items()
        if owner.casefold() not in in_query and missing <= cols
        for table in tables
        for path in _paths(known[table.name.casefold()], owner, foreign_keys)
        if all(step[2].casefold() not in in_query for step in path[:-1])
    ]
    if not found:
        return None
    shortest = min(len(f[3]) for f in found)
    found = [f for f in found if len(f[3]) == shortest]
    if len(found) > 1:  # the alias written on the missing column names the table it was meant for
        written = {c.table.casefold() for c in refs if c.name.casefold() in missing and c.table}
        if len(written) == 1:
            found = [f for f in found if alias_identifier(f[0]).name.casefold() in written] or found
    if len(found) > 1:  # else the table whose columns stand beside it in the SELECT list
        beside = {
            by_alias[c.table.casefold()][1] if c.table and c.table.casefold() in by_alias else None
            for e in tree.expressions
            for c in e.find_all(exp.Column)
            if c.name.casefold() not in missing
        } | {
            next((t for t in read if c.name.casefold() in columns[t]), None)
            for e in tree.expressions
            for c in e.find_all(exp.Column)
            if not c.table
            and c.name.casefold() not in missing
            and sum(c.name.casefold() in columns[t] for t in read) == 1
        }
        found = [f for f in found if f[1] in beside]
    if len(found) != 1:
        return None
    table, current, owner, path = found[0]
    for column in refs:
        name = column.name.casefold()
        if name in missing:
            column.set("table", exp.to_identifier(owner, quoted=True))
        elif not column.table:  # the joined table may share the name: say whose it is
            holders = [t for t in tables if name in columns[known[t.name.casefold()]]]
            if len(holders) == 1:
                column.set("table", alias_identifier(holders[0]))
    joined = _join_along(tree, alias_identifier(table), path)
    return joined.sql(dialect=read_dialect(dialect)), current, owner, True


def _join_along(tree: exp.Select, start: exp.Identifier, path: list[Step]) -> exp.Select:
    """``tree`` joined, from the table named ``start``, to each step's table on its key columns."""
    previous = start
    for _source, cols, target, ref_cols in path:
        ref = exp.to_identifier(target, quoted=True)
        on = exp.and_(
            *(
                exp.EQ(
                    this=exp.column(exp.to_identifier(a, quoted=True), table=previous.copy()),
                    expression=exp.column(exp.to_identifier(b, quoted=True), table=ref.copy()),
                )
                for a, b in zip(cols, ref_cols, strict=True)
            )
        )
        tree = tree.join(exp.to_table(f'"{target}"'), on=on, copy=False)
        previous = ref
    return tree
