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
    if not tables or len(names) != 1:
        return None
    known = {t.casefold(): t for t in table_columns}
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
    previous = here
    for source, cols, target, ref_cols in path:
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
    return tree.sql(dialect=read_dialect(dialect))
