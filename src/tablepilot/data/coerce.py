"""Typing text columns by content, inside DuckDB, in one scan.

A column becomes BIGINT, DOUBLE, DATE, TIMESTAMP or BOOLEAN only when *every* non-missing cell
parses as that type; otherwise it stays text, so nothing the user wrote is silently lost. Codes with
leading zeros (``007``) and integers too large for BIGINT stay text. Cells such as ``NULL`` /
``None`` / ``N/A`` count as missing in a column that is otherwise typed (benchmarks and exports use
them for NULL), and each such conversion is noted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from tablepilot.data.names import quote_ident

NULL_TOKENS = ("", "null", "none", "nan", "n/a", "na", "#n/a")

_INT = r"^[+-]?([0-9]+|[0-9]{1,3}(,[0-9]{3})+)$"
_NUM = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+|[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?)([eE][+-]?[0-9]+)?$"
_LEAD0 = r"^[+-]?0[0-9]"
_DATE = r"^[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}$"
_DATE_ZH = r"^[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日$"
_TS = r"^[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}[ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?$"


@dataclass(frozen=True)
class ColumnCast:
    name: str
    type: str  # the DuckDB type chosen
    expr: str  # SQL producing the typed value from the text column
    note: str | None = None


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _missing(t: str) -> str:
    tokens = ", ".join(_lit(x) for x in NULL_TOKENS)
    return f"({t} IS NULL OR lower({t}) IN ({tokens}))"


def _text(col: str) -> str:
    return f"trim({quote_ident(col)})"


def _casts(col: str) -> dict[str, str]:
    t = _text(col)
    plain = f"replace({t}, ',', '')"
    return {
        "BIGINT": f"TRY_CAST({plain} AS BIGINT)",
        "DOUBLE": f"TRY_CAST({plain} AS DOUBLE)",
        "DATE": f"COALESCE(TRY_CAST({t} AS DATE), CAST(try_strptime({t}, '%Y年%m月%d日') AS DATE))",
        "TIMESTAMP": f"TRY_CAST({t} AS TIMESTAMP)",
        "BOOLEAN": f"TRY_CAST({t} AS BOOLEAN)",
    }


def _matches(text: pa.ChunkedArray, present: pa.ChunkedArray, pattern: str) -> int:
    hits = pc.and_(present, pc.fill_null(pc.match_substring_regex(text, pattern), False))
    return int(pc.sum(hits).as_py() or 0)


def _fits_bigint(text: pa.ChunkedArray, present: pa.ChunkedArray) -> bool:
    digits = pc.replace_substring_regex(pc.filter(text, present), r"^\+|,", "")
    try:
        pc.cast(digits, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


def _choose(col: str, text: pa.ChunkedArray) -> tuple[str | None, str | None, int]:
    """The type every present cell fits (DATE/TIMESTAMP still to be confirmed), a note, token count."""
    lowered = pc.utf8_lower(text)
    tokens = pa.array(NULL_TOKENS, type=pa.string())
    missing = pc.or_(pc.is_null(text), pc.fill_null(pc.is_in(lowered, value_set=tokens), True))
    present = pc.invert(missing)
    n = int(pc.sum(present).as_py() or 0)
    n_tokens = int(pc.sum(pc.and_(missing, pc.fill_null(pc.not_equal(text, ""), False))).as_py() or 0)
    if n == 0:
        return None, None, 0
    if _matches(text, present, _LEAD0):
        numeric = _matches(text, present, _NUM) == n
        return None, f"column {col!r} kept as text: numbers with leading zeros" if numeric else None, 0
    if _matches(text, present, _INT) == n:
        if _fits_bigint(text, present):
            return "BIGINT", None, n_tokens
        return None, f"column {col!r} kept as text: integers too large for BIGINT", 0
    if _matches(text, present, _NUM) == n:
        return "DOUBLE", None, n_tokens
    n_date = _matches(text, present, _DATE) + _matches(text, present, _DATE_ZH)
    if n_date == n:
        return "DATE", None, n_tokens
    if n_date + _matches(text, present, _TS) == n:
        return "TIMESTAMP", None, n_tokens
    if (
        int(pc.sum(pc.and_(present, pc.is_in(lowered, value_set=pa.array(["true", "false"])))).as_py() or 0)
        == n
    ):
        return "BOOLEAN", None, n_tokens
    return None, None, 0


def plan_casts(
    con: duckdb.DuckDBPyConnection, table: pa.Table, relation: str, columns: Sequence[str]
) -> list[ColumnCast]:
    """How to type each of ``columns`` (text columns of ``table``, registered as ``relation``).

    Shapes are checked with Arrow compute (no per-query planning cost, which dominates small
    tables); dates and timestamps are then confirmed by DuckDB itself in one query, because a
    date-shaped ``2024-13-45`` must not turn into a silent NULL.
    """
    chosen: dict[str, tuple[str | None, str | None, int]] = {}
    for col in columns:
        chosen[col] = _choose(col, pc.utf8_trim_whitespace(table.column(col)))
    temporal = [c for c, (kind, _, _) in chosen.items() if kind in ("DATE", "TIMESTAMP")]
    if temporal:
        checks = [
            f"count(*) FILTER (WHERE NOT {_missing(_text(c))} AND {_casts(c)[str(chosen[c][0])]} IS NULL)"
            for c in temporal
        ]
        failures = con.execute(f"SELECT {', '.join(checks)} FROM {quote_ident(relation)}").fetchall()[0]
        for c, bad in zip(temporal, failures, strict=True):
            if bad:
                chosen[c] = (None, None, 0)
    out: list[ColumnCast] = []
    for col in columns:
        kind, note, n_tokens = chosen[col]
        if kind is None:
            out.append(ColumnCast(col, "VARCHAR", quote_ident(col), note))
            continue
        if n_tokens:
            note = f"column {col!r}: {n_tokens} cell(s) such as 'NULL'/'None'/'N/A' read as NULL"
        expr = f"CASE WHEN {_missing(_text(col))} THEN NULL ELSE {_casts(col)[kind]} END"
        out.append(ColumnCast(col, kind, expr, note))
    return out
