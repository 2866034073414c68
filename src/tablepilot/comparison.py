"""Questions about two or more named values side by side: which one ("A 与 B 哪个容积率更低",
"durdevo or zabalj?") or each one ("经营、投资、筹资活动产生的现金流量净额是多少").

The small model often drops the named values (ranks the whole table) or selects the column it
filtered on (the district instead of the project), so the answer is none of the values compared.
The linker has already found them as cells of one column; this module says which ones were
compared, so the ask loop can check the answer is one of them (or has one for each) and ask once more if
it is not.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from tablepilot.answer_text import asks_either
from tablepilot.linking import ValueLink, normalize

# what may stand between two compared names: a conjunction, a comma or nothing
_JOINER = re.compile(
    r"^[\s,，、;；/]*(?:以及|和|与|及|跟|同|还是|或者|或|and|or|as well as|vs\.?|versus)?[\s,，、;；/]*$"
)


@dataclass(frozen=True)
class Comparison:
    table: str
    column: str
    values: tuple[str, ...]


def compared_values(question: str, links: Sequence[ValueLink]) -> Comparison | None:
    """The values of one column that the question names side by side, joined by 'and'/'or'/'和'/'与',
    or the two of one column an either-or question chooses between (None unless there are two or
    more of them)."""
    q = normalize(question)
    by_column: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
    for link in links:
        if link.contains or not link.matched_text:
            continue
        start = q.find(link.matched_text)
        if start >= 0:
            by_column[(link.table, link.column)].append((start, start + len(link.matched_text), link.value))
    for (table, column), spans in by_column.items():
        spans.sort()
        run = [spans[0]]
        for span in spans[1:]:
            if _JOINER.match(q[run[-1][1] : span[0]]):
                run.append(span)
            elif len(run) < 2:
                run = [span]
        values = tuple(dict.fromkeys(v for _, _, v in run))
        if len(values) >= 2:
            return Comparison(table, column, values)
    if asks_either(question):  # "是A的成本低，还是B的成本低": the two are apart, the choice is not
        pairs = [
            (key, tuple(dict.fromkeys(v for _, _, v in sorted(spans)))) for key, spans in by_column.items()
        ]
        two = [(key, values) for key, values in pairs if len(values) == 2]
        if len(two) == 1:
            (table, column), values = two[0]
            return Comparison(table, column, values)
    return None


# a question that combines the values into one number: no answer per value is wanted
_COMBINED = re.compile(
    r"(?i)合计|总计|总共|一共|共计|总和|之和|相差|差额|差距|差值|比例|比率|倍|平均|占比"
    r"|\b(total|sum|combined|together|difference|ratio|times|more|less|fewer|than|average|mean|both)\b"
)


_CJK = re.compile(r"[\u3400-\u9fff]")
_EACH_EN = re.compile(r"(?i)\b(each|respectively|individually|separately|apiece)\b")
#: "分别", "各自", "respectively": each asked for in so many words, even of a measure named as an
#: average ("平均房价分别是多少": each one's average price) or a share
_EACH_SAID = re.compile(r"(?i)分别|各自|\b(respectively|individually|separately|apiece)\b")
#: combinations that stand even then: a difference or a sum of the named values
_SUMMED = re.compile(
    r"(?i)合计|总计|总共|一共|共计|总和|之和|相差|差额|差距|差值|\b(total|sum|combined|together|difference)\b"
)


def wants_each(question: str) -> bool:
    """A question about several named values that asks for something of each, not one combined
    number. Chinese lists ('A与B本期减少多少') ask for each unless they combine; English 'the votes
    for A and B' is read as one number (WTQ) unless it says 'each' or 'respectively'. Saying so
    ('分别', 'respectively') asks for each even of an average or a ratio, not of a sum or difference."""
    if _EACH_SAID.search(question) and not _SUMMED.search(question):
        return True
    if _COMBINED.search(question):
        return False
    return bool(_CJK.search(question)) or bool(_EACH_EN.search(question))


def answers_each(rows: Sequence[Sequence[object]], comparison: Comparison) -> bool:
    """False when the result has fewer cells than the values asked about: one of them was left out."""
    return sum(len(row) for row in rows) >= len(comparison.values)


def answers_one_of(rows: Sequence[Sequence[object]], comparison: Comparison) -> bool:
    """True when the result is one row holding one of the compared values."""
    return len(rows) == 1 and holds_one_of(rows[0], {normalize(v) for v in comparison.values})


def holds_one_of(row: Sequence[object], wanted: set[str]) -> bool:
    """Whether a text cell of ``row`` is one of ``wanted`` (normalised values)."""
    return any(isinstance(cell, str) and normalize(cell) in wanted for cell in row)
