"""Questions that pick one of two or more named values: "A 与 B 哪个容积率更低", "durdevo or zabalj?".

The small model often drops the named values (ranks the whole table) or selects the column it
filtered on (the district instead of the project), so the answer is none of the values compared.
The linker has already found them as cells of one column; this module says which ones were
compared, so the ask loop can check the answer is one of them and ask once more if it is not.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from tablepilot.linking import ValueLink, normalize

# what may stand between two compared names: a conjunction, a comma or nothing
_JOINER = re.compile(r"^[\s,，、;；/]*(?:和|与|及|跟|同|还是|或者|或|and|or|vs\.?|versus)?[\s,，、;；/]*$")


@dataclass(frozen=True)
class Comparison:
    table: str
    column: str
    values: tuple[str, ...]


def compared_values(question: str, links: Sequence[ValueLink]) -> Comparison | None:
    """The values of one column that the question names side by side, joined by 'and'/'or'/'和'/'与'
    (None unless there are two or more of them)."""
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
    return None


def answers_one_of(rows: Sequence[Sequence[object]], comparison: Comparison) -> bool:
    """True when the result is one row holding one of the compared values."""
    if len(rows) != 1:
        return False
    wanted = {normalize(v) for v in comparison.values}
    return any(isinstance(cell, str) and normalize(cell) in wanted for cell in rows[0])
