"""Checks on a query's result before it becomes the answer: is it the shape the question asks for?

A small model's query often runs and returns the wrong kind of thing: nothing (a filter value
written differently), numbers for "which one", one of the two things compared, one row where each
of several was asked. Each check here names what is wrong in words the model can act on; the ask
loop sends it back once per kind and keeps the earlier result should the retry do no better.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import NamedTuple

from tablepilot.answer import ResultTable, is_number
from tablepilot.answer_text import asked_parts, asks_named_thing, asks_which, asks_yes_no, names_column
from tablepilot.cells import parse_date, parse_number
from tablepilot.comparison import answers_each, answers_one_of, compared_values, wants_each
from tablepilot.data.names import quote_ident, quote_literal
from tablepilot.linking import ValueIndex, ValueLink, normalize
from tablepilot.row_order import (
    Direction,
    neighbour_direction,
    neighbour_request,
    only_sorts_by_row_order,
    uses_row_order,
)
from tablepilot.sql.echo import like_matches, pinned_outputs
from tablepilot.sql.name_hints import table_names, used_columns
from tablepilot.sql.text_filters import TextFilter, text_comparisons, text_filters
from tablepilot.sql.top_ranks import top_count
from tablepilot.tidy.totals import total_kind

#: the distinct values of (table, column), most frequent first; None when they cannot be read
ColumnValues = Callable[[str, str], "list[str] | None"]


@dataclass(frozen=True)
class Problem:
    kind: str  # each kind is raised once per question
    request: str  # what the model is told


def found_nothing(question: str, sql: str, result: ResultTable) -> bool:
    """No rows, or a lone empty cell (or 0 from a text filter): any later result is better. Not for
    a yes/no question, where nothing found is the answer 'no'."""
    return not asks_yes_no(question) and (not result.rows or _zero_from_text_filter(sql, result))


def result_problem(
    question: str,
    sql: str,
    result: ResultTable,
    links: Sequence[ValueLink],
    index: ValueIndex,
    raised: AbstractSet[str],
    values: ColumnValues | None = None,
    dialect: str = "duckdb",
    row_order: bool = False,
    columns: Mapping[str, Sequence[str]] | None = None,
) -> Problem | None:
    """The most telling problem of a kind not in ``raised``, or None when the result may stand.
    Only that problem's request is written (an empty result's looks columns up). ``row_order``: the
    rows are in a meaningful order that DuckDB's rowid keeps (one file's table, not a database).
    ``columns``: each table's column names."""
    if row_order and "position" not in raised and values is not None:
        case = neighbour_case(question, sql, result, values, dialect)
        if case is not None:
            return Problem("position", neighbour_request(question, sql, *case, dialect))
    if found_nothing(question, sql, result):
        if "empty" in raised:
            return None
        found = "no rows" if not result.rows else "0" if result.rows[0][0] == 0 else "an empty value"
        misplaced = _misplaced_values(sql, index)
        absent = "" if misplaced or values is None else _absent_values(sql, values, dialect)
        return Problem(
            "empty",
            f"That query returned {found}.{misplaced}{absent} If a filter value was wrong, use "
            "the exact values from the table description or ILIKE '%word%'. Write a corrected query.",
        )
    if asks_yes_no(question):
        return None
    return next(
        (
            p
            for p in _shape_problems(question, sql, result, links, dialect, columns or {}, values)
            if p.kind not in raised
        ),
        None,
    )


class Neighbour(NamedTuple):
    """A query that answered a question about the row after/before a named one with the named row."""

    named: TextFilter  # the filter that picks out the named row
    direction: Direction
    found: str  # what the query did, in words


