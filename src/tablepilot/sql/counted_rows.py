"""Asked how many things, answered with a measure of them: "一共成交了多少地块" as ``SUM("成交总价")``.

A small model that sees "一共" reaches for ``SUM`` over the first number column, or lists that
column, when the question counts the rows themselves: the plots sold, the firms, the estates.
The noun after 多少/几 says which: a thing that has a measure word ("多少块土地", "几个小区"), or
whose name the table's or a name column's name carries (地块 in "地块名称"), counts rows; a unit or
a measure ("多少元", "多少套" beside 成交套数, "多少余额") sums. The count keeps the query's filters.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from sqlglot import exp

from tablepilot.sql.dialects import parse_sql, read_dialect

#: 多少/几, an optional measure word, then up to four characters of the noun
_COUNTED = re.compile(r"(?:多少|几)(?P<measure>[个块家宗幅位名座栋处只项])?(?P<noun>[\u4e00-\u9fff]{0,4})")
#: nouns that are amounts or units, never things counted one per row
_AMOUNT = re.compile(r"^(?:钱|元|万|亿|美元|平|米|亩|公顷|吨|度|倍|岁|年|月|天|日|小时|分钟|秒|次|比例|百分)")
#: words after the noun that end it ("地块成交", "土地呢")
_NOUN_END = re.compile(r"[的了呢吗呀啊是在被成有和与及，。？?]")


def counted_thing(question: str, table: str, name_columns: Collection[str]) -> str | None:
    """The noun of "多少<thing>" when the question counts rows of ``table``; None when it asks
    for an amount, or names no thing this table holds one per row."""
    for match in _COUNTED.finditer(question):
        noun = _NOUN_END.split(match.group("noun"), maxsplit=1)[0]
        if len(noun) < 1 or _AMOUNT.match(noun):
            continue
        held = [table, *name_columns]
        if match.group("measure") or any(noun[:2] in name for name in held if len(noun) >= 2):
            return (match.group("measure") or "") + noun
    return None


def rows_counted(sql: str, thing: str, *, dialect: str = "duckdb") -> str | None:
    """``SELECT COUNT(*)`` over ``sql``'s rows, for a query whose one output is ``SUM(x)`` or a
    plain column ``x`` whose name shares nothing with ``thing``; None for any other query."""
    tree = parse_sql(sql, dialect)
    if not isinstance(tree, exp.Select) or tree.args.get("group") or len(tree.expressions) != 1:
        return None
    if tree.args.get("distinct") or tree.args.get("limit") is not None:
        return None
    output = tree.expressions[0].unalias()
    column = output.this if isinstance(output, exp.Sum) else output
    if not isinstance(column, exp.Column) or set(column.name) & set(thing):
        return None
    if output is column and tree.find(exp.AggFunc):
        return None
    tree.set("expressions", [exp.Count(this=exp.Star())])
    tree.set("order", None)
    return tree.sql(dialect=read_dialect(dialect))
