"""A long view of wide period columns: ``地区 | 2021 | 2022 | 2023`` → ``地区 | 期间 | 数值``.

Offered as an extra table ``<name>_long`` next to the wide one, because questions such as "which
year grew most" are one GROUP BY on the long view and a chain of CASE expressions on the wide one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from tablepilot.tidy.totals import is_total_name
from tablepilot.tidy.values import has_cjk

_PERIOD = re.compile(
    r"^(?:(?:19|20)\d{2}(?:年|年度)?(?:[_ -]?(?:Q[1-4]|H[12]|[1-4]季度|第[一二三四]季度|[上下]半年|\d{1,2}月(?:份)?))?"
    r"|\d{1,2}月(?:份)?|Q[1-4]|(?:19|20)\d{2}[-/]\d{1,2}"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*(?:[_ -](?:19|20)\d{2})?)$",
    re.IGNORECASE,
)
MIN_PERIODS = 3


def period_columns(names: Sequence[str], types: Sequence[pa.DataType]) -> list[int]:
    """Positions of numeric columns named like periods, when there are at least three."""
    found = [
        i
        for i, (n, t) in enumerate(zip(names, types, strict=True))
        if _PERIOD.match(n.strip()) and (pa.types.is_integer(t) or pa.types.is_floating(t))
    ]
    return found if len(found) >= MIN_PERIODS else []


def long_view(table: pa.Table) -> tuple[pa.Table, str] | None:
    """The melted table and a report line, or None when there are no wide period columns."""
    names = table.column_names
    periods = period_columns(names, table.schema.types)
    if not periods:
        return None
    ids = [i for i in range(len(names)) if i not in periods and not is_total_name(names[i])]
    dropped = [names[i] for i in range(len(names)) if i not in periods and i not in ids]
    cjk = any(has_cjk(n) for n in names)
    period_name, value_name = ("期间", "数值") if cjk else ("period", "value")
    while period_name in names or value_name in names:
        period_name, value_name = period_name + "_", value_name + "_"
    value_type = (
        pa.int64() if all(pa.types.is_integer(table.schema.types[i]) for i in periods) else pa.float64()
    )
    parts: list[pa.Table] = []
    for p in periods:
        cols: dict[str, Any] = {names[i]: table.column(i) for i in ids}
        cols[period_name] = pa.array([names[p]] * table.num_rows, type=pa.string())
        cols[value_name] = table.column(p).cast(value_type)
        parts.append(pa.table(cols))
    long = pa.concat_tables(parts)
    line = f"long view offered: {len(periods)} period columns ({names[periods[0]]} … {names[periods[-1]]}) as {period_name}/{value_name}"
    if dropped:
        line += f"; total column(s) {', '.join(dropped)} left out"
    return long, line
