"""Python cell values (from Excel or SQLite) → one typed Arrow column.

Spreadsheet and SQLite columns are typed per cell, so the column type is the narrowest one that
holds every cell; a column that mixes kinds becomes text and is typed later by content.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

_INT64 = (-(2**63), 2**63 - 1)


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, _dt.datetime) and value.time() == _dt.time():
        return value.date().isoformat()
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat(sep=" ") if isinstance(value, _dt.datetime) else value.isoformat()
    return str(value)


def column_from_values(values: Sequence[Any]) -> tuple[pa.Array, bool]:
    """The Arrow array for ``values`` and whether it is text that should be typed by content."""
    kinds = {type(v) for v in values if v is not None}
    if not kinds:
        return pa.array([None] * len(values), type=pa.string()), False
    if kinds == {bool}:
        return pa.array(values, type=pa.bool_()), False
    if kinds == {int} and all(v is None or _INT64[0] <= v <= _INT64[1] for v in values):
        return pa.array(values, type=pa.int64()), False
    if kinds <= {int, float}:
        return pa.array([None if v is None else float(v) for v in values], type=pa.float64()), False
    if kinds <= {_dt.datetime, _dt.date}:
        if all(v is None or not isinstance(v, _dt.datetime) or v.time() == _dt.time() for v in values):
            dates = [v.date() if isinstance(v, _dt.datetime) else v for v in values]
            return pa.array(dates, type=pa.date32()), False
        stamps = [
            v if v is None or isinstance(v, _dt.datetime) else _dt.datetime.combine(v, _dt.time())
            for v in values
        ]
        return pa.array(stamps, type=pa.timestamp("us")), False
    if kinds == {_dt.time}:
        return pa.array(values, type=pa.time64("us")), False
    if kinds == {bytes}:
        return pa.array(values, type=pa.binary()), False
    return pa.array([None if v is None else _text(v) for v in values], type=pa.string()), True


def table_from_columns(
    names: Sequence[str], columns: Sequence[Sequence[Any]]
) -> tuple[pa.Table, frozenset[str]]:
    """An Arrow table from per-column value lists, with the names of its text-typed columns."""
    arrays: list[pa.Array] = []
    infer: set[str] = set()
    for name, values in zip(names, columns, strict=True):
        array, is_text = column_from_values(values)
        arrays.append(array)
        if is_text:
            infer.add(name)
    return pa.Table.from_arrays(arrays, names=list(names)), frozenset(infer)
