"""Running one model-written query: the mends before the guard, the guard, the engine, the mends after.

The ask loop runs the model's query through here, and so does the vote among sampled queries, so
every candidate is judged on what the same chain would answer.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

from tablepilot.answer import ResultTable
from tablepilot.data.names import quote_ident
from tablepilot.engines.base import Engine
from tablepilot.errors import GuardError, QueryError
from tablepilot.knowledge import hooks as knowledge_hooks
from tablepilot.knowledge.model import Knowledge
from tablepilot.linking import ValueLink, normalize
from tablepilot.mending import Rerunner, checked, mend
from tablepilot.sql.absent_filters import drop_absent_filters
from tablepilot.sql.count_except import count_not_in
from tablepilot.sql.date_literals import iso_date_literals
from tablepilot.sql.durations import seconds_as_asked
from tablepilot.sql.foreign_functions import duckdb_functions
from tablepilot.sql.join_conditions import mend_join_conditions
from tablepilot.sql.key_names import names_on_keys
from tablepilot.sql.like_anchor import anchored_patterns
from tablepilot.sql.misplaced_offset import offset_outside
from tablepilot.sql.nested_aggregates import unnested_aggregates
from tablepilot.sql.or_precedence import grouped_alternatives
from tablepilot.sql.owning_table import owning_table
from tablepilot.sql.pattern_casts import patterns_on_text
from tablepilot.sql.pivot import MAX_PIVOT_VALUES, is_dynamic_pivot, static_pivot
from tablepilot.sql.requalify import requalify_columns
from tablepilot.sql.requote import backquotes_as_quotes, requote
from tablepilot.sql.shared_keys import qualify_shared_keys
from tablepilot.sql.subject_column import name_for_table, subject_for_missing
from tablepilot.sql.subquery_columns import own_subquery_columns
from tablepilot.sql.text_numbers import numbers_from_text

Outcome = tuple[str, ResultTable, list[str]]


@dataclass
class QueryRunner:
    """The tables and names one question may use; the lists are shared with the ask loop, which
    adds a sideways reading of a table to them."""

    engine: Engine
    question: str
    links: Sequence[ValueLink]
    table_names: list[str]
    known_names: list[str]
    table_columns: dict[str, list[str]]
    column_types: dict[str, dict[str, str]]
    rerunner: Rerunner
    knowledge: Knowledge | None = None
    max_rows: int = 1000
    timeout_s: float = 30.0
    #: outcomes by the query as written: a query the vote ran is not run again by the loop
    _done: dict[str, Outcome | GuardError | QueryError] = field(default_factory=dict, repr=False)

    def run(self, sql: str) -> Outcome:
        """The query as run, its result, and notes on how it was mended (empty when it was not);
        raises ``GuardError``/``QueryError`` for a query that cannot run."""
        done = self._done.get(sql)
        if done is None:
            try:
                done = self._run(sql)
            except (GuardError, QueryError) as exc:
                done = exc
            self._done[sql] = done
        if isinstance(done, (GuardError, QueryError)):
            raise done
        return done

    def _run(self, sql: str) -> Outcome:
        dialect = self.engine.dialect
        if self.knowledge is not None:  # metric names → their exact expression
            sql = knowledge_hooks.rewrite(self.knowledge, sql, self.known_names, dialect)
        if dialect in ("duckdb", "postgres"):  # they read \' as the end of the text
            sql = sql.replace("\\'", "''")  # 'year\'s best' (MySQL style) → 'year''s best'
            sql = backquotes_as_quotes(sql)  # T1.`EMP_FNAME` (MySQL style) → T1."EMP_FNAME"
        mended = requote(sql, self.known_names)
        if dialect == "duckdb":  # SUBSTRING_INDEX, LOCATE…: MySQL's, not DuckDB's
            mended = duckdb_functions(mended) or mended
        # SUM("Destinations") over road names: their count; the year of a text column: its twin or
        # the year written in it
        notes: list[str] = []
        read = numbers_from_text(mended, self.column_types, dialect=dialect)
        if read is not None:
            mended, notes = read
        if dialect in (
            "duckdb",
            "postgres",
        ):  # (SELECT "Rank" … WHERE "Name" = 'X' + 1): the + 1 is the rank's
            mended = offset_outside(mended, dialect=dialect) or mended
        # "under the 39 minute mark" as "Time_seconds" <= 2160: the question's own seconds
        timed = seconds_as_asked(mended, self.question, dialect=dialect)
        if timed is not None:
            mended = timed[0]
            notes.append(timed[1])
        # MIN(COUNT(*)): the count of the one group, or the least count over the groups
        unnested = unnested_aggregates(mended, dialect=dialect)
        if unnested is not None:
            mended = unnested
            notes.append(
                "An aggregate of an aggregate cannot run; it was read as the one group's value, or "
                "with GROUP BY as the aggregate over the groups."
            )
        # a AND c ILIKE '%x%' OR c ILIKE '%y%': two alternatives for c, meant within the rest
        grouped = grouped_alternatives(mended, dialect=dialect)
        if grouped is not None:
            mended = grouped
            notes.append(
                "Two conditions on one column joined by OR were grouped in parentheses, within the others."
            )
        keys = getattr(self.engine, "foreign_keys", ())
        # SELECT SCHOOL_CODE … FROM CLASS: DEPARTMENT's column, joined along declared keys; or,
        # with no key to follow, the one table that has every column the query names
        if len(self.table_names) > 1:
            owner = owning_table(mended, self.table_columns, dialect=dialect, foreign_keys=keys)
            if owner is not None:
                mended = owner[0]
                notes.append(
                    f"The table {quote_ident(owner[1])} lacks columns the query names; "
                    + (
                        f"{quote_ident(owner[2])}, which has them, was joined along the declared keys."
                        if owner[3]
                        else f"it was run on {quote_ident(owner[2])}, the one table that has them all."
                    )
                )
        # x IN (SELECT outer.x FROM inner …): always true; the subquery's own x was meant
        own = own_subquery_columns(mended, self.table_columns, dialect=dialect)
        if own is not None:
            mended = own[0]
            notes.append(
                f"A subquery selected the outer query's {', '.join(map(quote_ident, own[1]))}, which made its "
                "condition always true; it was read as the subquery's own column."
            )
        # "Date" = '23 October 2013' on a DATE column: the date in ISO form
        mended = iso_date_literals(mended, self.column_types, dialect=dialect) or mended
        # COUNT(*) EXCEPT ids: a count of the rows whose id is not among the others
        mended = count_not_in(mended, self.table_columns, dialect=dialect) or mended
        if len(self.table_names) > 1:  # a column under the wrong joined table's alias
            mended = (
                requalify_columns(mended, self.table_columns, dialect=dialect, foreign_keys=keys) or mended
            )
            # ON T3.x = T3.y: a cross product that runs without a word
            mended = (
                mend_join_conditions(mended, self.table_columns, dialect=dialect, foreign_keys=keys) or mended
            )
            # WHERE Customer_ID = 3 over two tables joined on Customer_ID: ambiguous to DuckDB, one value
            mended = qualify_shared_keys(mended, self.table_columns, dialect=dialect) or mended
        # "Date" LIKE '2008-12%': a pattern on a date or number means its written form
        mended = patterns_on_text(mended, self.column_types, dialect=dialect) or mended
        # "first names that end with the letter m" as LIKE '%m%': anchored where the question says
        anchored = anchored_patterns(self.question, mended, dialect=dialect)
        if anchored is not None:
            mended = anchored
            notes.append("The question says where the text must sit; the LIKE pattern was anchored there.")
        if keys:  # "campus" = 'San Jose State University' on an id column: the id of that campus
            named = functools.partial(_named_in, self.links)
            mended = names_on_keys(mended, self.column_types, keys, named, dialect=dialect) or mended
        # SELECT "Team" where the table has no such column: the noun of "which team", read as the
        # table's row names
        subject = subject_for_missing(
            mended, self.question, self.table_columns, self.column_types, dialect=dialect
        )
        if subject is not None:
            mended = subject[0]
            notes.append(
                f"The table has no column {quote_ident(subject[1])}; answered with "
                f"{quote_ident(subject[2])}, its first text column, which names the rows."
            )
        # SELECT "wine" FROM "wine" JOIN …: DuckDB returns whole rows for a table's name
        whole = name_for_table(mended, self.table_columns, dialect=dialect)
        if whole is not None:
            mended = whole[0]
            notes.append(
                f"{quote_ident(whole[1])} is a table, not a column; answered with its {quote_ident(whole[2])}."
            )
        # "Director" = 'C.V. Sridhar' over a table of one director's films, which has no such column
        absent = drop_absent_filters(mended, self.question, self.table_columns, dialect=dialect)
        if absent is not None:
            mended = absent[0]
            notes.append(
                f"The table has no column for {' or '.join(absent[1])}; the query was run without "
                "that condition, taking the table to be about it."
            )
        safe_sql = checked(mended, dialect, self.table_names)
        if dialect == "duckdb" and is_dynamic_pivot(safe_sql):
            lookup = functools.partial(_lookup, self.engine, self.timeout_s)
            safe_sql = checked(static_pivot(safe_sql, lookup), "duckdb", self.table_names)
        result = self.engine.execute(safe_sql, max_rows=self.max_rows, timeout_s=self.timeout_s)
        safe_sql, result, mend_notes = mend(self.question, safe_sql, result, self.links, self.rerunner)
        return safe_sql, result, [*notes, *mend_notes]


def _named_in(links: Sequence[ValueLink], table: str, value: str) -> str | None:
    """The one column of ``table`` whose cell ``value`` the question was linked to, if any."""
    wanted = normalize(value)
    columns = {
        ln.column
        for ln in links
        if not ln.contains and ln.table.casefold() == table.casefold() and normalize(ln.value) == wanted
    }
    return columns.pop() if len(columns) == 1 else None


def _lookup(engine: Engine, timeout_s: float, sql: str) -> list[list[object]]:
    return engine.execute(sql, max_rows=MAX_PIVOT_VALUES + 1, timeout_s=timeout_s).rows
