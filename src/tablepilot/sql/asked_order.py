"""A query's output columns in the order the question asks for them.

"Return the total number of deaths and total damage" answered with ``SELECT SUM(damage),
SUM(deaths)`` has the right values in the wrong places: a reader (or a program reading the rows)
takes the first column for the deaths. When every output column can be placed in the question, by
its column name's words ("Number_Deaths" → deaths) or, for a count, by "how many" / "number of",
and the places differ from the query's order, the outputs are put in the question's order; a
grouped query's labels asked for as "by region" / "per month" keep their place beside its
measures, so such a breakdown still lists the groups first.
"""

from __future__ import annotations

import re

from sqlglot import exp

from tablepilot.linking import normalize
from tablepilot.sql.dialects import parse_sql, read_dialect

_WORD = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
#: where a question asks for a count
_COUNTED = re.compile(r"(?i)\bhow many\b|\bnumber\b|\bcount\b|多少|几")
#: words too common in column names to place one
_COMMON = frozenset({"id", "the", "of", "and", "in", "name", "code", "num", "number", "no"})


def _stem(word: str) -> str:
    return word[:-1] if len(word) >= 3 and word.endswith("s") else word


def name_words(name: str) -> set[str]:
    """The words of a table or column name ("Student_Course_Enrolment", "playerName"), lower-cased,
    a plural's s dropped, as they are compared with a question's words."""
    return {_stem(w) for w in _WORD.findall(_CAMEL.sub(" ", name).lower())}


def _column_words(name: str) -> set[str]:
    """The column name's words; the common ones only when there is nothing else ("id")."""
    every = name_words(name)
    return every - _COMMON or every


def _counted_place(question: str) -> int | None:
    match = _COUNTED.search(question)
    return match.start() if match else None


def _place(output: exp.Expr, question: str, words: dict[str, list[int]], shared: set[str]) -> int | None:
    """Where in the question ``output`` is asked for: its column's whole name, else the first of its
    column's own words (none shared with another output), else "how many" for a count."""
    columns = list(output.find_all(exp.Column))
    if len(columns) == 1:
        name = columns[0].name
        whole = normalize(question).find(normalize(name)) if len(normalize(name)) >= 2 else -1
        if whole >= 0 and not name.isascii():
            return whole
        own = [p for w in _column_words(name) - shared for p in words.get(w, [])]
        if own:
            return min(own)
    return _counted_place(question) if isinstance(output, exp.Count) else None


_BY = re.compile(r"(?i)\b(?:by|per)\s+(?:the\s+|each\s+)?$")


def _label_moved(
    tree: exp.Select, outputs: list[exp.Expr], order: list[int], places: list[int], question: str
) -> bool:
    """Whether the new order moves a grouping key asked for as "by"/"per" across a measure: "total
    amount by region" is a breakdown indexed by region, which keeps its labels first so the answer
    lists regions, not totals. Keys asked for otherwise ("how many students in each major") take
    their place in the question like any output."""
    group = tree.args.get("group")
    if group is None:
        return False
    keys = {k.sql().casefold() for k in group.expressions}
    label = [
        o.sql().casefold() in keys and bool(_BY.search(question[: places[i]])) for i, o in enumerate(outputs)
    ]
    place = {i: n for n, i in enumerate(order)}
    return any(
        label[a] and not label[b] and (a < b) != (place[a] < place[b])
        for a in range(len(outputs))
        for b in range(len(outputs))
    )


def in_asked_order(sql: str, question: str, *, dialect: str = "duckdb") -> str | None:
    """``sql`` with its outputs in the order the question names them; None when that is already
    their order, when some output cannot be placed (or two share a place), or for a query that
    refers to its outputs by position (``ORDER BY 2``), selects ``*`` or is not one SELECT."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select) or len(tree.expressions) < 2:
        return None
    if any(e.find(exp.Star) and not isinstance(e.unalias(), exp.Count) for e in tree.expressions):
        return None
    for clause in ("order", "group"):
        node = tree.args.get(clause)
        if node is not None and any(
            isinstance(k.this if isinstance(k, exp.Ordered) else k, exp.Literal) for k in node.expressions
        ):
            return None
    words: dict[str, list[int]] = {}
    for match in _WORD.finditer(question.lower()):
        words.setdefault(_stem(match.group()), []).append(match.start())
    outputs = [e.unalias() for e in tree.expressions]
    named = [_column_words(c.name) for o in outputs for c in o.find_all(exp.Column)]
    shared = {w for i, a in enumerate(named) for b in named[i + 1 :] for w in a & b}
    found = [_place(o, question, words, shared) for o in outputs]
    places = [p for p in found if p is not None]
    if len(places) != len(outputs) or len(set(places)) != len(places):
        return None
    order = sorted(range(len(outputs)), key=lambda i: places[i])
    if order == list(range(len(outputs))) or _label_moved(tree, outputs, order, places, question):
        return None
    tree.set("expressions", [tree.expressions[i] for i in order])
    return tree.sql(dialect=read_dialect(dialect))
