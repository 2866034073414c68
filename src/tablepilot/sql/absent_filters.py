"""A filter on a column no table has, naming something the question names: the table's own subject.

A table is often about one thing that none of its cells name: the films of one director, the best
sellers of one year. "How many movies did Venus Pictures produce for director C.V. Sridhar?" then
becomes ``… WHERE "Banner" = 'Venus Pictures' AND "Director" = 'C.V. Sridhar'`` over a table with no
director column, and "how many singles topped 1,000,000 sales in 1995?" ``AND "Year" = 1995`` over
one year's chart. The query cannot run, and a small model told so writes the same condition again.
Before the guard, such a condition (a top-level AND of the WHERE, comparing a column that no table
the query reads has with a value whose words the question uses) is left out; the answer's notes say
so, since the table may not be about that thing after all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlglot import exp

from tablepilot.sql.clauses import conjuncts, parsed_scopes
from tablepilot.sql.dialects import read_dialect
from tablepilot.sql.subject_column import words

_COMPARISONS = (exp.EQ, exp.Like, exp.ILike)


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def _asked(question: str) -> set[str]:
    """The question's words, and the number of each ordinal among them ("first round": 1)."""
    found = words(question)
    return found | {str(i + 1) for i, w in enumerate(_ORDINALS) if w in found}


def drop_absent_filters(
    sql: str, question: str, columns: Mapping[str, Sequence[str]], *, dialect: str = "duckdb"
) -> tuple[str, list[str]] | None:
    """``sql`` without such conditions, and the conditions as written; None when there is none, the
    query does not parse, or the missing column is used anywhere else (then it fails all the same)."""
    parsed = parsed_scopes(sql, dialect)
    if parsed is None:
        return None
    tree, scopes = parsed
    asked = _asked(question)
    by_name = {name.casefold(): cs for name, cs in columns.items()}
    dropped: list[exp.Expr] = []
    for scope, tables in scopes:
        select = scope.expression
        where = select.args.get("where") if isinstance(select, exp.Select) else None
        if where is None:
            continue
        if len(tables) != len(scope.sources):
            continue  # reads a subquery or a CTE: its columns are not in ``columns``
        known: set[str] = set()
        for table in tables.values():
            found = by_name.get(table.casefold())
            if found is None:
                break
            known.update(c.casefold() for c in found)
        else:
            aliases = {e.alias.casefold() for e in select.expressions if e.alias}
            dropped.extend(_droppable(where, known | aliases, asked))
    if not dropped:
        return None
    missing = {c.this.name.casefold() for c in dropped}
    uses = sum(1 for c in tree.find_all(exp.Column) if c.name.casefold() in missing)
    if uses != len(dropped):
        return None  # also selected, grouped or ordered by
    written = [c.sql(dialect=read_dialect(dialect)) for c in dropped]
    for condition in dropped:
        _remove(condition)
    return tree.sql(dialect=read_dialect(dialect)), written


def _droppable(where: exp.Where, known: set[str], asked: set[str]) -> list[exp.Expr]:
    out: list[exp.Expr] = []
    for condition in conjuncts(where):
        column, value = condition.this, condition.expression
        if not isinstance(condition, _COMPARISONS) or not isinstance(column, exp.Column):
            continue
        if column.name.casefold() in known or not isinstance(value, exp.Literal):
            continue
        named = words(value.this)
        if named and named <= asked:
            out.append(condition)
    return out


def _remove(condition: exp.Expr) -> None:
    """Take ``condition`` out of its AND chain, or the whole WHERE when it was the only condition."""
    parent = condition.parent
    while isinstance(parent, exp.Paren):
        condition, parent = parent, parent.parent
    if isinstance(parent, exp.Where):
        parent.pop()
    elif isinstance(parent, exp.And):
        other = parent.expression if parent.this is condition else parent.this
        parent.replace(other)