def neighbour_case(
    question: str, sql: str, result: ResultTable, values: ColumnValues, dialect: str
) -> Neighbour | None:
    """A question about the row after/before a named one, answered with nothing or one row by a
    query that filters to the named row instead of moving from it, or that compares text with
    ``>``/``<`` (alphabetical order); None otherwise. DuckDB's rowid keeps the rows' order."""
    direction = neighbour_direction(question)
    if direction is None or asks_yes_no(question):
        return None
    # ORDER BY rowid over the named row alone still answers with that row (checked below)
    sorts_only = only_sorts_by_row_order(sql, dialect)
    if uses_row_order(sql, dialect) and not sorts_only:
        return None
    for compared, op in text_comparisons(sql, dialect=dialect):
        if _is_words(compared.value) and compared.value in (values(compared.table, compared.column) or ()):
            found = (
                f"compared {quote_ident(compared.column)} {op} {quote_literal(compared.value)} as text, "
                "which is alphabetical order"
            )
            return Neighbour(compared, direction, found)
    nothing = found_nothing(question, sql, result)
    if not nothing and len(result.rows) != 1:
        return None
    named = next(
        (f for f in text_filters(sql, dialect=dialect) if f.value in (values(f.table, f.column) or ())), None
    )
    if named is None:
        return None
    shown = [v for v in result.rows[0] if v is not None] if result.rows else []
    if sorts_only and named.value not in {str(v) for v in shown}:
        return None  # "the first film after 1990 by X": the row found is not the named one
    found = (
        "found nothing" if nothing else "returned " + ", ".join(quote_literal(str(v)[:60]) for v in shown[:3])
    )
    return Neighbour(named, direction, found)


def _is_words(text: str) -> bool:
    """Text that is no number or date (those compare in their own order, and rightly so)."""
    return parse_number(text) is None and parse_date(text) is None


def _shape_problems(
    question: str,
    sql: str,
    result: ResultTable,
    links: Sequence[ValueLink],
    dialect: str,
    columns: Mapping[str, Sequence[str]],
    values: ColumnValues | None = None,
) -> list[Problem]:
    """Problems of a result that has rows, most telling first."""
    out = []
    which = asks_named_thing(question)
    totals = _totals_problem(result, sql, dialect) if asks_which(question) else None
    if totals is not None:
        out.append(totals)
    if which and _only_numbers(result):
        named = _TEXT_COMPARED.findall(sql)
        column = f" ({quote_ident(named[0])})" if named else ""
        out.append(
            Problem(
                "numbers",
                "The question asks which one (a name), but that query returned only numbers. "
                f"Select the name column{column} instead of the numbers.",
            )
        )
    if which and _only_dates(result) and not _DATED_THING.search(question):
        out.append(
            Problem(
                "dates",
                "The question asks for a name (which, who or where), but that query returned only dates. "
                "Select the column that names what is asked instead of the date.",
            )
        )
    compared = compared_values(question, links)
    each = compared is not None and not which and wants_each(question)  # one row per listed value
    if compared is not None:
        listed = ", ".join(quote_literal(v) for v in compared.values)
        column = quote_ident(compared.column)
        if which and not answers_one_of(result.rows, compared):
            out.append(
                Problem(
                    "which of",
                    f"The question asks which one of {listed} (values of {column}), but that query did not "
                    f"return one of them. Select {column} WHERE {column} IN ({listed}), order by the value "
                    "compared and LIMIT 1.",
                )
            )
        elif each and not answers_each(result.rows, compared):
            out.append(
                Problem(
                    "each of",
                    f"The question asks about each of {listed} (values of {column}), but that query left "
                    f"some out. Use WHERE {column} IN ({listed}) and return one row for each.",
                )
            )
    echoed = _echo(question, sql, result, dialect, values) if compared is None else None
    if echoed is not None:
        out.append(echoed)
    measure = _other_measure(question, sql, result, dialect, columns)
    if measure is not None:
        out.append(measure)
    top = _top_then_one(question, sql)
    if top is not None:
        out.append(top)
    ignored = _ignored_cells(question, sql, result, links, dialect)
    if ignored is not None:
        (_, column), named = ignored
        listed = ", ".join(quote_literal(v) for v in named)
        condition = f"= {listed}" if len(named) == 1 else f"IN ({listed})"
        out.append(
            Problem(
                "ignored",
                f"The question names {listed} (a value of {quote_ident(column)}), but that query does not use "
                f"it and returned {len(result.rows)} rows. Filter with WHERE {quote_ident(column)} {condition}.",
            )
        )
    parts = asked_parts(question)
    if len(parts) >= 2 and len(result.columns) < len(parts):
        clauses = "; ".join(f"'{p}'" for p in parts)
        out.append(
            Problem(
                "parts",
                f"The question asks {len(parts)} things: {clauses}. That query answers fewer. "
                "Select a column for each of them.",
            )
        )
    if len(parts) < 2 and len(result.columns) >= _MANY_COLUMNS and asks_which(question):
        out.append(
            Problem(
                "columns",
                f"The question asks which one, but that query returned {len(result.columns)} columns. "
                "Select only the column that answers it.",
            )
        )
    if _THE_ONLY.search(question) and not one_value_wanted(question) and len(result.rows) >= 2:
        out.append(
            Problem(
                "only",
                f"The question asks for the only one, but that query returned {len(result.rows)} rows. "
                "Add the condition of the question that leaves just one row.",
            )
        )
    if one_value_wanted(question) and not each and len(result.rows) >= 3:
        out.append(
            Problem(
                "one value",
                f"The question asks for one value, but that query returned {len(result.rows)} rows. "
                "Write a query that returns only that value.",
            )
        )
    return out


