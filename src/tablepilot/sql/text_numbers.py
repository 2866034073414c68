"""Numbers asked of text columns, read the one way they can be.

DuckDB refuses ``SUM("Destinations")`` and ``EXTRACT(YEAR FROM "Left office")`` on text ("No
function matches … sum(VARCHAR)"), and a small model sends the same query back in its repair. A
column stays text when its cells are not all numbers or dates ('present' among dates of leaving
office), so, before the guard:

- an AVG of a text column averages its number twin, else the number in each cell (a database
  schema may declare numbers ``VARCHAR``);
- a SUM of a text column with a number twin (``"Time"`` → ``"Time_seconds"``, ``"Rank_text"`` →
  ``"Rank"``) sums the twin; without one it counts the cells: "the total number of destinations"
  over a column of road names is how many there are;
- the year of a text column is its ``_year`` twin when there is one, else the four-digit year
  written in the cell (NULL when none is);
- a text column compared with a number (``"percentage (%)" > 0.01``, a binder error in DuckDB) is
  its number twin, else each cell read as a number; its ORDER BY keys in that query too.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from tablepilot.data.names import quote_ident
from tablepilot.profile import is_numeric_type
from tablepilot.sql.clauses import column_and_number, column_type, parsed_scopes, table_of, typed_names
from tablepilot.sql.dialects import read_dialect
from tablepilot.sql.pattern_casts import is_text_type

_NUMBER_TWINS = ("number", "seconds", "value", "amount")
_YEAR = r"(1[0-9]{3}|20[0-9]{2})"


def numbers_from_text(
    sql: str, types: Mapping[str, Mapping[str, str]], *, dialect: str = "duckdb"
) -> tuple[str, list[str]] | None:
    """``sql`` with sums and years of text columns read as above, and a note on each; None when
    there is none, the query does not parse, or the dialect is not DuckDB. ``types``: table →
    column → type name."""
    if dialect != "duckdb":
        return None
    known = typed_names(types)
    parsed = parsed_scopes(sql, dialect)
    if parsed is None:
        return None
    tree, scopes = parsed
    notes: list[str] = []
    for scope, tables in scopes:
        for node in list(scope.find_all(exp.Sum, exp.Avg, exp.Extract, exp.Year, exp.Anonymous)):
            column = _year_of(node) if not isinstance(node, (exp.Sum, exp.Avg)) else node.this
            if not isinstance(column, exp.Column):
                continue
            table = table_of(column, tables, known)
            type_name = column_type(column, table, known)
            if type_name is None or not is_text_type(type_name):
                continue
            columns = _spelled(types, table)
            if isinstance(node, exp.Avg):
                twin = _twin(column.name, columns, _NUMBER_TWINS)
                column.replace(_renamed(column, twin) if twin is not None else _as_number(column))
                read = f"its numbers in {quote_ident(twin)}" if twin else "the number in each cell"
                notes.append(f"{quote_ident(column.name)} is text; its average was taken over {read}.")
            elif isinstance(node, exp.Sum):
                twin = _twin(column.name, columns, _NUMBER_TWINS)
                name = quote_ident(column.name)
                if twin is not None:
                    column.replace(_renamed(column, twin))
                    notes.append(f"{name} is text; its sum was taken over {quote_ident(twin)}, its numbers.")
                else:
                    node.replace(exp.Count(this=column.copy()))
                    notes.append(f"{name} is text, which has no sum; its cells were counted instead.")
            else:
                twin = _twin(column.name, columns, ("year",))
                name = quote_ident(column.name)
                if twin is not None:
                    node.replace(_renamed(column, twin))
                    notes.append(f"{name} is text; its year was read from {quote_ident(twin)}.")
                else:
                    node.replace(_written_year(column))
                    notes.append(f"{name} is text; its year was read as the year written in each cell.")
        notes.extend(_compared_as_numbers(scope, tables, known, types))
    return (tree.sql(dialect=read_dialect(dialect)), notes) if notes else None


_ORDER_COMPARISONS = (exp.GT, exp.GTE, exp.LT, exp.LTE, exp.EQ, exp.NEQ)


def _compared_as_numbers(
    scope: Scope,
    tables: Mapping[str, str],
    known: Mapping[str, Mapping[str, str]],
    types: Mapping[str, Mapping[str, str]],
) -> list[str]:
    """Text columns compared with a number in ``scope`` (``"percentage (%)" > 0.01``, which DuckDB
    refuses, or ``= 5``, which fails on the first cell that is no number), and ordered there too,
    read as numbers: the number twin, else each cell as a number (NULL when it is none)."""
    notes = []
    done: set[tuple[str | None, str]] = set()
    for node in list(scope.find_all(*_ORDER_COMPARISONS)):
        pair = column_and_number(node)
        if pair is None:
            continue
        column, number = pair
        table = table_of(column, tables, known)
        type_name = column_type(column, table, known)
        if type_name is None or not is_text_type(type_name):
            continue
        twin = _twin(column.name, _spelled(types, table), _NUMBER_TWINS)
        column.replace(_renamed(column, twin) if twin is not None else _as_number(column))
        key = (table, column.name.casefold())
        if key not in done:
            done.add(key)
            _order_as_number(scope, column, table, twin, tables, known)
            read = f"its numbers in {quote_ident(twin)}" if twin else "the number in each cell"
            notes.append(
                f"{quote_ident(column.name)} is text; it was compared with {number.sql()} as {read}."
            )
    return notes


def _order_as_number(
    scope: Scope,
    column: exp.Column,
    table: str | None,
    twin: str | None,
    tables: Mapping[str, str],
    known: Mapping[str, Mapping[str, str]],
) -> None:
    """The ORDER BY keys of ``scope`` on the same column read the same way: the model that compared
    it with a number meant its numbers' order, not the text's ('9.5' after '12.3')."""
    select = scope.expression
    order = select.args.get("order") if isinstance(select, exp.Select) else None
    if order is None:
        return
    for key in order.expressions:
        keyed = key.this
        if (
            isinstance(keyed, exp.Column)
            and keyed.name.casefold() == column.name.casefold()
            and table_of(keyed, tables, known) == table
        ):
            keyed.replace(_renamed(keyed, twin) if twin is not None else _as_number(keyed))


def _as_number(column: exp.Column) -> exp.Expr:
    """The cell read as a number, thousands commas dropped; NULL when it is none ('<0.01', 'n/a')."""
    plain = exp.Anonymous(
        this="replace", expressions=[column.copy(), exp.Literal.string(","), exp.Literal.string("")]
    )
    return exp.TryCast(this=plain, to=exp.DataType.build("DOUBLE"))


def _year_of(node: exp.Expr) -> exp.Expr | None:
    """The column whose year ``node`` asks for: EXTRACT(YEAR FROM c), YEAR(c), date_part('year', c)."""
    if isinstance(node, exp.Extract):
        return node.expression if node.this.name.casefold() == "year" else None
    if isinstance(node, exp.Year):
        inner: exp.Expr = node.this
        return inner
    if isinstance(node, exp.Anonymous) and node.name.casefold() in ("date_part", "datepart"):
        args = node.expressions
        if len(args) == 2 and isinstance(args[0], exp.Literal) and args[0].this.casefold() == "year":
            column: exp.Expr = args[1]
            return column
    return None


def _spelled(types: Mapping[str, Mapping[str, str]], table: str | None) -> dict[str, tuple[str, str]]:
    """``table``'s columns: casefolded name → (name as the table spells it, type)."""
    for name, columns in types.items():
        if table is not None and name.casefold() == table.casefold():
            return {c.casefold(): (c, t) for c, t in columns.items()}
    return {}


def _twin(name: str, columns: Mapping[str, tuple[str, str]], suffixes: tuple[str, ...]) -> str | None:
    """A number column standing for text column ``name``, as the table spells it."""
    folded = name.casefold()
    candidates = [f"{folded}_{s}" for s in suffixes]
    if folded.endswith("_text") and "year" not in suffixes:
        candidates.insert(0, folded[: -len("_text")])
    for c in candidates:
        if c in columns and is_numeric_type(columns[c][1]):
            return columns[c][0]
    return None


def _renamed(column: exp.Column, name: str) -> exp.Column:
    """``column`` under another name, keeping its table alias."""
    twin = column.copy()
    twin.set("this", exp.to_identifier(name, quoted=True))
    return twin


def _written_year(column: exp.Column) -> exp.Expr:
    pattern = exp.Literal.string(_YEAR)
    found = exp.Anonymous(this="regexp_extract", expressions=[column.copy(), pattern, exp.Literal.number(1)])
    return exp.TryCast(
        this=exp.Nullif(this=found, expression=exp.Literal.string("")), to=exp.DataType.build("INTEGER")
    )
