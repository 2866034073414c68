"""A joined table the query never uses and the question never names.

"List the name of rooms with king or queen bed" answered with ``FROM Reservations JOIN Rooms ON
Reservations.Room = Rooms.RoomId``: nothing of Reservations is selected, filtered or ordered on,
yet the join repeats each room once per reservation and drops rooms never booked. When a table's
columns appear only in the join condition that brings it in, and the question does not name it
("… that have reservations" would), the query without that table is what was asked.
"""

from __future__ import annotations

from sqlglot import exp

from tablepilot.sql.asked_order import name_words
from tablepilot.sql.dialects import parse_sql, read_dialect


def _words(text: str) -> set[str]:
    return {w for w in name_words(text) if len(w) >= 3}


def _named(table: str, asked: set[str]) -> bool:
    """The question names the table: one of its words, or a word sharing its first five letters
    ("enrolled" names Student_Course_Enrolment)."""
    return any(w == q or (len(w) >= 5 and q.startswith(w[:5])) for w in _words(table) for q in asked)


def _refers(node: exp.Expr, alias: str) -> bool:
    return any(c.table.casefold() == alias for c in node.find_all(exp.Column))


def without_unused_join(sql: str, question: str, *, dialect: str = "duckdb") -> tuple[str, str] | None:
    """(``sql`` without the one inner-joined table used only in its join condition and not named by
    the question, that table's name); None when there is no such table, or when some column is
    written without its table (which one it belongs to is then unknown here)."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select) or not tree.args.get("joins"):
        return None
    joins: list[exp.Join] = list(tree.args["joins"])
    source = tree.args.get("from_")
    if source is None or not isinstance(source.this, exp.Table):
        return None
    tables = [source.this, *(j.this for j in joins)]
    if not all(isinstance(t, exp.Table) for t in tables) or any(
        j.side or j.kind not in ("", "INNER") or j.args.get("using") or j.args.get("on") is None
        for j in joins
    ):
        return None
    if any(not c.table for c in tree.find_all(exp.Column)) or tree.find(exp.Star):
        return None
    asked = _words(question)
    for i, table in enumerate(tables):
        alias = (table.alias or table.name).casefold()
        ons = [j for j in joins if _refers(j.args["on"], alias)]
        brought = joins[i - 1] if i else (ons[0] if ons and ons[0] is joins[0] else None)
        if brought is None or ons != [brought] or _named(table.name, asked):
            continue
        outside = tree.copy()
        for j in outside.args["joins"]:
            j.set("on", None)
        if _refers(outside, alias):
            continue
        kept = [j.copy() for j in joins if j is not brought]
        if i == 0:
            tree.set("from_", exp.From(this=joins[0].this.copy()))
        tree.set("joins", kept)
        return tree.sql(dialect=read_dialect(dialect)), table.name
    return None
