"""Turning an executed result into answer values and a sentence, without a model.

The sentence is a template filled only with cells of the result, so it cannot state a number that the
query did not produce (the model never writes the prose).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping, Sequence
from typing import Any

from tablepilot.answer import ResultTable, cell_text, is_number
from tablepilot.cells import parse_date, parse_number
from tablepilot.linking import normalize, without_unit

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SHOWN = 5


def question_language(question: str) -> str:
    """'zh' when the question has Chinese characters, else 'en'."""
    return "zh" if _CJK.search(question) else "en"


Display = Mapping[str, Mapping[Any, str]]


#: questions that ask for a thing (a name, a place, a team) rather than a quantity
_ENTITY = re.compile(
    r"(?i)^\s*(which|who|whom|whose|where|what (team|country|city|name|player|club|year|month))\b|哪|谁|什么"
)
#: "did A or B complete more laps", "A还是B的销量更高": one of the two named is the answer
#: English words that compare two things (shared with the mending of "which of the named rows")
COMPARATIVE = (
    r"(more|less|fewer|most|least|first|earlier|later|higher|lower|better|worse|longer|shorter|older|"
    r"younger|bigger|larger|smaller|greater|faster|slower|heavier|lighter)"
)
#: ("or more", "or younger", "more or less than 7" compare with a number: not a choice of two)
_EITHER = re.compile(
    rf"(?i)\bor\s+(?!{COMPARATIVE}\b)\S.*\b{COMPARATIVE}\b|还是.*(更|最|多|少|高|低|大|小|早|晚|长|短)"
)
#: words that ask for a quantity whatever else the question says
_QUANTITY = re.compile(r"(?i)\b(how (many|much)|number of)\b|多少|(?<!哪)几")
#: words that ask for a quantity only when the question does not ask for a thing: in "哪家公司的营业总成本
#: 更低", "哪些小区的平均价格最高" or "which team has the most total points" they are part of the measure's name
_WEAK_QUANTITY = re.compile(r"(?i)\b(total|sum|difference|average|mean)\b|总|合计|平均")
#: a thing whose answer is a number: "which year", "哪一年"
_NUMBER_THING = re.compile(
    r"(?i)\b(which|what) (year|month|day|date|season)\b|哪一?年|哪个?月|哪一?天|什么时候"
)

#: a year asked for, not a date: "what year was it entered into service?" answered by '24-5-1910'
_ASKS_YEAR = re.compile(r"(?i)\b(what|which) years?\b(?!\s*(and|&|,)\s*(month|day|date))|哪一?年(?!.*[月日])")


#: what makes a clause a question of its own: "折旧采用什么方法,折旧年限是多少年"
_ASKS = re.compile(r"多少|哪|什么|几|如何|怎样|怎么|谁|是否")
_CLAUSES = re.compile(r"[,，;；]|以及|并且|并(?=[^\s列])|同时")
_ONLY_POLITE = re.compile(r"^\W*(请问|麻烦问下|想问一下)?\W*(你|您)?(是否|可)?(知道|清楚)(吗)?\W*$")


def asked_parts(question: str) -> list[str]:
    """The clauses of a Chinese question that each ask something ('房屋建筑物折旧采用什么方法',
    '折旧年限是多少年'); one or none for an ordinary question."""
    parts = (p.strip() for p in _CLAUSES.split(question))
    return [p for p in parts if _ASKS.search(p) and not _ONLY_POLITE.match(p)]


#: an English yes/no question: "were any towers established before 1800?" (not "is it A or B?")
_YES_NO = re.compile(r"(?i)^\s*(is|are|was|were|did|does|do|has|have|had|can|could)\b(?!.*\bor\b)")


def asks_yes_no(question: str) -> bool:
    return bool(_YES_NO.search(question))


def yes_no(result: ResultTable) -> str:
    """The answer to a yes/no question from what its query returned: no rows, a false/zero/empty
    single cell or a 'no' → 'no'; anything else → 'yes'."""
    if not result.rows:
        return "no"
    if len(result.rows) == 1 and len(result.columns) == 1:
        value = result.rows[0][0]
        if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
            return value.strip().lower()
        if value is None or value is False or value == "" or (is_number(value) and value == 0):
            return "no"
    return "yes"


def asks_quantity(question: str) -> bool:
    if _QUANTITY.search(question):
        return True
    return bool(_WEAK_QUANTITY.search(question)) and not asks_which(question)


#: the way a comparison of two points: more/higher (the larger wins) or fewer/lower (the smaller)
_LARGER = re.compile(
    r"(?i)\b(more|most|higher|highest|larger|largest|bigger|biggest|greater|greatest|longer|longest)\b"
    r"|(更|较|最)(多|高|大|长)|(?<![多])(多|高|大|长)(?=\s*[，,？?呢]|\s*还是|$)"
)
_SMALLER = re.compile(
    r"(?i)\b(less|least|fewer|fewest|lower|lowest|smaller|smallest|shorter|shortest)\b"
    r"|(更|较|最)(少|低|小|短)|(?<!多)(少|低|小|短)(?=\s*[，,？?呢]|\s*还是|$)"
)


def asked_direction(question: str) -> bool | None:
    """True when the question's comparison wants the larger value ("更高", "more laps"), False when
    the smaller ("营业总收入少，还是", "fewer"), None when it says neither or both."""
    larger, smaller = bool(_LARGER.search(question)), bool(_SMALLER.search(question))
    return larger if larger != smaller else None


def asks_either(question: str) -> bool:
    """ "did A or B … more", "是A…低，还是B…低": a choice between two named things."""
    return bool(_EITHER.search(question))


def asks_which(question: str) -> bool:
    """ "which/who …", "哪/谁 …", "did A or B … more": the answer is one of the rows (a name, a
    year), whatever is measured."""
    return bool(_ENTITY.search(question)) or (
        bool(_EITHER.search(question)) and not _QUANTITY.search(question)
    )


def asks_named_thing(question: str) -> bool:
    """A question such as "which/who …" or "哪家/谁 …" asking for a name (not a year, not an amount)."""
    return asks_which(question) and not asks_quantity(question) and not _NUMBER_THING.search(question)


def focus_columns(question: str, result: ResultTable) -> list[int] | None:
    """The result columns the question asks for, when the query returned extra context columns.

    Small models add context (``SELECT "地区", MAX("销售额")`` for "which region…"); the question's
    kind picks the column: a thing → the one text column, a quantity → the one number (one row).
    None when no rule applies and every column counts.
    """
    if len(result.columns) < 2 or not result.rows or _SECOND_ASK.search(question):
        return None
    first = result.rows[0]
    columns = range(len(result.columns))
    numeric = [i for i in columns if is_number(first[i])]
    textual = [i for i in columns if isinstance(first[i], (str, dt.date)) or first[i] is None]
    quantity, thing = asks_quantity(question), asks_which(question) or bool(_NAMES_OF.search(question))
    focus = None
    if thing and not quantity and len(textual) == 1:
        focus = textual
    elif quantity and not thing and len(numeric) == 1 and len(result.rows) == 1:  # both: a two-part question
        focus = numeric  # "how many …" answered with a labelled count; a breakdown keeps its labels
    elif quantity and not thing and len(numeric) == 1 and _labels_named(question, result, textual):
        return numeric  # "A与B的平均房价分别是多少": the labels are the names the question gave
    if focus is None:
        return _one_named_measure(question, result)
    if _enumerates(question, result.columns):
        return None  # "… List the engineer id, first name and last name.": each is asked for
    if _COMPARING.search(question) or asks_either(question):  # "哪家的营业总成本更低": the measure is context
        return focus
    if any(names_column(question, result.columns[i]) for i in columns if i not in focus):
        return None  # "因为什么…, 占总资产的比例": the question names the other column too
    return focus


#: a second question after the first: "… the highest average rating and what are those ratings?"
_SECOND_ASK = re.compile(r"(?i)\band (?:what|which|who|how many|how much)\b")
#: "Find the names of the top 3 departments …": names are the answer, as with "which"; not in
#: "What are the student IDs and middle names of …", which asks for more
_NAMES_OF = re.compile(
    r"(?i)^\s*(?:(?:please\s+)?(?:find|list|show|give(?: me)?|return|tell me|what (?:are|is|were|was))\s+)?"
    r"(?:all\s+)?(?:the\s+)?names? of\b"
)
_COMPARING = re.compile(
    r"(?i)更|最|\b(highest|lowest|most|least|more|less|greater|fewer|larger|smaller|top|best|worst|"
    r"largest|smallest|biggest|greatest|fewest|longest|shortest)\b"
)


_BETWEEN_LISTED = re.compile(r"^\s*(,|and|, and|&|as well as)?\s*(the|its|their|his|her|of)?\s*$")


def _one_named_measure(question: str, result: ResultTable) -> list[int] | None:
    """ "上年同期的…分别是多少" answered with 本期, 上年同期 and 增减比例: of several columns of
    numbers (or of numbers written as text, '-59,559,343.23') and no labels, the one the question
    names. Not for a breakdown ("how many students in each major", the majors numbered): there
    the number the question names is the label of each row."""
    columns = range(len(result.columns))
    if len(result.rows) > 1 and _PER_GROUP.search(question):
        return None
    if len(result.columns) < 2 or not all(
        row[i] in (None, "")
        or is_number(row[i])
        or (isinstance(row[i], str) and parse_number(row[i]) is not None)
        for row in result.rows
        for i in columns
    ):
        return None
    named = [i for i in columns if names_column(question, result.columns[i])]
    if len(named) != 1:
        return None
    # "期末和期初余额", "上期与本期的…金额": the others named in part are asked for too
    rest = normalize(question).replace(without_unit(result.columns[named[0]]).strip(), " ", 1)
    family = _base_name(result.columns[named[0]])
    if any(
        _shares_part(result.columns[i], rest) or _base_name(result.columns[i]) == family
        for i in columns
        if i != named[0]
    ):
        return None
    return named


_PER_GROUP = re.compile(r"(?i)\b(each|per|every)\b|各|每")


def _base_name(column: str) -> str:
    """A column's name without its unit and the ``_2`` of a repeated header."""
    return re.sub(r"_\d+$", "", without_unit(column)).strip()