def _echo(
    question: str, sql: str, result: ResultTable, dialect: str, values: ColumnValues | None
) -> Problem | None:
    """A "which" question answered only with what the query's own filters pin down: the one cell
    its ``=`` names, or the only cell of the column its ``ILIKE`` matches."""
    if not asks_which(question) or values is None or not result.rows:
        return None
    pins = pinned_outputs(sql, dialect=dialect)
    if not pins:
        return None
    for pin in pins:
        if pin.pattern:
            held = values(pin.table, pin.column)
            if held is None or sum(like_matches(pin.value, v) for v in held) != 1:
                return None  # several cells match: the query picked one of them, which is news
    shown = ", ".join(quote_literal(str(v)[:60]) for v in result.rows[0] if v is not None)
    named = ", ".join(quote_ident(p.column) for p in pins)
    return Problem(
        "echo",
        f"That query returned {shown}, which only repeats what it filtered {named} on: the question "
        "names that already. Select the column that holds what the question asks about that row.",
    )


def total_label(result: ResultTable) -> str | None:
    """A total row's label ('Total:', '合计') among the result's first rows, if there is one."""
    return next(
        (v for row in result.rows[:10] for v in row if isinstance(v, str) and total_kind([v]) is not None),
        None,
    )


def totals_table(sql: str, dialect: str) -> str | None:
    """The table of split-off total rows (``<name>_totals``) the query reads, if any."""
    return next((t for t in sorted(table_names(sql, dialect)) if t.endswith(TOTALS_SUFFIX)), None)


def _totals_problem(result: ResultTable, sql: str, dialect: str) -> Problem | None:
    """A "which one" question answered with a total row's label ('Total:', '合计'): the sum of the
    rows, not one of them. Total rows are split off into ``<name>_totals`` (the tidy step), and a
    question that says "total" draws the model to that table. (The ask loop first tries the same
    query on the table of rows itself.)"""
    label = total_label(result)
    if label is None:
        return None
    read = totals_table(sql, dialect)
    instead = (
        f"read {quote_ident(read)}, the table of total rows; query {quote_ident(read[: -len(TOTALS_SUFFIX)])} instead"
        if read
        else "leave the total rows out"
    )
    return Problem(
        "totals",
        f"That query returned {quote_literal(label[:60])}, a total row, but the question asks which one of the "
        f"rows. It {instead}.",
    )


TOTALS_SUFFIX = "_totals"
#: a query selecting this many columns for a one-part question copied the whole row (SELECT *)
_MANY_COLUMNS = 4
#: "who is the only goal scorer from jamaica?", "唯一一个…": one row is the answer
_THE_ONLY = re.compile(r"(?i)\b(?:the|an?|is|was) only\b(?!\s+\d)|唯一")


