"""Two columns asked for, one given: "美元的期末外币余额和期末折算人民币余额分别是多少？".

A small model answers a question that names two of the table's columns, joined by 和/与/、/"and",
asked twice ("…是多少，存货周转率又是多少"), or with their shared part written once ("营业收入和
净利润的增长率", "期末和期初余额"), with only the first or the last of them. When
the query reads one table and selects plain columns, a column the question names beside a
selected one and the query never mentions is added to the selection, in the question's order.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from sqlglot import exp

from tablepilot.linking import normalize, without_unit
from tablepilot.sql.dialects import parse_sql, read_dialect

#: what may stand between two names of one request: a conjunction, a comma, "…是多少，…又"
_JOINED = re.compile(r"(?i)^(?:\W|和|与|及|以及|、|and|or|的|是多少|分别|又|还有|,|，|\s)*$")
#: at most this many characters between the two names
_GAP = 8
#: the clauses of a question, and what makes a clause ask something of its own
_CLAUSE_END = re.compile(r"[，,；;？?。]")
_ASKS = re.compile(r"(?i)多少|几|什么|哪|怎样|如何|\b(what|how|which|who)\b")


def mentioned_spans(question: str, columns: Collection[str]) -> dict[str, tuple[int, int]]:
    """Each column whose whole name the question contains, with where: longest names first, a
    name inside a longer one's span not counted ("余额" within "期末外币余额")."""
    q = normalize(question)
    spans: dict[str, tuple[int, int]] = {}
    for column in sorted(columns, key=lambda c: -len(normalize(c))):
        name = normalize(column)
        if len(name) < 2:
            continue
        start = q.find(name)
        while start >= 0:
            span = (start, start + len(name))
            if not any(s <= span[0] and span[1] <= e for s, e in spans.values()):
                spans[column] = span
                break
            start = q.find(name, start + 1)
    return spans


_CONJ = "(?:和|与|及|以及|、)"


def shared_part_pairs(question: str, columns: Collection[str]) -> set[frozenset[str]]:
    """Pairs of columns the question names with one shared part written once: "营业收入和净利润的
    增长率" (营业收入增长率%, 净利润增长率%), "期末和期初余额" (期末余额, 期初余额)."""
    q = normalize(question)
    bases = {c: without_unit(c).strip() for c in columns}
    bases = {c: b for c, b in bases.items() if len(b) >= 3 and not b.isascii()}
    pairs = set()
    names = sorted(bases)
    for i, one in enumerate(names):
        for other in names[i + 1 :]:
            a, b = bases[one], bases[other]
            suffix = _common_length(a[::-1], b[::-1])
            prefix = _common_length(a, b)
            if suffix >= 2 and len(a) > suffix and len(b) > suffix:
                x, y, shared = a[:-suffix], b[:-suffix], a[-suffix:]
                forms = [f"{re.escape(x)}{_CONJ}{re.escape(y)}的?{re.escape(shared)}"]
                forms.append(f"{re.escape(y)}{_CONJ}{re.escape(x)}的?{re.escape(shared)}")
            elif prefix >= 2 and len(a) > prefix and len(b) > prefix:
                x, y, shared = a[prefix:], b[prefix:], a[:prefix]
                forms = [f"{re.escape(shared)}的?{re.escape(x)}{_CONJ}{re.escape(y)}"]
                forms.append(f"{re.escape(shared)}的?{re.escape(y)}{_CONJ}{re.escape(x)}")
            else:
                continue
            if any(re.search(form, q) for form in forms):
                pairs.add(frozenset((one, other)))
    return pairs


def _common_length(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def with_named_columns(
    question: str, sql: str, columns: Sequence[str], *, dialect: str = "duckdb"
) -> str | None:
    """``sql`` selecting also the columns of ``columns`` that the question names right beside a
    selected one; None when there is none, or for a query that is not a plain one-table selection."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select) or tree.args.get("group") or tree.args.get("joins"):
        return None
    if not all(isinstance(e.unalias(), exp.Column) for e in tree.expressions):
        return None
    spans = mentioned_spans(question, columns)
    selected = {e.unalias().name for e in tree.expressions}
    used = {c.name for c in tree.find_all(exp.Column)}
    q = normalize(question)
    near = [
        column
        for column, span in spans.items()
        if column not in used
        and any(
            column != other and other in selected and _asked_together(q, span, spans[other])
            for other in spans
        )
    ]
    for pair in shared_part_pairs(question, columns):
        if pair & selected and not pair <= selected:
            (column,) = pair - selected
            if column not in used and column not in near:
                near.append(column)
                at = q.find(without_unit(column).strip()[:2])  # where its own part is
                spans[column] = (at, at)
    if not near:
        return None
    named = sorted([c for c in spans if c in selected or c in near], key=lambda c: spans[c][0])
    others = [e for e in tree.expressions if e.unalias().name not in spans]
    by_name = {e.unalias().name: e for e in tree.expressions}
    tree.set(
        "expressions",
        [
            *others,
            *(by_name[c] if c in by_name else exp.column(exp.to_identifier(c, quoted=True)) for c in named),
        ],
    )
    return tree.sql(dialect=read_dialect(dialect))


def _asked_together(q: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Two names of one request ("A和B", "A是多少，B又是多少"), or each in a clause that asks of
    its own ("年初余额的其他资本公积有多少，本年增加了多少")."""
    start, end = _between(a, b)
    if end - start <= _GAP and _JOINED.match(q[start:end]) and q[start:end].strip():
        return True
    first, second = _clause(q, min(a, b)), _clause(q, max(a, b))
    return first != second and bool(_ASKS.search(first[1]) and _ASKS.search(second[1]))


def _clause(q: str, span: tuple[int, int]) -> tuple[int, str]:
    """Which clause (its number and text) a span starts in."""
    parts = _CLAUSE_END.split(q)
    at = 0
    for number, part in enumerate(parts):
        if at + len(part) >= span[0]:
            return number, part
        at += len(part) + 1
    return len(parts) - 1, parts[-1]


def _between(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    """The characters between two spans, whichever comes first."""
    return (a[1], b[0]) if a[1] <= b[0] else (b[1], a[0])
