"""The ask loop's own rewrites of a query that ran: mended without a model call.

Some wrong results have one plain cause that the query itself shows: a typo of the question copied
into a filter, a filter on a value the question never names, the named row answered where the row
after it was asked, a "total" answered from one row, the empty group picked as the top one, a month given as its number where
"which month" was asked, a difference that came out negative, a total row picked as "which". Each
rewrite here runs the mended query through the guard again and stands only when it finds what the
model's query missed; a note says what was changed, so the answer stays traceable to the SQL.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tablepilot.answer import ResultTable
from tablepilot.answer_text import (
    COMPARATIVE,
    asked_direction,
    asks_either,
    asks_named_thing,
    asks_which,
    asks_yes_no,
    names_column,
    question_language,
)
from tablepilot.comparison import answers_one_of, compared_values, holds_one_of, wants_each
from tablepilot.data.names import quote_ident, quote_literal
from tablepilot.engines.base import Engine
from tablepilot.errors import GuardError, QueryError, TablepilotError
from tablepilot.linking import ValueLink, names_value, normalize
from tablepilot.profile import is_numeric_type
from tablepilot.result_checks import (
    TOTALS_SUFFIX,
    asks_extreme,
    closest_spellings,
    every_row_wanted,
    found_nothing,
    neighbour_case,
    one_value_wanted,
    total_label,
    totals_table,
)
from tablepilot.row_order import neighbour_sql
from tablepilot.sql.absolute import absolute_sql, asks_size_of_difference, is_negative_value
from tablepilot.sql.asked_order import in_asked_order
from tablepilot.sql.both_sets import ASKS_BOTH, intersected
from tablepilot.sql.bounds import asked_bound, bounded
from tablepilot.sql.calendar_order import file_order_direction, ordered_by_rowid, ordered_key
from tablepilot.sql.clauses import (
    first_row_only,
    limit_of,
    ordered_by_file,
    ordered_by_measure,
    ordered_one_way,
    ties_by_file_order,
)
from tablepilot.sql.counted_rows import counted_thing, rows_counted
from tablepilot.sql.date_granularity import coarser_dates
from tablepilot.sql.each_named import averages_averages, grouped_by_named
from tablepilot.sql.empty_keys import without_empty_keys
from tablepilot.sql.group_counts import groups_counted
from tablepilot.sql.group_extreme import top_group
from tablepilot.sql.group_totals import asks_total, summed_per_group
from tablepilot.sql.guard import check_readonly
from tablepilot.sql.id_names import names_for_ids
from tablepilot.sql.month_names import asks_month, named_months
from tablepilot.sql.name_hints import table_names
from tablepilot.sql.named_columns import with_named_columns
from tablepilot.sql.rank_extremes import best_rank_first
from tablepilot.sql.retarget import rename_table, respelled_tables, retarget_single_table
from tablepilot.sql.same_as import ASKS_OTHERS, without_named_row
from tablepilot.sql.self_difference import split_difference
from tablepilot.sql.serial_sums import counted_serials
from tablepilot.sql.subject_column import words
from tablepilot.sql.text_filters import respelled
from tablepilot.sql.ties import tie_at_cut
from tablepilot.sql.top_n import top_n_instead_of_extreme
from tablepilot.sql.top_ranks import picked_count, ranks_up_to, top_count
from tablepilot.sql.unasked_filters import (
    alone_probes,
    outer_text_filters,
    repeats_by_column,
    without_conditions,
    without_repeats,
    without_unasked,
)
from tablepilot.sql.unused_joins import without_unused_join
from tablepilot.sql.wan_amounts import amounts_in_wan


def checked(sql: str, dialect: str, tables: Sequence[str]) -> str:
    """The guard, after pointing a wrongly named table at the only table loaded (if that is all),
    or at the one loaded table spelt nearly the same."""
    try:
        return check_readonly(sql, dialect=dialect, tables=list(tables))
    except GuardError as exc:
        if exc.data.get("reason") != "unknown_table":
            raise  # only a wrong table name is mended (a query too deep to parse must not be parsed again)
        if len(tables) == 1:
            fixed = retarget_single_table(sql, tables[0], dialect=dialect)
        else:  # "Claims_Headers" for the loaded claim_headers: the one table spelt nearly the same
            fixed = respelled_tables(sql, tables, dialect=dialect)
        if fixed is None:
            raise
        return check_readonly(fixed, dialect=dialect, tables=list(tables))


def column_values(engine: Engine, timeout_s: float, table: str, column: str) -> list[str] | None:
    """Up to 500 distinct texts of a column, most frequent first (None if they cannot be read)."""
    ident = quote_ident(column)
    sql = (
        f"SELECT CAST({ident} AS VARCHAR) FROM {quote_ident(table)} WHERE {ident} IS NOT NULL "
        f"GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 500"
    )
    try:
        return [str(row[0]) for row in engine.execute(sql, max_rows=500, timeout_s=timeout_s).rows]
    except TablepilotError:
        return None


@dataclass(frozen=True)
class Rerunner:
    """Where a rewritten query runs: the engine, the tables the guard allows, the loop's limits."""

    engine: Engine
    tables: Sequence[str]
    max_rows: int
    timeout_s: float
    #: the rows keep one file's order in DuckDB's rowid (questions about the next row lean on it)
    file_order: bool
    #: columns' values already read for this question (the rewrites and the checks ask for the same)
    _read: dict[tuple[str, str], list[str] | None] = field(default_factory=dict, compare=False, repr=False)

    def run(self, sql: str | None) -> tuple[str, ResultTable] | None:
        """``sql`` through the guard and run; None when there is none or it fails (the result it
        was meant to mend then stands)."""
        if sql is None:
            return None
        try:
            safe = checked(sql, self.engine.dialect, self.tables)
            return safe, self.engine.execute(safe, max_rows=self.max_rows, timeout_s=self.timeout_s)
        except (GuardError, QueryError):
            return None

    def rows(self, sql: str) -> list[list[object]] | None:
        """The rows of :meth:`run`; None when it gives no result."""
        ran = self.run(sql)
        return ran[1].rows if ran is not None else None

    def values(self, table: str, column: str) -> list[str] | None:
        if (table, column) not in self._read:
            self._read[table, column] = column_values(self.engine, self.timeout_s, table, column)
        return self._read[table, column]

    def _read_by(self, sql: str) -> list[str]:
        """The tables the guard allows that ``sql`` reads."""
        read = table_names(sql, self.engine.dialect)
        return [t for t in self.tables if t.lower() in read]

    def typed_number(self, sql: str, column: str) -> str | None:
        """``column`` itself when it holds numbers, else the typed number parsed from its text
        (``"X"`` for ``"X_text"``), in the first table ``sql`` reads that has it."""
        read = self._read_by(sql)
        wanted = column.casefold()
        for table in self.engine.tables():
            if table.name not in read:
                continue
            for c in table.columns:
                if is_numeric_type(c.type) and wanted in (
                    c.name.casefold(),
                    (c.source_column or "").casefold(),
                ):
                    return c.name
        return None

    def column_types(self, sql: str) -> dict[str, dict[str, str]]:
        """Table → column → type name, for the tables the guard allows that ``sql`` reads."""
        read = self._read_by(sql)
        return {t.name: {c.name: c.type for c in t.columns} for t in self.engine.tables() if t.name in read}

    def one_table(self, sql: str) -> tuple[str, dict[str, str]] | None:
        """The one table ``sql`` reads and its column types; None when it reads several or none."""
        types = self.column_types(sql)
        return next(iter(types.items())) if len(types) == 1 else None

    def read_values(self, sql: str, column: str) -> list[str] | None:
        """:meth:`values` of ``column`` in the first table ``sql`` reads that has it."""
        tables = self._read_by(sql)
        return next((v for v in (self.values(t, column) for t in tables) if v is not None), None)