def _shares_part(column: str, text: str) -> bool:
    """Whether two characters in a row of the column's base name, or one of its words, are in ``text``."""
    name = _base_name(column)
    parts = [w for w in re.split(r"[\s_]+", name) if len(w) >= 2 and w.isascii()]
    parts += [name[i : i + 2] for i in range(len(name) - 1) if not name[i : i + 2].isascii()]
    return any(p in text for p in parts)


def _labels_named(question: str, result: ResultTable, textual: Sequence[int]) -> bool:
    """One label column besides the numbers, each of whose cells the question names word for word."""
    if len(textual) != 1 or len(result.columns) != 2:
        return False
    text = normalize(question)
    labels = [r[textual[0]] for r in result.rows]
    return all(isinstance(v, str) and len(normalize(v)) >= 2 and normalize(v) in text for v in labels)


def _enumerates(question: str, columns: Sequence[str]) -> bool:
    """The question lists two or more of ``columns`` one after another ("the engineer id, first
    name and last name"), as a request for each of them; a measure named elsewhere ("the team with
    the most wins") is no list. A column is also found by its name without its first word, which
    often repeats the table's ("the customer last name, id and phone number": ``customer_id``)."""
    text = normalize(question)
    spans = []
    for column in columns:
        words = normalize(without_unit(column).replace("_", " ")).split()
        for name in (" ".join(words), " ".join(words[1:])):
            found = _named_at(text, name)
            if found is not None:
                spans.append(found)
                break
    spans.sort()
    return any(_BETWEEN_LISTED.match(text[end:start]) for (_, end), (start, _) in itertools.pairwise(spans))