def _other_measure(
    question: str, sql: str, result: ResultTable, dialect: str, columns: Mapping[str, Sequence[str]]
) -> Problem | None:
    """The question names a column ("上年同期") that the query never uses, and the query returned
    the numbers of columns the question does not name ("本期"): the measure next to the one asked."""
    if not result.rows or not columns:
        return None
    read = table_names(sql, dialect)
    used = used_columns(sql, dialect)
    if used is None:
        return None
    own = {c for t, cs in columns.items() if t.lower() in read for c in cs}
    first = result.rows[0]
    selected = [c for i, c in enumerate(result.columns) if c in own and is_number(first[i])]
    if not selected or any(names_column(question, c) for c in selected):
        return None
    missed = [c for c in own if names_column(question, c) and c.lower() not in used]
    if not missed:
        return None
    names = ", ".join(quote_ident(c) for c in missed[:3])
    return Problem(
        "measure",
        f"The question names {names}, but that query returned {', '.join(quote_ident(c) for c in selected[:3])}"
        f" and does not use {names}. Select {names}.",
    )


def _top_then_one(question: str, sql: str) -> Problem | None:
    """ "Among the top five by sales, which one has the highest price?": two orderings, so two
    LIMITs (a subquery); a query with one answered only one of the orderings."""
    count = top_count(question)
    if count is None or count < 2 or not _WHICH_ONE.search(question) or not asks_extreme(question):
        return None
    if len(re.findall(r"(?i)\blimit\b", sql)) >= 2:
        return None
    low = _LOW.search(question) is not None
    by, what = _first_group(_TOP_BY.search(question)), _first_group(_ASKED_MEASURE.search(question))
    first = f"the column for {quote_literal(by)}" if by else "the first measure"
    second = f"the column for {quote_literal(what)}" if what else "the second measure"
    return Problem(
        "top then one",
        f"The question first takes the top {count} rows by one measure"
        + (f" ({quote_literal(by)})" if by else "")
        + ", then asks which one of those is "
        + ("lowest" if low else "highest")
        + " by another"
        + (f" ({quote_literal(what)})" if what else "")
        + ": two different orderings. Use a subquery: SELECT <name> FROM (SELECT * FROM <table> WHERE … "
        f"ORDER BY {first} DESC LIMIT {count}) AS top ORDER BY {second} {'ASC' if low else 'DESC'} LIMIT 1.",
    )


#: "销量排名前五" → 销量; "top 5 by sales" → sales
_TOP_BY = re.compile(
    r"([\u4e00-\u9fff]{2})(?:排名|排行)?前\s*(?:\d+|[二两三四五六七八九十])|\btop\s+\w+\s+by\s+(\w+)"
)
#: "哪一个小区的均价最高" → 均价; "which one has the highest price" → price
_ASKED_MEASURE = re.compile(
    r"(?:哪一|哪)(?:个|家|位)?[\u4e00-\u9fff]*?的([\u4e00-\u9fff]{2,6}?)(?:是|为)?(?:最|领跑)"
    r"|\b(?:highest|lowest|most|least|largest|smallest)\s+(\w+)"
)


def _first_group(match: re.Match[str] | None) -> str | None:
    return next((g for g in match.groups() if g), None) if match else None


_LOW = re.compile(r"(?i)最(?:低|少|小|便宜)|\b(lowest|least|smallest|cheapest)\b")


_WHICH_ONE = re.compile(r"(?i)哪一|哪个|哪家|哪位|\bwhich\b")
_EXTREME = re.compile(
    r"(?i)最(?:高|低|多|少|大|小|贵|便宜)|领跑|\b(highest|lowest|most|least|largest|smallest|best|worst)\b"
)


def asks_extreme(question: str) -> bool:
    """ "最高", "the most", "lowest": the question asks for the top (or bottom) one."""
    return bool(_EXTREME.search(question))


