"""Reading the values hidden in messy spreadsheet cells.

Real tables store numbers, dates, scores and times as text: ``"1,234"``, ``"$3.5 million"``, ``"12[a]"``,
``"（3）"``, ``"1.5万"``, ``"June 5, 1998"``, ``"3–1"``, ``"2:31.45"``. A small model writing SQL over
such text compares strings and sorts ``"100" < "9"``. These pure functions recover the value of one
cell each and refuse (return ``None``) whenever the text is not clearly a single value of that kind,
because a wrong number is worse than no number: ``"3–1"`` is a score, not ``3``; ``"1998–2001"`` is a
range; ``"1998"`` alone is a number, not a date.

:func:`classify_column` decides what a whole column is. A column gets a kind when at least
:data:`PARSE_THRESHOLD` (80 %) of its non-empty cells parse as that kind; cells such as ``"N/A"``,
``"—"`` or ``"-"`` count as empty (see :func:`is_null_marker`), not as failures.
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

#: share of non-empty cells that must parse for a column to get a kind
PARSE_THRESHOLD = 0.8

Kind = Literal["number", "date", "range", "score", "duration", "tagged", "text"]

_NULL_MARKERS = frozenset(
    {
        "",
        "-",
        "--",
        "---",
        "–",
        "—",
        "−",
        "―",
        "?",
        "/",
        "\\",
        ".",
        "..",
        "...",
        "…",
        "*",
        "n/a",
        "na",
        "n.a.",
        "n.a",
        "none",
        "null",
        "nil",
        "nan",
        "tbd",
        "tba",
        "unknown",
        "无",
        "暂无",
        "不适用",
        "未知",
        "空",
        "不详",
    }
)

# --- cleaning ---------------------------------------------------------------------------------------

_FOOTNOTE_TAIL = re.compile(r"(?:\s*\[[^\[\]]{1,12}\]|\s*[*†‡§¶]+)$")
_NOTE_ENDS = frozenset("]*†‡§¶")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"), None)


def _clean(text: str) -> tuple[str, bool]:
    """NFKC-normalised, trimmed text without trailing footnote marks, and whether marks were removed.

    NFKC turns full-width digits and punctuation (``１２３``, ``（3）``, ``，``) into ASCII, so the
    parsers below only deal with one alphabet.
    """
    s = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).strip()
    had_note = False
    while s[-1:] in _NOTE_ENDS:
        m = _FOOTNOTE_TAIL.search(s)
        if not m or m.start() == 0:
            break
        s = s[: m.start()].rstrip()
        had_note = True
    return s, had_note


def is_null_marker(text: str | None) -> bool:
    """Whether a cell means "no value" (empty, ``N/A``, ``—``, ``-``, ``无``…)."""
    if text is None:
        return True
    if len(text) > 12 or _DIGIT.search(text):  # no marker is long or has digits
        return False
    s, _ = _clean(text)
    return s.casefold() in _NULL_MARKERS


# --- numbers ----------------------------------------------------------------------------------------

_MINUS = "-−–—‒"
_CURRENCY_PREFIX = re.compile(
    r"(?:US\$|HK\$|NT\$|A\$|C\$|R\$|S\$|NZ\$|[$€£¥₹₩₽₺฿₱₫]"
    r"|(?:USD|EUR|GBP|CNY|RMB|JPY|HKD|AUD|CAD|CHF|INR|SGD|KRW)(?=[\s\d.+\-−]))\s?"
)
_BODY = re.compile(
    r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # 1,234,567.89
    r"|\d{1,3}(?:\.\d{3})+,\d+"  # 1.234.567,89 (European)
    r"|\d{1,3}(?:\.\d{3}){2,}"  # 1.234.567 (European, no decimals)
    r"|\d{1,3}(?:[ \u2009\u202f]\d{3})+(?:[.,]\d+)?"  # 1 234 567,89
    r"|\d+(?:\.\d*)?|\.\d+)"
    r"(?:[eE][+-]?\d{1,3}(?![\w]))?"
)
_CJK_MULTIPLIERS = {"万亿": 1e12, "千万": 1e7, "百万": 1e6, "亿": 1e8, "万": 1e4, "千": 1e3}
_CJK_MULT = re.compile(r"\s*(万亿|千万|百万|亿|万|千)")
_WORD_MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "mn": 1e6, "bn": 1e9}
_WORD_MULT = re.compile(r"\s*(thousand|million|billion|trillion|mn|bn)\b", re.IGNORECASE)
# A single letter only means a multiplier after money ("$3.5M"); "12 m" is twelve metres.
_MONEY_MULT = re.compile(r"([KkMB])(?![A-Za-z])")
_MONEY_MULTIPLIERS = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9}
# A unit: up to four words of letters/symbols (letters may end in 2/3 as in km2, m3); no other digits.
_UNIT_WORD = r"(?:[^\W\d_]|[°%‰'\"′″+µ.$€£¥·])+[23]?"
_UNIT = re.compile(rf"\s*({_UNIT_WORD}(?:[ /-]{_UNIT_WORD}){{0,3}})")
_DIGIT = re.compile(r"\d")
_EURO = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_SPACES = re.compile(r"[ \u2009\u202f]")
_SPACED_DECIMAL = re.compile(r"\d{1,3}(?:\d{3})+,\d+")
_AMBIGUOUS_COMMA = re.compile(r"\d+,\d{1,2}|\d+,\d{4,}")
_NON_DIGITS = re.compile(r"\D")
_UNIT_SPLIT = re.compile(r"[\s./]")
_GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}(?:,\d{3}){1,4}(?:\.\d+)?")
_PLAIN = re.compile(r"[+-]?(?:[1-9]\d{0,14}|0)(?:\.\d+)?")
_PAREN_TAIL = re.compile(r"\s*\([^()]*\)\s*$")
#: English month names and their abbreviations, casefolded → month number
MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}


@dataclass(frozen=True)
class NumberReading:
    """One cell read as a number, with what the reading left out.

    ``unit`` is what followed (or, for money, preceded) the number: ``"km"``, ``"%"``, ``"$"``.
    ``lossy`` says the text held more than the value and its unit: a footnote mark, a parenthesised
    aside (``"15.5 m (51 ft)"``), leading zeros (``"007"``), or more digits than a float keeps.
    """

    value: float
    unit: str | None = None
    lossy: bool = False


def _body_value(body: str) -> float:
    if _EURO.fullmatch(body) and (body.count(".") > 1 or "," in body):
        body = body.replace(".", "").replace(",", ".")  # European grouping
    else:
        body = _SPACES.sub("", body)
        if _SPACED_DECIMAL.fullmatch(body):  # "1 234,5" after removing spaces
            body = body.replace(",", ".")
        body = body.replace(",", "")
    return float(body)


def read_number(text: str | None) -> NumberReading | None:
    """The number in ``text`` with its unit, or ``None`` when the text is not one number."""
    if text is None:
        return None
    if _PLAIN.fullmatch(text):  # the common case, fast
        return NumberReading(float(text))
    if _GROUPED.fullmatch(text):  # "12,345", also common
        return NumberReading(float(text.replace(",", "")))
    s, had_note = _clean(text)
    if not _DIGIT.search(s):
        return None
    negative = False
    if s.startswith("(") and s.endswith(")") and s.count("(") == 1:  # accounting negative "(1,234.00)"
        inner = read_number(s[1:-1])
        if inner is None or inner.value < 0 or s[1:2] in _MINUS + "+":
            return None
        return NumberReading(-inner.value, inner.unit, inner.lossy or had_note)
    pos = 0
    currency: str | None = None
    for _ in range(2):  # sign and currency, in either order: "-$5", "$-5"
        if pos < len(s) and s[pos] in _MINUS + "+" and not negative:
            negative = s[pos] in _MINUS
            pos += 1
            while pos < len(s) and s[pos] == " ":
                pos += 1
        m = _CURRENCY_PREFIX.match(s, pos)
        if m and currency is None:
            currency = m.group(0).strip()
            pos = m.end()
    m = _BODY.match(s, pos)
    if not m:
        return None
    body = m.group(0)
    if "," in body and _AMBIGUOUS_COMMA.fullmatch(body):
        return None  # "1,5" could be 1.5 or 15: ambiguous
    value = _body_value(body)
    pos = m.end()
    lossy = had_note
    digits = _NON_DIGITS.sub("", body.split(".")[0] if "," not in body or "." in body else body)
    if len(digits) > 1 and digits.startswith("0") and not body.startswith(("0.", "0,")):
        lossy = True  # "007": the zeros are part of a code
    if len(_NON_DIGITS.sub("", body)) > 15:
        lossy = True
    mult = _CJK_MULT.match(s, pos) or _WORD_MULT.match(s, pos)
    if mult:
        word = mult.group(1)
        value *= _CJK_MULTIPLIERS.get(word) or _WORD_MULTIPLIERS[word.casefold()]
        pos = mult.end()
    elif currency and (mm := _MONEY_MULT.match(s, pos)):
        value *= _MONEY_MULTIPLIERS[mm.group(1)]
        pos = mm.end()
    rest = s[pos:]
    paren = _PAREN_TAIL.search(rest)
    if paren:
        rest = rest[: paren.start()]
        lossy = True
    unit: str | None = None
    if rest.strip():
        um = _UNIT.fullmatch(rest)
        if not um:
            return None
        unit = um.group(1).strip()
        first = _UNIT_SPLIT.split(unit.casefold())[0]
        if first in MONTHS or unit[0] in "万亿千百" or first in {"to", "and", "or", "of", "x", "by"}:
            return None
        if first in {"st", "nd", "rd", "th"} and unit != first:
            return None  # "1st Round" is a label, not the number 1
    if currency:
        unit = currency if unit is None else f"{currency} {unit}"
    if negative:
        value = -value
    if not math.isfinite(value):
        return None
    return NumberReading(value, unit, lossy)


def parse_number(text: str | None) -> float | None:
    """The single number written in ``text`` (``"$3.5 million"`` → 3500000.0), else ``None``.

    Handles thousands separators (``1,234``, unambiguous European ``1.234,5``), currency symbols and
    codes, ``%`` (kept as written: ``"45%"`` → 45.0), units after the number, footnote marks, unicode
    minus and dashes as sign, accounting parentheses as negative, full-width digits, and multipliers
    written in the cell (万, 亿, million, ``$3M``). Scores, ranges, times and dates are not numbers.
    """
    reading = read_number(text)
    return None if reading is None else reading.value


# --- dates ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartialDate:
    """A calendar date of which some parts may be unknown (``"June 1998"`` has no day)."""

    year: int | None
    month: int | None = None
    day: int | None = None

    @property
    def is_full(self) -> bool:
        return self.year is not None and self.month is not None and self.day is not None


_MONTH_NAME = r"(?P<m>[A-Za-z]{3,9})\.?"
_ORD = r"(?:st|nd|rd|th)?"
_WEEKDAY = re.compile(
    r"^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\.?,?\s+", re.IGNORECASE
)
_TIME_TAIL = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DATE_PATTERNS = [
    re.compile(rf"(?P<y>\d{{4}})-(?P<mo>\d{{1,2}})-(?P<d>\d{{1,2}}){_TIME_TAIL}"),
    re.compile(rf"(?P<y>\d{{4}})/(?P<mo>\d{{1,2}})/(?P<d>\d{{1,2}}){_TIME_TAIL}"),
    re.compile(r"(?P<y>\d{4})\.(?P<mo>\d{1,2})\.(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})[/.](?P<mo>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})-(?P<mo>\d{2})"),
    re.compile(r"(?P<y>\d{4})\s*年\s*(?:(?P<mo>\d{1,2})\s*月\s*(?:(?P<d>\d{1,2})\s*[日号])?)?"),
    re.compile(r"(?P<mo>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"),
    re.compile(rf"{_MONTH_NAME}\s+(?P<d>\d{{1,2}}){_ORD},?\s+(?P<y>\d{{4}})", re.IGNORECASE),
    re.compile(rf"(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MONTH_NAME},?\s+(?P<y>\d{{4}})", re.IGNORECASE),
    re.compile(rf"{_MONTH_NAME},?\s+(?P<y>\d{{4}})", re.IGNORECASE),
    re.compile(rf"{_MONTH_NAME}\s+(?P<d>\d{{1,2}}){_ORD}", re.IGNORECASE),
    re.compile(rf"(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MONTH_NAME}", re.IGNORECASE),
    re.compile(rf"(?P<d>\d{{1,2}})[- ]{_MONTH_NAME}[- ](?P<yy>\d{{2}})", re.IGNORECASE),  # 17-Apr-75
]
_NUMERIC_DMY = re.compile(r"(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})")


def _valid(year: int | None, month: int | None, day: int | None) -> PartialDate | None:
    if year is not None and not 1 <= year <= 9999:
        return None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and (month is None or not 1 <= day <= calendar.monthrange(year or 2000, month)[1]):
        return None
    return PartialDate(year, month, day)


def _read_date(s: str) -> PartialDate | None:
    s = _WEEKDAY.sub("", s)
    for pattern in _DATE_PATTERNS:
        m = pattern.fullmatch(s)
        if not m:
            continue
        parts = m.groupdict()
        if parts.get("m") is not None:
            month = MONTHS.get(parts["m"].casefold())
            if month is None:
                continue
        else:
            month = int(parts["mo"]) if parts.get("mo") else None
        if pattern.pattern == r"(?P<y>\d{4})-(?P<mo>\d{2})" and month == (int(parts["y"]) + 1) % 100:
            return None  # "2001-02" is a season, not February 2001
        year = int(parts["y"]) if parts.get("y") else None
        if parts.get("yy"):  # two-digit years as strptime's %y reads them: 69-99 → 19xx, 00-68 → 20xx
            year = int(parts["yy"]) + (1900 if int(parts["yy"]) >= 69 else 2000)
        day = int(parts["d"]) if parts.get("d") else None
        return _valid(year, month, day)
    m = _NUMERIC_DMY.fullmatch(s)
    if m:
        a, b, year = int(m["a"]), int(m["b"]), int(m["y"])
        if m["sep"] == "." or a > 12:
            return _valid(year, b, a)
        if b > 12 or a == b:
            return _valid(year, a, b)
        return None  # "1-4-1915": 1 April or January 4? Unknown.
    return None


def parse_date(text: str | None) -> PartialDate | None:
    """The calendar date in ``text``, possibly partial, else ``None``.

    English (``"June 5, 1998"``, ``"5 June 1998"``, ``"June 1998"``, ``"April 10"``), ISO and slashed
    (``"1998-06-05"``, ``"2023/1/5"``), Chinese (``"2023年1月5日"``, ``"2023年1月"``). A bare ``"1998"`` is
    a number, not a date; ``"1-4-1915"`` is ambiguous (day or month first) and gives ``None``.
    """
    if text is None:
        return None
    s, _ = _clean(text)
    if not _DIGIT.search(s):
        return None
    if not s:
        return None
    return _read_date(s)


# --- durations, scores, ranges ----------------------------------------------------------------------

_CLOCK = re.compile(r"\+?(?:(?P<h>\d+):(?P<m2>[0-5]\d)|(?P<m>\d+)):(?P<s>[0-5]\d)(?P<f>\.\d+)?")
_HMS = re.compile(
    r"(?:(?P<h>\d+)\s*h(?:rs?|ours?)?)?\s*(?:(?P<m>\d+)\s*(?:m|min|mins|minutes?|'|′))?\s*"
    r"(?:(?P<s>\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds?|\"|″))?",
    re.IGNORECASE,
)


def parse_duration(text: str | None) -> float | None:
    """Seconds in a clock-style time (``"2:31.45"`` → 151.45, ``"1:02:03"`` → 3723), else ``None``.

    Also ``"1h 2m 3s"`` when at least two parts are given (``"12 m"`` alone is a length).
    """
    if text is None:
        return None
    s, _ = _clean(text)
    if not _DIGIT.search(s):
        return None
    m = _CLOCK.fullmatch(s)
    if m:
        hours = int(m["h"]) if m["h"] else 0
        minutes = int(m["m2"]) if m["h"] else int(m["m"])
        return hours * 3600 + minutes * 60 + int(m["s"]) + (float(m["f"]) if m["f"] else 0.0)
    m = _HMS.fullmatch(s)
    if m and sum(g is not None for g in (m["h"], m["m"], m["s"])) >= 2:
        return int(m["h"] or 0) * 3600 + int(m["m"] or 0) * 60 + float(m["s"] or 0)
    return None


_SCORE = re.compile(
    r"(?:[WLDT](?:\s+|\s*[,:]\s*))?(?P<a>\d{1,3})\s*[-–—−:]\s*(?P<b>\d{1,3})"
    r"(?:\s*\([^()]*\))?(?:\s*(?:OT|\dOT|AET|a\.e\.t\.?|ET|pen\.?|pens|p|SO|F/OT|aet))?",
    re.IGNORECASE,
)


def parse_score(text: str | None) -> tuple[int, int] | None:
    """The two sides of a result like ``"3–1"``, ``"W 41–34"``, ``"2–2 (4–3 p)"``, else ``None``."""
    if text is None:
        return None
    s, _ = _clean(text)
    if not _DIGIT.search(s):
        return None
    m = _SCORE.fullmatch(s)
    return (int(m["a"]), int(m["b"])) if m else None


_RANGE_SEP = re.compile(r"\s*(?:[-–—~～至到]|\bto\b)\s*")


#: a name followed by a number in brackets: 'Chris Kaman (14)', 'Cordero (16)' (a game's top scorer
#: and his points, a pitcher and his saves); the number is what a question about the column sums
_TAGGED = re.compile(r"^\s*(?P<name>\D.*?)\s*\((?P<n>\d{1,7}(?:\.\d+)?)\)\s*$", re.DOTALL)


def parse_tag(text: str | None) -> float | None:
    """The number in brackets after a name ('Chris Kaman (14)' → 14), or None."""
    m = _TAGGED.match(_clean(text)[0]) if text else None
    return float(m.group("n")) if m else None


def parse_range(text: str | None) -> tuple[float, float] | None:
    """The bounds of a range like ``"1998–2001"``, ``"10-20 km"``, ``"1998–99"``, else ``None``.

    The low end must not exceed the high end, so a score such as ``"3–1"`` is not a range.
    """
    if text is None:
        return None
    s, _ = _clean(text)
    if not _DIGIT.search(s):
        return None
    for sep in _RANGE_SEP.finditer(s):
        if sep.start() == 0:
            continue
        left, right = s[: sep.start()], s[sep.end() :]
        low, high = read_number(left), read_number(right)
        starts_number = right[:1].isdigit() or right[:1] in "$€£¥"
        if low is None or high is None or left[-1:] in "([" or not starts_number:
            continue
        lo, hi = low.value, high.value
        if len(left) == 4 and left.isdigit() and len(right) == 2 and right.isdigit():  # season "1998–99"
            hi = lo // 100 * 100 + hi + (100 if hi < lo % 100 else 0)
            if hi - lo > 20:
                continue
        if lo <= hi:
            return (lo, hi)
    return None


# --- columns ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnKind:
    """What a text column holds, judged from all its cells.

    ``parsed_share`` is the share of non-empty cells that parse as ``kind`` (1.0 for ``text``).
    ``changed`` says a typed version would lose information the text carries: cells that do not
    parse, footnotes, parenthesised asides, leading zeros, or units that differ between cells.
    ``unit`` is the unit every parsed number shares (``"%"``, ``"$"``, ``"km"``), if any.
    """

    kind: Kind
    parsed_share: float
    changed: bool
    non_empty: int
    integer: bool = False  # number: every value is a whole number
    full_dates: bool = False  # date: every parsed date has year, month and day
    unit: str | None = None


def _is_year(reading: NumberReading | None) -> bool:
    return (
        reading is not None
        and reading.unit is None
        and reading.value.is_integer()
        and 1000 <= reading.value <= 2999
    )


_ZERO_PADDED = re.compile(r"^\s*0\d+\s*$")


def _zero_padded_codes(texts: Sequence[str]) -> bool:
    """'007', '010': identifiers whose zeros matter, not numbers (a code column stays text)."""
    return any(_ZERO_PADDED.match(t) for t in texts)


def classify_counts(counts: Mapping[str, int], threshold: float = PARSE_THRESHOLD) -> ColumnKind:
    """:func:`classify_column` over distinct cell texts and how often each occurs."""
    cells = {t: n for t, n in counts.items() if not is_null_marker(t)}
    total = sum(cells.values())
    if total == 0:
        return ColumnKind("text", 1.0, False, 0)

    def share(ok: Iterable[str]) -> float:
        return sum(cells[t] for t in ok) / total

    numbers = {t: read_number(t) for t in cells}
    parsed = [t for t, r in numbers.items() if r is not None]
    if share(parsed) >= threshold and not _zero_padded_codes(parsed):
        readings = [r for r in numbers.values() if r is not None]
        units = {r.unit for r in readings}
        unit = next(iter(units)) if len(units) == 1 else None
        lossy = len(parsed) < len(cells) or len(units) > 1 or any(r.lossy for r in readings)
        integer = all(r.value.is_integer() and abs(r.value) < 2**53 for r in readings)
        return ColumnKind("number", share(parsed), lossy, total, integer=integer, unit=unit)

    dates = {t: parse_date(t) for t in cells}
    years = {t for t in cells if dates[t] is None and _is_year(numbers[t])}
    dated = [t for t, d in dates.items() if d is not None]
    if dated and share([*dated, *years]) >= threshold:
        noted = any(_clean(t)[1] or ":" in t for t in dated)  # footnotes or a time of day dropped
        full = not years and all(d is not None and d.is_full for d in dates.values() if d is not None)
        ok = len(dated) + len(years)
        return ColumnKind("date", share([*dated, *years]), ok < len(cells) or noted, total, full_dates=full)

    timed = [t for t in cells if parse_duration(t) is not None]
    if share(timed) >= threshold:
        return ColumnKind("duration", share(timed), len(timed) < len(cells), total)

    scores = {t: parse_score(t) for t in cells}
    scored = [t for t, p in scores.items() if p is not None]
    ranged = [t for t in cells if numbers[t] is not None or parse_range(t) is not None]
    upsets = any(p is not None and p[0] > p[1] for p in scores.values())
    if share(scored) >= threshold and (upsets or share(ranged) < threshold):
        return ColumnKind("score", share(scored), len(scored) < len(cells), total)
    if share(ranged) >= threshold and len(ranged) > len([t for t in ranged if numbers[t] is not None]):
        return ColumnKind("range", share(ranged), len(ranged) < len(cells), total)
    tagged = [t for t in cells if parse_tag(t) is not None]
    if share(tagged) >= threshold:
        return ColumnKind("tagged", share(tagged), len(tagged) < len(cells), total)
    return ColumnKind("text", 1.0, False, total)


def classify_column(values: Sequence[str | None], threshold: float = PARSE_THRESHOLD) -> ColumnKind:
    """The kind of a text column: number, date, range, score, duration, or text.

    A kind is chosen when at least ``threshold`` of the non-empty cells parse as it, trying number,
    then date (bare years count as year-only dates here), duration, score, range. Score beats range
    when some result has the first side larger (``"3–1"``), since a range never does; plain numbers
    count as one-point ranges so ``"1998"`` next to ``"1999–2001"`` is fine.
    """
    return classify_counts(Counter(v for v in values if v is not None), threshold)


def read_cell(kind: Kind, text: str | None) -> tuple[float | int | PartialDate | None, ...]:
    """The typed parts of one cell for a column of ``kind`` (the shape :mod:`typed_columns` stores).

    number → (value,); date → (PartialDate,); duration → (seconds,); score → (a, b);
    range → (low, high); tagged → (the number in brackets,); text → ().
    """
    if kind == "number":
        return (parse_number(text),)
    if kind == "date":
        d = parse_date(text)
        if d is None and _is_year(read_number(text)):
            d = PartialDate(int(parse_number(text) or 0))
        return (d,)
    if kind == "duration":
        return (parse_duration(text),)
    if kind == "score":
        return parse_score(text) or (None, None)
    if kind == "tagged":
        return (parse_tag(text),)
    if kind == "range":
        r = parse_range(text)
        if r is None and (n := parse_number(text)) is not None:
            r = (n, n)
        return r or (None, None)
    return ()