def _named_at(text: str, name: str) -> tuple[int, int] | None:
    """Where ``name`` first stands in ``text`` as whole words (any place for CJK names)."""
    if len(name) < 2:
        return None
    if not name.isascii():
        at = text.find(name)
        return (at, at + len(name)) if at >= 0 else None
    m = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)
    return m.span() if m else None


def names_column(question: str, column: str) -> bool:
    """The question names the column, its unit aside ("占总资产的比例" for "占总资产的比例%",
    "金额" for "金额（元）"); both read as the linker reads them (``linking.normalize``)."""
    name = without_unit(column).strip()
    return len(name) >= 2 and not name.isdigit() and name in normalize(question)


def _answer_columns(question: str, result: ResultTable) -> list[int]:
    """Focus columns, else every column of a one-row result, or the first column of a longer one."""
    focus = focus_columns(question, result)
    if focus is not None:
        return focus
    if len(result.rows) == 1:
        return list(range(len(result.columns)))
    # "各项目的金额是多少": label, amount → the amounts; "total amount by region" keeps its labels
    if len(result.columns) == 2 and _QUANTITY.search(question):
        numeric = [i for i in (0, 1) if all(is_number(r[i]) or r[i] is None for r in result.rows)]
        if len(numeric) == 1:
            return numeric
    return [0]