#: a rewrite: the mended query, its result and a note; None when it does not apply or finds no better
Rewrite = Callable[
    [str, str, ResultTable, Sequence[ValueLink], Rerunner], "tuple[str, ResultTable, str] | None"
]


def _found(question: str, rerun: tuple[str, ResultTable] | None) -> tuple[str, ResultTable] | None:
    return rerun if rerun is not None and not found_nothing(question, *rerun) else None


def respell_filters(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """Found nothing: each text filter value its column does not hold, spelt as the one cell nearly
    the same (a typo of the question copied into the query: 'Fremon School District 79')."""
    if not found_nothing(question, sql, result):
        return None
    spellings = closest_spellings(sql, runner.values, runner.engine.dialect)
    rerun = _found(question, runner.run(respelled(sql, spellings, dialect=runner.engine.dialect)))
    if rerun is None:
        return None
    read = ", ".join(f"{quote_literal(old)} as {quote_literal(new)}" for (_, old), new in spellings.items())
    return *rerun, f"The query first found nothing; read {read}, the nearest value in the data."


def top_ranks(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "Of those in the top 15 positions, who …" answered with ``"Pos" = '15'``, the one row placed
    15th: the same query over the ranks 1..15."""
    n = top_count(question)
    if n is None or n < 2:
        return None
    dialect = runner.engine.dialect
    mended = ranks_up_to(sql, n, functools.partial(runner.read_values, sql), dialect=dialect)
    rerun = _found(question, runner.run(mended[0] if mended else None))
    if mended is None or rerun is None:
        return None
    _, column, dropped = mended
    also = f"; dropped {', '.join(dropped)}, the same {n} again" if dropped else ""
    return *rerun, f'Read "top {n}" as {quote_ident(column)} 1 to {n}, not {n} alone{also}.'


def number_bounds(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "How many operas have at least 3 acts?" answered with ``"Acts_text" = '3 acts'``: the same
    query with ``"Acts" >= 3``."""
    bound = asked_bound(question)
    if bound is None:
        return None
    n, at_least = bound
    dialect = runner.engine.dialect
    mended = bounded(sql, n, at_least, functools.partial(runner.typed_number, sql), dialect=dialect)
    rerun = _found(question, runner.run(mended[0] if mended else None))
    if mended is None or rerun is None:
        return None
    asked = "at least" if at_least else "at most"
    return *rerun, f'Read "{asked}" as {">=" if at_least else "<="}, not {mended[1]}.'


def wan_amounts(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """Found nothing for "营业利润超过了3000万" as ``> 30000000``: the column's numbers read in 万
    (``> 3000``), the unit Chinese financial tables mostly use."""
    if not found_nothing(question, sql, result):
        return None
    read = amounts_in_wan(sql, question, dialect=runner.engine.dialect)
    rerun = _found(question, runner.run(read[0] if read else None))
    if read is None or rerun is None:
        return None
    return (
        *rerun,
        f"The query first found nothing; read {', '.join(read[1])} in 万, the unit of the column's numbers.",
    )


def best_rank(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "The highest rank on the charts" answered with ``MAX`` of the places: the smallest place."""
    if not result.rows:
        return None
    dialect = runner.engine.dialect
    mended = best_rank_first(question, sql, functools.partial(runner.read_values, sql), dialect=dialect)
    rerun = _found(question, runner.run(mended[0] if mended else None))
    if mended is None or rerun is None:
        return None
    return *rerun, f"A higher rank is a smaller number of {quote_ident(mended[1])}: took its other end."


def next_row(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """A question about the row after/before a named one that the query answered with the named row
    (or nothing): the column it selected, from the next (previous) row in the file's order."""
    if not runner.file_order:
        return None
    dialect = runner.engine.dialect
    case = neighbour_case(question, sql, result, runner.values, dialect)
    if case is None:
        return None
    rerun = _found(question, runner.run(neighbour_sql(question, sql, case.named, case.direction, dialect)))
    if rerun is None:
        return None
    where = f"{quote_ident(case.named.column)} = {quote_literal(case.named.value)}"
    return *rerun, f"Read as {case.direction} the row where {where}, in the file's order."


#: words of negation or absence, which a number filter (``"L" = 0``) may stand for
_ABSENCE = re.compile(
    r"(?i)\b(no|not|never|none|nil|zero|without|lacking|neither|nor|unbeaten|undefeated|winless|"
    r"scoreless|shut ?outs?|empty|un\w+)\b|n't|没有|无|未|不|零"
)


def drop_unasked_filters(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """Found nothing, or fewer rows than the "five lowest" asked: the query without its text
    filters on values the question never names (copied from the table description: 'W 12–0',
    '14th APFA', "成交套数" = '12')."""
    short = _fewer_than_asked(question, sql, result, runner.engine.dialect)
    if not (short or found_nothing(question, sql, result)):
        return None
    asked = functools.partial(names_value, question, links=links)
    numbers = not _ABSENCE.search(question)  # "undefeated" is "L" = 0: number filters stay there
    dropped = without_unasked(sql, asked, dialect=runner.engine.dialect, numbers=numbers)
    rerun = _found(question, runner.run(dropped[0] if dropped else None))
    if dropped is None or rerun is None or (short and len(rerun[1].rows) <= len(result.rows)):
        return None
    gone = ", ".join(dropped[1])
    found = f"only {len(result.rows)} of the {short} rows asked" if short else "nothing"
    return *rerun, f"The query first found {found}; dropped {gone}, which the question does not mention."


def _fewer_than_asked(question: str, sql: str, result: ResultTable, dialect: str) -> int | None:
    """N when the question asks for N rows ("the five lowest"), the query picks N (``LIMIT N``) and
    found some but fewer; None otherwise."""
    asked = picked_count(question)
    if asked is None or asked < 2 or not 0 < len(result.rows) < asked:
        return None
    return asked if limit_of(sql, dialect) == asked else None


def named_of_repeated(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """One value put on two columns (``"Developer" = 'Melbourne House' AND "Publisher" = 'Melbourne
    House'``) where the question names one of them ("how many titles did melbourne house
    publish"): the query without the condition on the other. A question naming both ("written and
    directed by") keeps both."""
    asked = {w for w in words(question) if len(w) >= 3}
    repeats = repeats_by_column(sql, dialect=runner.engine.dialect)
    named = [_names_column(asked, column) for _, _, column in repeats]
    if not any(named) or named.count(False) != 1:
        return None
    variant, dropped, _ = repeats[named.index(False)]
    rerun = _found(question, runner.run(variant))
    if rerun is None or rerun[1].rows == result.rows:
        return None
    return *rerun, f"Dropped {dropped}: the value is on a column the question names; this one it does not."


def _names_column(asked: set[str], column: str) -> bool:
    """Whether a word of the question is a word of ``column`` or shares its stem ("publish" and
    "Publisher", "illustration" and "Illustrator", "win" and "Winner")."""
    for word in words(column):
        for w in asked:
            common = len(os.path.commonprefix([w, word]))
            if common >= 3 and (common in (len(w), len(word)) or common >= 5):
                return True
    return False


def drop_repeated_filter(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """Found nothing: one value put on two columns (``"Points" > 15 AND "column_1" = '15'``) tried
    without each of its conditions; it stands when exactly one of those finds something."""
    if not found_nothing(question, sql, result):
        return None
    found = []
    for variant, dropped in without_repeats(sql, dialect=runner.engine.dialect):
        rerun = _found(question, runner.run(variant))
        if rerun is not None:
            found.append((*rerun, dropped))
    if len(found) != 1:
        return None
    variant, variant_result, dropped = found[0]
    return (
        variant,
        variant_result,
        f"The query first found nothing; dropped {dropped}, which repeats a value on another column.",
    )


def drop_impossible_filters(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """Found nothing: the query without its filters that no row meets even alone (a word of the
    question put on a column that never holds it: ``"Notes" ILIKE '%cities%'``), when its other
    conditions each find rows; the answer is then what the rest of the question asks."""
    if not found_nothing(question, sql, result):
        return None
    dialect = runner.engine.dialect
    impossible = []
    for condition, probe in alone_probes(sql, dialect=dialect):
        found = runner.run(probe)
        if found is None:
            return None
        if not found[1].rows:
            impossible.append(condition)
    return _without(question, sql, impossible, runner, "which no row meets")


def keep_linked_filters(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """Found nothing: the query with only those of its text filters whose values are whole cells the
    question names in that column (``"City" IN ('Aspero', 'Caral')``), without the ones that put a
    word of the question on some other column (``"Notes" ILIKE '%cities%'``, a word inside a note)."""
    if not found_nothing(question, sql, result):
        return None
    cells = {(ln.column.casefold(), normalize(ln.value)) for ln in links if not ln.contains}
    linked: list[str] = []
    unlinked: list[str] = []
    for condition, column, texts in outer_text_filters(sql, dialect=runner.engine.dialect):
        named = all((column.casefold(), normalize(t)) in cells for t in texts)
        (linked if named else unlinked).append(condition)
    if not linked or not unlinked:
        return None
    return _without(question, sql, unlinked, runner, "kept the values the question names")


def _without(
    question: str, sql: str, dropped: Sequence[str], runner: Rerunner, why: str
) -> tuple[str, ResultTable, str] | None:
    """The query that found nothing run without the ``dropped`` conditions, when that finds rows."""
    rerun = _found(question, runner.run(without_conditions(sql, dropped, dialect=runner.engine.dialect)))
    if rerun is None:
        return None
    return *rerun, f"The query first found nothing; dropped {', '.join(dropped)}, {why}."


def sum_per_group(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "Which district has the greatest total number of electorates" answered with the district of
    the one largest row: the districts' rows summed, when that picks another."""
    if not result.rows or not (asks_which(question) and asks_total(question)):
        return None
    grouped = summed_per_group(sql, dialect=runner.engine.dialect)
    if grouped is None:
        return None
    repeats = runner.run(grouped.repeats)  # else each row is its own total and the pick stands
    rerun = _found(question, runner.run(grouped.sql)) if repeats is not None and repeats[1].rows else None
    if rerun is None or rerun[1].rows == result.rows:
        return None
    keys, measure = ", ".join(grouped.keys), grouped.measure
    return *rerun, f'Read "total" as the sum over the rows of each {keys}: ordered by SUM({measure}).'


def calendar_order(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "When is the first game?" ordered by dates written without a year ('January 1' sorts before
    'September 9'): the same query in the file's order, when the file lists the dates in order."""
    if not runner.file_order or not result.rows:
        return None
    dialect = runner.engine.dialect
    key = ordered_key(sql, dialect)
    if key is None:
        return None
    named, column = key
    table = next((t for t in runner.tables if t.casefold() == named.casefold()), None)
    if table is None:
        return None
    cells = runner.run(
        f"SELECT CAST({quote_ident(column)} AS VARCHAR) FROM {quote_ident(table)} ORDER BY rowid"
    )
    ascending = file_order_direction([row[0] for row in cells[1].rows]) if cells else None
    rerun = _found(
        question, runner.run(ordered_by_rowid(sql, ascending, dialect) if ascending is not None else None)
    )
    if rerun is None or rerun[1].rows == result.rows:
        return None
    return *rerun, (
        f"{quote_ident(column)} holds dates without a year, which sort as text; "
        "ordered by the file's order instead, which lists them in date order."
    )


def count_groups(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "How many countries appear at least four times?" answered with a count per country (``GROUP
    BY … HAVING COUNT(*) >= 4``): the number of such countries."""
    if not result.rows or not one_value_wanted(question):
        return None
    rerun = _found(question, runner.run(groups_counted(sql, dialect=runner.engine.dialect)))
    if rerun is None:
        return None
    return *rerun, "The question asks for one number: counted the groups the query made."


def unused_joins(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "List the rooms with a king bed" read through ``JOIN Reservations`` that nothing else uses:
    the query without the tables the question never names and the query only joins."""
    dropped: list[str] = []
    mended = sql
    while len(dropped) < 3 and (out := without_unused_join(mended, question, dialect=runner.engine.dialect)):
        mended, table = out
        dropped.append(quote_ident(table))
    rerun = _found(question, runner.run(mended)) if dropped else None
    if rerun is None:
        return None
    return (
        *rerun,
        f"Dropped the join of {', '.join(dropped)}: the query used nothing of it and the question does not name it.",
    )


def _serial(runner: Rerunner, table: str, column: str) -> bool:
    """Whether ``column`` numbers the rows in the file's order: 1, 2, 3 … down the file."""
    c = quote_ident(column)
    rows = runner.rows(
        f"SELECT COUNT(*), COUNT(CASE WHEN TRY_CAST({c} AS BIGINT) = rowid + 1 THEN 1 END) FROM {quote_ident(table)}"
    )
    if not rows:
        return False
    count, numbered = rows[0]
    return isinstance(count, int) and count == numbered and count >= 3


def count_serials(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "what are the total number of temples in itano?" as ``SUM("No.")``, a column that numbers
    the rows: the rows counted instead."""
    one = runner.one_table(sql)
    if one is None or not result.rows or not runner.file_order:  # rowid is the file's order
        return None
    table, types = one
    serial = functools.partial(_serial, runner, table)
    known = {c.casefold(): c for c in types}
    counted = counted_serials(
        sql, lambda c: c.casefold() in known and serial(known[c.casefold()]), dialect=runner.engine.dialect
    )
    rerun = runner.run(counted[0] if counted else None)
    if counted is None or rerun is None:
        return None
    return (
        *rerun,
        f"{quote_ident(counted[1])} numbers the rows; counted them instead of adding their numbers.",
    )


def top_of_groups(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "哪个地区的销售额最高" answered with every region beside its measure: the top region, ordered by
    the query's own measure."""
    if len(result.rows) < 2 or not (asks_which(question) and asks_extreme(question)):
        return None
    largest = asked_direction(question)
    if largest is None or every_row_wanted(question) or (top_count(question) or 1) != 1:
        return None
    rerun = _found(question, runner.run(top_group(sql, largest, dialect=runner.engine.dialect)))
    if rerun is None:
        return None
    word = "largest" if largest else "smallest"
    return (
        *rerun,
        f"The question asks for the one with the {word} value: ordered the groups by it and kept the first.",
    )


def count_things(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "一共成交了多少地块" answered with ``SUM("成交总价")`` or a list of prices: the number of the
    rows the query picked."""
    read = runner.one_table(sql) if result.rows else None
    if read is None:
        return None
    table, columns = read
    names = [c for c, t in columns.items() if not is_numeric_type(t)]
    thing = counted_thing(question, table, names)
    if thing is None:
        return None
    rerun = runner.run(rows_counted(sql, thing, dialect=runner.engine.dialect))
    if rerun is None or rerun[1].rows == result.rows:
        return None
    return *rerun, f"The question asks how many {thing}: counted the rows the query picked."


def skip_empty_keys(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """A grouped query that picks the top group picked the one whose key is empty (the undated "Bye"
    row as the month with the fewest games): the same query over the rows whose key is not."""
    if not result.rows:
        return None
    empty = [i for i, value in enumerate(result.rows[0]) if value is None]
    mended = without_empty_keys(sql, empty, dialect=runner.engine.dialect) if empty else None
    rerun = _found(question, runner.run(mended[0] if mended else None))
    if mended is None or rerun is None or not rerun[1].rows:
        return None
    if any(rerun[1].rows[0][i] is None for i in empty if i < len(rerun[1].rows[0])):
        return None
    keys = ", ".join(mended[1])
    return *rerun, f"The query first picked a row where {keys} is empty; left those rows out."


def month_names(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "Which month …" answered with a month number (4): the same query writing the name (April)."""
    if not result.rows or not asks_month(question):
        return None
    chinese = question_language(question) == "zh"
    rerun = _found(question, runner.run(named_months(sql, chinese=chinese, dialect=runner.engine.dialect)))
    return None if rerun is None else (*rerun, "Wrote the month number as the month's name.")


def date_grain(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "How many matches were in 2007?" answered with one day of 2007 pinned: the whole year."""
    dialect = runner.engine.dialect
    mended = coarser_dates(question, sql, runner.column_types(sql), dialect=dialect)
    rerun = _found(question, runner.run(mended[0] if mended else None))
    if mended is None or rerun is None:
        return None
    return *rerun, f"The question names no day: tested the year or month of the date, not {mended[1]}."


def others_than_named(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "Which school left the same year as Fenton?" answered with Fenton among the others: the
    same query without the named row."""
    if len(result.rows) < 2 or not ASKS_OTHERS.search(question):
        return None
    mended = without_named_row(sql, dialect=runner.engine.dialect)
    if mended is None:
        return None
    if not any(str(v) == mended[2] for row in result.rows for v in row):
        return None  # the named row is not among the answers
    rerun = _found(question, runner.run(mended[0]))
    if rerun is None:
        return None
    return *rerun, f"The question asks for the others: left out the row where {mended[1]}."


def two_row_difference(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "The difference in medals for Fiji and Tonga" written ``"Gold" - "Gold" … IN ('Tonga', 'Fiji')``
    (each row minus itself): the first named row's value minus the other's."""
    rerun = _found(question, runner.run(split_difference(sql, question, dialect=runner.engine.dialect)))
    if rerun is None:
        return None
    return *rerun, "The query subtracted each row from itself; took one named row's value minus the other's."


def absolute_difference(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "The difference between A and B" that came out negative: the query as ABS(…)."""
    if not (is_negative_value(result) and asks_size_of_difference(question)):
        return None
    rerun = runner.run(absolute_sql(sql, runner.engine.dialect))
    return None if rerun is None else (*rerun, "A difference is given as its size (ABS).")


def rows_not_totals(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "Which district has the greatest total" answered with a total row of ``<name>_totals``, or a
    query that found nothing because it looked a row up among the total rows (``(SELECT "Density"
    FROM "t_totals" WHERE "Province" = 'Independencia')``): the same query on ``<name>``, the rows
    themselves, when that finds a row."""
    picked_total = asks_which(question) and total_label(result) is not None
    if not (picked_total or found_nothing(question, sql, result)):
        return None
    dialect = runner.engine.dialect
    totals = totals_table(sql, dialect)
    main = next((t for t in runner.tables if totals and t.casefold() == totals[: -len(TOTALS_SUFFIX)]), None)
    rerun = runner.run(rename_table(sql, totals, main, dialect=dialect) if totals and main else None)
    if rerun is None or not rerun[1].rows or total_label(rerun[1]) is not None:
        return None
    if not picked_total and found_nothing(question, *rerun):
        return None
    return *rerun, f"Answered from the rows of {quote_ident(main or '')}, not its total rows."


#: a comparison that picks one: "更低", "较少", "more laps", "the larger division"
_PICKS_ONE = re.compile(rf"(?i)\b({COMPARATIVE}|\w+est)\b|更|最|较")


def first_of_compared(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "是A的成本低，还是B的成本低？" answered with both named rows, ordered by the value compared but
    not limited: the first of them."""
    if len(result.rows) < 2 or not (asks_which(question) and _PICKS_ONE.search(question)):
        return None
    named: dict[tuple[str, str], set[str]] = {}
    for link in links:
        if not link.contains:
            named.setdefault((link.table, link.column), set()).add(normalize(link.value))
    if not any(
        len(result.rows) <= len(values) and all(holds_one_of(row, values) for row in result.rows)
        for values in named.values()
        if len(values) >= 2
    ):
        return None
    rerun = _found(question, runner.run(first_row_only(sql, runner.engine.dialect)))
    if rerun is None or len(rerun[1].rows) != 1:
        return None
    return *rerun, "The named rows came back in the order asked for; answered with the first (LIMIT 1)."


#: "name a player that got no points", "what is one type…", "举一个…": any one of the rows will do
_ONE_EXAMPLE = re.compile(
    r"(?i)^\s*(?:name|tell me|give me|give|find|what(?:'s| is| was)|which(?: is| was)|who(?: is| was))"
    r"\s+(?:a|an|one|any)\s+(?!(?:total|number|sum|count|average|amount|difference|percentage)\b)"
    r"|举(?:出)?一个|任(?:意|举)一个|其中一个"
)


def one_example(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "Name a player that got no points" answered with every such player: the first of them in
    the query's order, or else the file's (the others stay one query away)."""
    if len(result.rows) < 2 or len(result.columns) != 1 or not _ONE_EXAMPLE.search(question):
        return None
    first = first_row_only(sql, runner.engine.dialect, file_order=runner.file_order)
    rerun = _found(question, runner.run(first))
    if rerun is None or len(rerun[1].rows) != 1:
        return None
    return *rerun, (
        f"The question asks for one example; answered with the first of the {len(result.rows)} rows "
        "found (LIMIT 1)."
    )


#: a place in the table itself, not a rank: "what year is at the very top?", "who is on top of the list?"
_LISTED_TOP = re.compile(
    r"(?i)\bat the very top\b|\btop of the (?:list|table|page)\b|\b(?:listed first|first listed)\b"
    r"|表(?:格)?中?(?:的)?第一行|最上(?:面|方)"
)
_LISTED_BOTTOM = re.compile(
    r"(?i)\bat the very bottom\b|\bbottom of the (?:list|table|page)\b|\b(?:listed last|last listed)\b"
    r"|表(?:格)?中?(?:的)?最后一行|最下(?:面|方)"
)


def listed_position(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "What year is at the very top?" answered by the largest year: the top of the table is its
    first row, so the same query ordered by the file's row order."""
    if not runner.file_order or not result.rows:
        return None
    top, bottom = bool(_LISTED_TOP.search(question)), bool(_LISTED_BOTTOM.search(question))
    if top == bottom:
        return None
    rerun = _found(question, runner.run(ordered_by_file(sql, bottom, runner.engine.dialect)))
    if rerun is None or rerun[1].rows == result.rows:
        return None
    where = "bottom" if bottom else "top"
    return *rerun, f"The question asks for the {where} of the table: ordered by the file's row order instead."


def each_named(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "A与B的平均房价分别是多少？" (or "…是多少？" over a column of averages such as 成交均价) answered
    with one average over both rows: the same aggregate per named value (``GROUP BY`` the column
    that names them, that column shown first)."""
    if len(result.rows) != 1 or asks_named_thing(question):
        return None
    if not (wants_each(question) or averages_averages(sql, dialect=runner.engine.dialect)):
        return None
    comparison = compared_values(question, links)
    if comparison is None:
        return None
    grouped = grouped_by_named(sql, comparison.column, comparison.values, dialect=runner.engine.dialect)
    rerun = _found(question, runner.run(grouped))
    if rerun is None or len(rerun[1].rows) != len(comparison.values):
        return None
    listed = ", ".join(quote_literal(v) for v in comparison.values)
    return *rerun, (
        f"The question asks for each of {listed}; the query's one number for all of them is given for "
        f"each {quote_ident(comparison.column)} instead."
    )


def both_of(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "Which committees have delegates from both the democratic and the liberal party?" answered
    with the rows of either party (``OR``, ``IN``) or of a row that is both (none): the query once per
    condition, intersected."""
    if not ASKS_BOTH.search(question) or asks_yes_no(question):
        return None
    rerun = _found(question, runner.run(intersected(sql, dialect=runner.engine.dialect)))
    if rerun is None or rerun[1].rows == result.rows:
        return None
    return *rerun, "The question asks for what has both; the query's conditions are intersected (INTERSECT)."


def top_n_of_extreme(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "五个最高价小区分别是哪几个" answered with ``WHERE "成交均价" IN (SELECT MAX("成交均价") …)``, the
    one row that holds the top value: ordered by that value and cut at the number asked."""
    n = picked_count(question)
    if n is None or n < 2 or len(result.rows) >= n:
        return None
    rerun = _found(question, runner.run(top_n_instead_of_extreme(sql, n, dialect=runner.engine.dialect)))
    if rerun is None or len(rerun[1].rows) <= len(result.rows):
        return None
    return *rerun, (
        f"The question asks for {n} rows; the query kept only the row with the extreme value, so the rows "
        f"were ordered by that value and the first {n} taken."
    )


#: a place in time or in the list that breaks a tie: "the last competition in which 2nd was achieved"
_LAST_WORD = re.compile(r"(?i)\b(?:last|latest|most recent(?:ly)?|final|lastly)\b|最后|最近|最晚")
_FIRST_WORD = re.compile(r"(?i)\b(?:first|earliest|initial)\b|第一|最早|首")


def ties_in_file_order(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "What was the last competition in which a position of 2nd was achieved?" answered by
    ``WHERE "Position" = 2 ORDER BY "Position" DESC LIMIT 1``: every row ties, and the one picked
    is chosen by nothing the question said. The question's "last" ("first") is the file's order,
    so the rows that tie at the cut are taken from the end (the start) of the file."""
    last, first = bool(_LAST_WORD.search(question)), bool(_FIRST_WORD.search(question))
    if not runner.file_order or not result.rows or last == first:
        return None
    if tie_at_cut(sql, len(result.rows), runner.rows, dialect=runner.engine.dialect) is None:
        return None
    rerun = _found(question, runner.run(ties_by_file_order(sql, last, runner.engine.dialect)))
    if rerun is None or rerun[1].rows == result.rows:
        return None
    where = "last" if last else "first"
    return *rerun, f"Rows tied at the query's LIMIT; took the {where} of them in the file's order, as asked."


def measure_of_compared(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "金辉悠步江来和朗润苑…哪个的绿化率更高" ordered by the two names (``ORDER BY "项目名称" LIMIT
    1``, the alphabet's pick): ordered by the one number column the question names."""
    if len(result.rows) != 1 or not (asks_either(question) or asks_which(question)):
        return None
    comparison = compared_values(question, links)
    descending = asked_direction(question)
    read = runner.one_table(sql)
    if comparison is None or descending is None or read is None:
        return None
    measures = [c for c, t in read[1].items() if is_numeric_type(t) and names_column(question, c)]
    if len(measures) != 1:
        return None
    dialect = runner.engine.dialect
    rerun = _found(
        question, runner.run(ordered_by_measure(sql, comparison.column, measures[0], descending, dialect))
    )
    if rerun is None or not answers_one_of(rerun[1].rows, comparison):
        return None
    return (
        *rerun,
        f"The query ordered the named rows by their names; ordered them by {quote_ident(measures[0])}, as asked.",
    )


def compared_direction(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "是A的营业总收入少，还是B的营业总收入少？", "比较一下A和B…哪一个更高？" answered by ordering
    the two the other way (``DESC LIMIT 1`` for "少"): the same query ordered as the question compares."""
    if len(result.rows) != 1 or not (asks_either(question) or asks_which(question)):
        return None
    comparison = compared_values(question, links)
    descending = asked_direction(question)
    if comparison is None or descending is None or not answers_one_of(result.rows, comparison):
        return None
    flipped = ordered_one_way(sql, descending, runner.engine.dialect, names=comparison.column)
    rerun = _found(question, runner.run(flipped))
    if rerun is None or not answers_one_of(rerun[1].rows, comparison) or rerun[1].rows == result.rows:
        return None
    way, order = ("larger", "DESC") if descending else ("smaller", "ASC")
    return *rerun, f"The question asks which of the named rows has the {way} value; ordered them {order}."


def named_columns(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "美元的期末外币余额和期末折算人民币余额分别是多少？" answered with one of the two columns: the
    query selecting both, in the question's order."""
    read = runner.one_table(sql) if result.rows else None
    if read is None:
        return None
    columns = list(read[1])
    rerun = _found(
        question, runner.run(with_named_columns(question, sql, columns, dialect=runner.engine.dialect))
    )
    if rerun is None or len(rerun[1].columns) <= len(result.columns):
        return None
    added = [c for c in rerun[1].columns if c not in result.columns]
    return *rerun, "The question also names " + ", ".join(
        quote_ident(c) for c in added
    ) + "; selected it too."


def names_of_ids(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "Total show times for each cinema" answered per ``"Cinema_ID"``: the cinemas' names, joined
    through the declared foreign key, in the ids' place."""
    keys = getattr(runner.engine, "foreign_keys", ())
    if not result.rows or not keys:
        return None
    columns = {t.name: [c.name for c in t.columns] for t in runner.engine.tables()}
    named = names_for_ids(question, sql, columns, keys, dialect=runner.engine.dialect)
    rerun = runner.run(named[0] if named else None)
    if named is None or rerun is None or len(rerun[1].rows) != len(result.rows):
        return None
    return *rerun, (
        f"The question asks about the things {quote_ident(named[1])} points at; showed their "
        f"{quote_ident(named[2])} instead of the id."
    )


def asked_order(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, str] | None:
    """ "the total number of deaths and total damage" answered damage first: the same columns in the
    order the question asks for them."""
    if len(result.columns) < 2:
        return None
    rerun = runner.run(in_asked_order(sql, question, dialect=runner.engine.dialect))
    if rerun is None or len(rerun[1].rows) != len(result.rows):
        return None
    return *rerun, "Put the columns in the order the question asks for them."


#: in order: a typo before dropping the filter it is in; the row order before dropping filters
REWRITES: tuple[Rewrite, ...] = (
    top_ranks,
    top_n_of_extreme,
    number_bounds,
    wan_amounts,
    best_rank,
    respell_filters,
    both_of,  # before the filters of a query that found nothing are dropped: "both" is why
    next_row,
    drop_unasked_filters,
    named_of_repeated,  # before trying each of the repeated conditions blindly
    drop_repeated_filter,
    drop_impossible_filters,  # after the typos and the unasked or repeated values
    keep_linked_filters,
    unused_joins,
    count_serials,
    count_groups,
    top_of_groups,
    count_things,
    skip_empty_keys,
    calendar_order,
    month_names,
    date_grain,
    others_than_named,
    two_row_difference,
    absolute_difference,  # after the two rows' difference is taken
    rows_not_totals,
    sum_per_group,  # after the total rows' query is moved to the rows themselves
    first_of_compared,
    measure_of_compared,
    compared_direction,  # after the first of the named rows is the one picked
    each_named,
    one_example,
    listed_position,
    ties_in_file_order,
    named_columns,
    names_of_ids,
    asked_order,  # last: the columns the others settled on
)


def mend(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], runner: Rerunner
) -> tuple[str, ResultTable, list[str]]:
    """The query and result after every rewrite that applies, with their notes."""
    notes = []
    for rewrite in REWRITES:
        mended = rewrite(question, sql, result, links, runner)
        if mended is not None:
            sql, result, note = mended
            notes.append(note)
    return sql, result, notes
