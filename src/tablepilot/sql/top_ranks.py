"""Reading "the top 15" as the ranks 1 to 15, not as rank 15.

"Of those in the top 15 positions, who earned the least points?" becomes
``WHERE "Pos" = '15'`` in a small model's query: the one rider placed 15th. When the question says
top N (前N名) and the query pins a rank-like column to N, the ask loop runs it with that column
among the ranks 1..N instead, listed as the cells the column holds ('1', '2.', 'T3'), so text and
number columns read alike in every dialect. Another condition of the same query on the same N
(``AND "Grid" = '15'``) is dropped: the question names N once, as the count of top places.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from sqlglot import exp

from tablepilot.sql.clauses import RANK_LIKE, conjuncts, pinned_to_number
from tablepilot.sql.dialects import parse_sql, read_dialect

#: number words a "top N" may use
NUMBER_WORDS = {
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
}
_WORDS = "|".join(w for w in NUMBER_WORDS if w.isascii())
_CHINESE = "".join(w for w in NUMBER_WORDS if not w.isascii())
#: "top 15", "the top three", "前五名", "排名前 10"
TOP_N = re.compile(rf"(?i)前\s*(\d+|[{_CHINESE}])\s*(?:名|位|个|家)?|\btop\s+(\d+|{_WORDS})\b")


#: "the five lowest", "3 tallest", "房价最低的五个小区", "最高的3家": N things picked by a measure
_N_PICKED = re.compile(
    rf"(?i)\b(\d+|{_WORDS})\s+(?:\w+\s+){{0,3}}?(?:the\s+)?"
    r"(?!(?:west|rest|test|contest|forest|guest|interest|request|quest|protest|harvest|chest|crest|nest)\b)"
    r"(?:\w+est|most|least)\b"
    rf"|最\S{{1,3}}?的\s*(\d+|[{_CHINESE}])\s*(?:个|家|名|位|条|项|只|所)"
    rf"|(\d+|[{_CHINESE}])\s*(?:个|家|名|位|条|项|只|所)\s*最"
)


def picked_count(question: str) -> int | None:
    """N of "top N", "前N", "the N largest", "最高的N个": the number of rows the question asks for."""
    top = top_count(question)
    if top is not None:
        return top
    match = _N_PICKED.search(question)
    if match is None:
        return None
    return _count(match.group(1) or match.group(2) or match.group(3))


def top_count(question: str) -> int | None:
    """N of the first "top N" / "前N" in the question; None when it has none."""
    match = TOP_N.search(question)
    if match is None:
        return None
    return _count(match.group(1) or match.group(2))


def _count(n: str) -> int | None:
    """A count written in digits or as a number word ("5", "five", "五")."""
    return int(n) if n.isdigit() else NUMBER_WORDS.get(n.lower())


#: share of the places 1..N a rank column must hold (ties skip some: 1, 2, T3, T3, 5)
_HELD_PLACES = 0.8
_LEADING_NUMBER = re.compile(r"^\D{0,2}?(\d+)")


def _rank(cell: str) -> int | None:
    """The place a rank cell holds: '3', '3.', 'T3', '=3', '3rd', '1. (10.)' → its first integer."""
    match = _LEADING_NUMBER.match(cell.strip())
    return int(match.group(1)) if match else None


def _pinned_to(condition: exp.Expr, n: int) -> tuple[exp.Column, exp.Literal] | None:
    """(column, literal) of a ``column = N`` / ``column = 'N'`` condition, N written as digits only;
    None for any other."""
    pinned = pinned_to_number(condition, n)
    if pinned is None or not isinstance(pinned[0], exp.Column) or not str(pinned[1].this).strip().isdigit():
        return None
    return pinned[0], pinned[1]


def ranks_up_to(
    sql: str, n: int, cells: Callable[[str], Sequence[str] | None], *, dialect: str = "duckdb"
) -> tuple[str, str, list[str]] | None:
    """``sql`` with its one ``rank = n`` condition read as ranks 1..n (``rank IN (<its cells ranked
    1..n>)``), the rank column's name and the other conditions on n it dropped; None when the query
    has no such condition (or several), does not parse, or the column's cells are not ranks.

    ``cells(column)``: the distinct texts of a column of the table the query reads.
    """
    tree = parse_sql(sql, dialect)
    if tree is None:
        return None
    found = []
    for where in tree.find_all(exp.Where):
        for condition in conjuncts(where):
            pinned = _pinned_to(condition, n)
            if pinned is not None and RANK_LIKE.search(pinned[0].name):
                found.append((where, condition, *pinned))
    if len(found) != 1:
        return None
    where, condition, column, literal = found[0]
    texts = cells(column.name)
    ranked = {t: _rank(t) for t in texts or ()}
    within = sorted(
        (t for t, r in ranked.items() if r is not None and 1 <= r <= n), key=lambda t: ranked[t] or 0
    )
    places = {r for r in ranked.values() if r is not None}
    if not texts or len(within) <= 1 or len(places & set(range(1, n + 1))) < _HELD_PLACES * n:
        return None  # no places 1..n in turn: car numbers, shirt numbers, codes
    write = read_dialect(dialect)
    numeric = not literal.is_string and all(t.strip().isdigit() for t in within)
    values = [exp.Literal.number(t.strip()) if numeric else exp.Literal.string(t) for t in within]
    kept: list[exp.Expr] = []
    dropped: list[str] = []
    for other in conjuncts(where):
        if other is condition:
            kept.append(exp.In(this=column.copy(), expressions=values))
        elif _pinned_to(other, n) is not None:
            dropped.append(other.sql(dialect=write))
        else:
            kept.append(other.copy())
    where.set("this", exp.and_(*kept))
    return tree.sql(dialect=write), column.name, dropped