def answer_values(result: ResultTable, display: Display | None = None, question: str = "") -> list[str]:
    """The final values: one column → its cells; more columns → the ones the question asks for.

    ``display`` maps a typed column's values back to the text the source wrote, so a cell that
    passed through unchanged reads as in the sheet ("1,119,612.90"); computed values are untouched.
    """
    if asks_yes_no(question) and result.columns:
        return [yes_no(result)]
    if not result.rows:
        return []

    def text(column: int, value: Any) -> str:
        forms = (display or {}).get(result.columns[column])
        if forms is not None and value is not None:
            try:
                shown = forms.get(value)
            except TypeError:  # unhashable cell (a list or struct)
                shown = None
            if shown is not None:
                return shown
        return cell_text(value)

    if len(result.columns) == 1:
        return _years_if_asked(question, _filled([text(0, r[0]) for r in result.rows]))
    chosen = _answer_columns(question, result)
    if len(result.rows) == 1:
        row = result.rows[0]
        filled = [i for i in chosen if row[i] is not None] or chosen  # an empty cell is no value
        return _years_if_asked(question, [text(i, row[i]) for i in filled])
    return _years_if_asked(question, _filled([text(chosen[0], r[chosen[0]]) for r in result.rows]))


def _filled(values: list[str]) -> list[str]:
    """A list's values without its empty cells ("the score in each home game", one game unscored):
    an empty cell is no value. All of them when every one is empty."""
    return [v for v in values if v.strip()] or values


def _years_if_asked(question: str, values: list[str]) -> list[str]:
    """The years of dates when a year was asked ("what year…" answered with '24-5-1910'); the
    values as they are when any of them is not a date of a known year and month."""
    if not values or not _ASKS_YEAR.search(question):
        return values
    dates = [parse_date(v) for v in values]
    if any(d is None or d.year is None or d.month is None for d in dates):
        return values
    return [str(d.year) for d in dates if d is not None]


def compose_text(question: str, result: ResultTable, display: Display | None = None) -> str:
    zh = question_language(question) == "zh"
    values = answer_values(result, display, question)
    n = len(result.rows)
    more = "+" if result.truncated else ""
    if asks_yes_no(question) and not zh and result.columns:
        found = "no rows" if n == 0 else f"{n}{more} row" + ("s" if n != 1 else "")
        return f"Answer: {values[0]} (the query returned {found})"
    if n == 0:
        return (
            "查询没有返回任何行：数据中没有符合条件的记录。"
            if zh
            else "The query returned no rows: nothing in the data matches."
        )
    if n == 1 and len(result.columns) == 1:
        return f"答案：{values[0]}" if zh else f"Answer: {values[0]}"
    if n == 1:
        pairs = ", ".join(
            f"{c} = {cell_text(v)}" for c, v in zip(result.columns, result.rows[0], strict=True)
        )
        if focus_columns(question, result) is not None:  # lead with what was asked, then the context
            lead = ", ".join(values)
            return f"答案：{lead}（{pairs}）" if zh else f"Answer: {lead} ({pairs})"
        return f"答案：{pairs}" if zh else f"Answer: {pairs}"
    shown = ", ".join(values[:_SHOWN])
    rest = len(values) - _SHOWN
    if zh:
        tail = f" 等（共 {n}{more} 行）" if rest > 0 else f"（共 {n}{more} 行）"
        return f"答案：{shown}{tail}"
    tail = f", … ({n}{more} rows in all)" if rest > 0 else f" ({n}{more} rows)"
    return f"Answer: {shown}{tail}"
