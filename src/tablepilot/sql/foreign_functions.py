"""MySQL functions in a query for DuckDB, written with DuckDB's own.

Code models learnt much of their SQL from MySQL and reach for ``SUBSTRING_INDEX("Span", '–', 1)``,
``LOCATE``, ``MID``, ``DATE_FORMAT`` or ``STR_TO_DATE``, which DuckDB does not have; told so, a small
model writes the same call again. Before the guard, a DuckDB query that calls one of them is
written with the DuckDB function that does the same (``split_part``, ``strpos``, ``substring``,
``strftime``, ``strptime``, MySQL's date format letters turned into strftime's). A query that
calls none of them stays byte-for-byte the same.
"""

from __future__ import annotations

import re

from sqlglot import exp

from tablepilot.sql.dialects import parse_sql, read_dialect

_NAMES = re.compile(r"(?i)\b(SUBSTRING_INDEX|LOCATE|MID|DATE_FORMAT|STR_TO_DATE)\s*\(")
#: MySQL's format letters that strftime/strptime write otherwise
_FORMAT = {"%M": "%B", "%i": "%M", "%s": "%S", "%h": "%I", "%W": "%A", "%e": "%-d", "%c": "%-m", "%k": "%-H"}
_PARSE_FORMAT = {**_FORMAT, "%e": "%d", "%c": "%m", "%k": "%H"}  # strptime reads unpadded numbers anyway


def _mysql_format(fmt: str, table: dict[str, str]) -> str:
    return re.sub(r"%[a-zA-Z]", lambda m: table.get(m.group(0), m.group(0)), fmt)


def _substring_index(node: exp.SubstringIndex) -> exp.Expr | None:
    count = node.args.get("count")
    delimiter = node.args.get("delimiter")
    if not isinstance(count, (exp.Literal, exp.Neg)) or delimiter is None:
        return None
    try:
        n = int(count.sql())
    except ValueError:
        return None
    if n in (1, -1):
        return exp.func("split_part", node.this.copy(), delimiter.copy(), exp.Literal.number(n))
    if n == 0:
        return exp.Literal.string("")
    parts = exp.func("string_split", node.this.copy(), delimiter.copy())
    sliced = exp.func(
        "list_slice", parts, exp.Literal.number(1 if n > 0 else n), exp.Literal.number(n if n > 0 else -1)
    )
    return exp.func("array_to_string", sliced, delimiter.copy())


def _formatted(node: exp.Expr, name: str, table: dict[str, str]) -> exp.Expr | None:
    args = node.expressions if isinstance(node, exp.Anonymous) else [node.this, node.args.get("format")]
    if len(args) != 2 or not isinstance(args[1], exp.Literal) or not args[1].is_string:
        return None
    return exp.func(name, args[0].copy(), exp.Literal.string(_mysql_format(str(args[1].this), table)))


def _replacement(node: exp.Expr) -> exp.Expr | None:
    if isinstance(node, exp.SubstringIndex):
        return _substring_index(node)
    if isinstance(node, exp.StrToDate):
        parsed = _formatted(node, "strptime", _PARSE_FORMAT)
        return exp.cast(parsed, "DATE") if parsed is not None else None
    if isinstance(node, exp.Anonymous):
        name = str(node.this).upper()
        if name == "MID" and len(node.expressions) in (2, 3):
            return exp.func("substring", *(e.copy() for e in node.expressions))
        if name == "DATE_FORMAT":
            return _formatted(node, "strftime", _FORMAT)
    return None


def duckdb_functions(sql: str) -> str | None:
    """``sql`` with the MySQL functions above written as DuckDB's; None when it calls none of them
    (or does not parse)."""
    if not _NAMES.search(sql):
        return None
    tree = parse_sql(sql, "duckdb")
    if tree is None:
        return None
    # deepest first, so a call inside another is rewritten before the outer one copies it
    for node in reversed(list(tree.find_all(exp.SubstringIndex, exp.StrToDate, exp.Anonymous))):
        new = _replacement(node)
        if new is not None:
            node.replace(new)
    out = tree.sql(dialect=read_dialect("duckdb"))  # LOCATE(a, b) is written STRPOS(b, a)
    return out if out != sql else None
