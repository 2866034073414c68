"""A thing asked for by name, answered with its id: "for each cinema" as ``GROUP BY "Cinema_ID"``.

A small model selects the key column it sees in the table it reads (``schedule."Cinema_ID"``)
when the question asks about the things that key points at ("total show times for each cinema",
"which team…"). When a declared foreign key leads from that column to a table the question names,
and that table has a name column, the query joins it and shows the name in the id's place
(grouping by both, so two things of one name stay two).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from sqlglot import exp

from tablepilot.engines.joins import ForeignKey
from tablepilot.sql.dialects import parse_sql, read_dialect

#: a column that names the rows of its table
_NAME = re.compile(r"(?i)^(?:name|title|\w*_name|[a-z]name)$")
_ID = re.compile(r"(?i)(?:^|_)id$|[a-z]ID$|(?:^|_)code$")


def names_for_ids(
    question: str,
    sql: str,
    columns: Mapping[str, Sequence[str]],
    foreign_keys: Sequence[ForeignKey],
    *,
    dialect: str = "duckdb",
) -> tuple[str, str, str] | None:
    """(``sql`` showing the named table's name column where it selected the key, the key, the name
    column); None when no selected key leads to a table the question names, or the question asks
    for ids ("the id of", "codes")."""
    if re.search(r"(?i)\b(ids?|codes?)\b", question):
        return None
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select) or tree.args.get("joins") or tree.args.get("from_") is None:
        return None
    source = tree.args["from_"].this
    if not isinstance(source, exp.Table):
        return None
    words = _words(question)
    for position, selected in enumerate(tree.expressions):
        column = selected.unalias()
        if not isinstance(column, exp.Column) or not _ID.search(column.name):
            continue
        target = _target(source.name, column.name, foreign_keys)
        if target is None or not _named(target[0], words):
            continue
        name = next((c for c in columns.get(target[0], ()) if _NAME.match(c)), None)
        if name is None:
            return None
        alias = exp.to_identifier("named", quoted=True)
        key = exp.column(exp.to_identifier(target[1], quoted=True), table=alias.copy())
        shown = exp.column(exp.to_identifier(name, quoted=True), table=alias.copy())
        mine = column.copy()
        if not mine.table:
            mine.set("table", exp.to_identifier(source.alias_or_name, quoted=bool(source.this.quoted)))
        tree = tree.join(
            exp.Table(this=exp.to_identifier(target[0], quoted=True), alias=exp.TableAlias(this=alias)),
            on=exp.EQ(this=key, expression=mine),
        )
        tree.expressions[position].replace(shown.copy())
        group = tree.args.get("group")
        if group is not None:
            for kept in group.expressions:  # GROUP BY 1 would now mean the name alone
                if isinstance(kept, exp.Literal) and kept.this == str(position + 1):
                    kept.replace(mine.copy())
            group.append("expressions", shown.copy())
        for node in tree.find_all(exp.Column):  # the source's own columns, now beside another table
            if not node.table and node is not tree.expressions[position]:
                node.set("table", exp.to_identifier(source.alias_or_name, quoted=bool(source.this.quoted)))
        return tree.sql(dialect=read_dialect(dialect)), column.name, name
    return None


def _target(table: str, column: str, foreign_keys: Sequence[ForeignKey]) -> tuple[str, str] | None:
    """The table and column a single-column foreign key from ``table.column`` points at."""
    for fk in foreign_keys:
        if (
            len(fk.columns) == 1
            and fk.table.casefold() == table.casefold()
            and fk.columns[0].casefold() == column.casefold()
            and fk.ref_table.casefold() != table.casefold()
        ):
            return fk.ref_table, fk.ref_columns[0]
    return None


def _words(question: str) -> set[str]:
    return {w.rstrip("s") for w in re.findall(r"[a-z]+", question.casefold())}


def _named(table: str, words: set[str]) -> bool:
    """Whether the question names the table ("cinema" for ``cinema``, "teams" for ``team``)."""
    parts = [p.rstrip("s") for p in re.findall(r"[a-z]+", table.casefold())]
    return bool(parts) and all(p in words for p in parts)