def every_row_wanted(question: str) -> bool:
    """ "each", "all", "每", "排名": every row is asked about, not one picked from them."""
    return bool(_EVERY_ROW.search(question))


def _ignored_cells(
    question: str, sql: str, result: ResultTable, links: Sequence[ValueLink], dialect: str
) -> tuple[tuple[str, str], list[str]] | None:
    """Whole cells the question names, of a table the query reads, that the query never mentions
    while returning several rows: it answered for every row instead of the one asked about."""
    if len(result.rows) < 2 or every_row_wanted(question):
        return None
    asked, written = normalize(question), normalize(sql)
    read = table_names(sql, dialect)
    by_column: dict[tuple[str, str], list[str]] = {}
    for link in links:
        value = normalize(link.value)
        if link.contains or link.table.lower() not in read or len(value) < 2 or is_number(link.value):
            continue
        if value in asked and value not in written:
            by_column.setdefault((link.table, link.column), []).append(link.value)
    return next(iter(by_column.items()), None)


_ONE_VALUE = re.compile(
    r"(?i)^\s*(how (many|much)\b|what (is|was|were) the (total|sum|average|mean|difference|number)\b)"
    r"|一共|总共|总计|合计|是多少|有多少|有几"
)
_EACH = re.compile(r"(?i)\b(each|per|every|respectively|by)\b|各|每|分别|哪些|列出")


def one_value_wanted(question: str) -> bool:
    """A question such as "how many …", "what is the total …" or "一共多少…": one number, unless
    asked per item."""
    return bool(_ONE_VALUE.search(question)) and not _EACH.search(question)


#: every row is wanted, or a named cell is set against the others ("华东和其余地区相比", "rank of X")
_EVERY_ROW = re.compile(
    r"(?i)\b(each|per|every|all|others?|rest|compared?|rank(ed|ing)?)\b|各|每|所有|全部|其余|相比|比较|排名|排第"
)
_TEXT_EQUALS = re.compile(r"(?:=|\bI?LIKE)\s*'[^']*'", re.IGNORECASE)
#: a quoted column compared with text: ``"项目名称" IN ('A', 'B')``, ``"Driver" = 'Li Wei'``
_TEXT_COMPARED = re.compile(r'"([^"]+)"\s*(?:=|(?:NOT\s+)?I?LIKE|IN\s*\()\s*\'', re.IGNORECASE)
_EQUALS_TEXT = re.compile(r'"([^"]+)"\s*=\s*\'((?:[^\']|\'\')*)\'')


def _misplaced_values(sql: str, index: ValueIndex) -> str:
    """For ``"成交日期" = '2021年05月'`` where only "时间(月份)" holds that text: say which column does."""
    notes = []
    for column, literal in dict.fromkeys(_EQUALS_TEXT.findall(sql)):
        value = literal.replace("''", "'")
        held = value_of(index, value)
        if held is not None and held[1] != column:
            notes.append(
                f" {quote_literal(value)} is not a value of {quote_ident(column)}; it is a value of "
                f"{quote_ident(held[1])}."
            )
    return "".join(notes)


def _absent_values(sql: str, values: ColumnValues, dialect: str) -> str:
    """For ``"项 目" = '本年增加'`` where that column holds no such text: what it does hold, nearest
    spellings first (a table read sideways keeps its old row labels as column names, and the model
    still filters by them)."""
    notes = []
    for table, column, value in text_filters(sql, dialect=dialect)[:4]:
        held = values(table, column)
        if not held or value in held:
            continue
        near = difflib.get_close_matches(value, held, n=4, cutoff=0.5)
        shown = near + [v for v in held if v not in near][: 4 - len(near)]
        notes.append(
            f" No row has {quote_ident(column)} = {quote_literal(value)}; {quote_ident(column)} holds e.g. "
            + ", ".join(quote_literal(v[:60]) for v in shown)
            + "."
        )
    return "".join(notes[:2])


#: how alike a filter value and a cell must be (difflib ratio, normalised) to read one as the other
_TYPO_RATIO = 0.9
_DIGITS = re.compile(r"\d+")


def closest_spellings(sql: str, values: ColumnValues, dialect: str) -> dict[tuple[str, str], str]:
    """For each text filter whose value its column does not hold: the one cell spelt nearly the
    same ("Fremon School District 79" → 'Fremont School District 79', 'brazil' → 'Brazil'), else
    the one cell that starts with it as whole words ('Week 5' → 'Week 5 (Top 5)', not 'Week 50');
    keyed by (column, value). Never a near cell with other numbers in it ('2008 season' is no typo
    of '2009 season'), nor when two cells are as near."""
    out: dict[tuple[str, str], str] = {}
    for table, column, value in text_filters(sql, dialect=dialect):
        held = values(table, column)
        if not held or value in held:
            continue
        spelt = _nearly_the_same(value, held) or _starting_with(value, held)
        if spelt is not None:
            out[(column, value)] = spelt
    return out


def _nearly_the_same(value: str, held: Sequence[str]) -> str | None:
    wanted, digits = normalize(value), _DIGITS.findall(value)
    scored = sorted(
        (
            (difflib.SequenceMatcher(None, wanted, normalize(cell)).ratio(), cell)
            for cell in held
            if _DIGITS.findall(cell) == digits
        ),
        reverse=True,
    )
    if scored and scored[0][0] >= _TYPO_RATIO and (len(scored) == 1 or scored[1][0] < scored[0][0]):
        return scored[0][1]
    return None


def _starting_with(value: str, held: Sequence[str]) -> str | None:
    wanted = normalize(value)
    if len(wanted) < 3:
        return None
    starting = [
        cell
        for cell in held
        if (norm := normalize(cell)).startswith(wanted)
        and len(norm) > len(wanted)
        and not norm[len(wanted)].isalnum()
    ]
    return starting[0] if len(starting) == 1 else None


#: things a table may well name by their date: "which game had the most attendance?" → '7 April 1993'
_DATED_THING = re.compile(
    r"(?i)\b(which|what) (\w+ )?(games?|match(es)?|races?|events?|episodes?|editions?|tournaments?|meetings?|"
    r"fixtures?|shows?|rounds?|weeks?|times?|period|days?|dates?)\b|\bwhen\b|哪(一|个)?(天|日|场|期|次)|什么时候"
)


def _only_dates(result: ResultTable) -> bool:
    return _every_cell(result, lambda v: isinstance(v, dt.date) or (isinstance(v, str) and _full_date(v)))


def _full_date(text: str) -> bool:
    d = parse_date(text)
    return d is not None and d.month is not None and d.day is not None


def _only_numbers(result: ResultTable) -> bool:
    return _every_cell(result, is_number)


def _every_cell(result: ResultTable, test: Callable[[object], bool]) -> bool:
    """Some cell is filled, and every filled cell passes ``test``."""
    cells = [v for row in result.rows for v in row if v is not None]
    return bool(cells) and all(test(v) for v in cells)


def _zero_from_text_filter(sql: str, result: ResultTable) -> bool:
    """A lone 0 from a query that filters on exact text usually means the text was not written
    that way in the data ('Netherlands' vs 'Amsterdam, Netherlands'); a lone empty cell (NULL,
    '') answers nothing whatever the query: both are worth one retry."""
    if len(result.rows) != 1 or len(result.rows[0]) != 1:
        return False
    value = result.rows[0][0]
    return value is None or value == "" or (value == 0 and bool(_TEXT_EQUALS.search(sql)))


def value_of(index: ValueIndex, name: str) -> tuple[str, str, str] | None:
    """The (table, column, value) whose whole cell text is ``name``, if exactly one column holds it."""
    wanted = normalize(name)
    hits = {(k.table, k.column, k.value) for k in index.link(name, limit=10) if normalize(k.value) == wanted}
    return next(iter(hits)) if len({(t, c) for t, c, _ in hits}) == 1 else None
