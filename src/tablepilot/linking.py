"""Link the words of a question to cell values and column names.

A small model writes ``WHERE league = 'USL A-League'`` only if it knows the exact spelling of the
value; the question may say "usl a-league", "华东区" or use a full-width bracket. The index keeps the
distinct short text values (and small integer domains) of every table and answers, per question,
which values the question mentions.

Matching, in order of trust (precision first):

* exact: the normalised value (NFKC, case-folded, whitespace collapsed) occurs in the normalised
  question, on word boundaries for Latin text; longer values score higher, and a match inside a
  longer match is dropped ("北京" inside "曙光信息产业(北京)有限公司").
* compact: the same with spaces and punctuation removed ("iphone15" ↔ "iPhone 15").
* partial: the value's grams (Latin words, CJK character bigrams, numbers) are mostly found in the
  question, weighted by rarity (IDF), so "有限公司" alone does not link every company.
* numbers: a number in the question equals an indexed number ("2004" ↔ Year 2004, "7169" ↔ "7,169").
* words inside cells: a rare Latin word of the question is a whole word of some (not most) values of a
  column and no value equals it ("netherlands" ↔ 'Utrecht, Netherlands', 'Lommel, Netherlands'):
  one link that stands for all of them, to be used as ``ILIKE '%Netherlands%'``.

Columns with more distinct values than the cap keep only a dict of their normalised values for
exact lookup of the question's word-aligned substrings (a few thousand dict probes), so "iPhone 15"
is found in a 50k-row product column even when it is in no sample; beyond ``MAX_EXACT_VALUES``
distinct values ``link`` asks the database instead (one vectorised scan, ~10 ms per 100k rows).
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import duckdb

from tablepilot.catalog import TableInfo
from tablepilot.data.names import quote_ident

__all__ = [
    "ColumnLink",
    "ValueIndex",
    "ValueLink",
    "grams",
    "name_relevance",
    "normalize",
    "quote_ident",
]

MAX_VALUE_CHARS = 60

_TEXT_TYPES = ("VARCHAR", "TEXT", "STRING", "CHAR", "BPCHAR", "ENUM")
_INT_TYPES = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "INT",
    "INT2",
    "INT4",
    "INT8",
)

# Question words too common to carry meaning on their own.
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "not",
        "no",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "many",
        "much",
        "more",
        "most",
        "less",
        "least",
        "than",
        "then",
        "that",
        "this",
        "these",
        "those",
        "there",
        "their",
        "they",
        "them",
        "it",
        "its",
        "he",
        "she",
        "his",
        "her",
        "i",
        "you",
        "we",
        "our",
        "your",
        "do",
        "does",
        "did",
        "done",
        "has",
        "have",
        "had",
        "having",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "all",
        "any",
        "each",
        "every",
        "other",
        "some",
        "such",
        "only",
        "also",
        "just",
        "same",
        "as",
        "if",
        "so",
        "but",
        "into",
        "over",
        "under",
        "after",
        "before",
        "between",
        "during",
        "about",
        "against",
        "up",
        "down",
        "out",
        "off",
        "per",
        "total",
        "number",
        "name",
        "list",
        "show",
        "give",
        "tell",
        "find",
        "get",
        "me",
        "one",
        "first",
        "last",
        "top",
        # words that ask for an operation, not for a value ("the different billing countries")
        "different",
        "distinct",
        "count",
        "display",
        "average",
        "order",
        "sorted",
        "ascending",
        "descending",
        "alphabetical",
    ]
)
_CJK_STOP_BIGRAMS = frozenset(
    [
        "请问",
        "多少",
        "哪些",
        "哪个",
        "哪一",
        "一个",
        "什么",
        "是否",
        "是多",
        "少呢",
        "的是",
        "是什",
        "么时",
        "时候",
        "有多",
        "有哪",
        "分别",
        "以及",
        "还有",
        "其中",
        "怎么",
        "如何",
        "可以",
        "告诉",
        "知道",
        "你知",
        "道吗",
        "么吗",
        "吗？",
        "的数",
        "数量",
        "总共",
        "一共",
        "共有",
    ]
)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
_GRAM_RE = re.compile(rf"(?P<num>\d+(?:[.,]\d+)*)|(?P<word>[^\W\d_{_CJK}]+)|(?P<cjk>[{_CJK}]+)")
_COMPACT_DROP = re.compile(rf"[^\w{_CJK}]+|_")
_NUMBER_RE = re.compile(r"(?<![\w.])[-+]?\d+(?:[.,]\d+)*(?![\w])")


#: Latin letters that do not decompose into a base letter + accent
_LATIN_LETTERS = str.maketrans({"đ": "d", "ð": "d", "ł": "l", "ø": "o", "ı": "i", "ħ": "h", "ŧ": "t"})


#: a unit written into a column's name: "金额（元）", "占比%"
_UNIT = re.compile(r"[（(][^）)]*[）)]|[%％]")


def without_unit(name: str) -> str:
    """A column's name as the linker reads it (:func:`normalize`), its unit left out: questions
    name "金额", not "金额（元）"."""
    return _UNIT.sub("", normalize(name))


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), case-folded, whitespace collapsed, accents of Latin letters
    dropped (people type "zabalj" for 'Žabalj'; CJK and kana are left as they are)."""
    norm = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    if norm.isascii():
        return norm
    if "年" in norm or "月" in norm:  # "2021年8月" is the cell '2021年08月'
        for _ in range(2):  # the month, then the day that follows it
            norm = _CN_MONTH_DAY.sub(lambda m: f"{m.group(1)}0{m.group(2)}{m.group(3)}", norm)
    return "".join(_fold(ch) for ch in norm).translate(_LATIN_LETTERS)


#: a one-digit month or day in a Chinese date, zero-padded when normalising
_CN_MONTH_DAY = re.compile(r"((?:\d{4}年|\d月))(\d)([月日号])")


def _fold(ch: str) -> str:
    if not ("\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff"):
        return ch
    return "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)) or ch


def _compact(norm: str) -> str:
    return _COMPACT_DROP.sub("", norm)


def _stem(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _number_key(text: str) -> str:
    """ "7,169" and "7169.0" and "7169" all become "7169"; "3.50" becomes "3.5"."""
    raw = text.replace(",", "")
    try:
        value = float(raw)
    except ValueError:
        return raw
    if math.isfinite(value) and value == int(value):
        return str(int(value))
    return repr(value)


def grams(norm: str) -> list[str]:
    """The matching units of a normalised text: Latin words (stemmed), numbers, CJK bigrams.

    A lone CJK character is a gram only when it is the whole CJK run (e.g. the value "男").
    """
    out: list[str] = []
    for m in _GRAM_RE.finditer(norm):
        if m.lastgroup == "num":
            out.append("#" + _number_key(m.group()))
        elif m.lastgroup == "word":
            out.append(_stem(m.group()))
        else:
            run = m.group()
            if len(run) == 1:
                out.append(run)
            else:
                out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def _is_meaningful(gram: str) -> bool:
    if gram.startswith("#"):
        return len(gram) > 2  # numbers of two or more digits
    if gram.isascii():
        return len(gram) >= 2 and gram not in _STOPWORDS
    return len(gram) >= 2 and gram not in _CJK_STOP_BIGRAMS


def _find_exact(value: str, question: str) -> tuple[int, int] | None:
    """Span of ``value`` in ``question`` respecting Latin word and number boundaries."""
    start = question.find(value)
    while start >= 0:
        end = start + len(value)
        before = question[start - 1] if start > 0 else " "
        after = question[end] if end < len(question) else " "
        left_ok = not (before.isascii() and before.isalnum() and value[0].isascii() and value[0].isalnum())
        right_ok = not (after.isascii() and after.isalnum() and value[-1].isascii() and value[-1].isalnum())
        if left_ok and right_ok:
            return start, end
        start = question.find(value, start + 1)
    return None


#: "2022年12月": the 12 names a month, not a filter value of some other column
_MONTH_OF_YEAR = re.compile(r"(\d{4})\s*年\s*\d{1,2}\s*月")


def names_value(question: str, value: str, links: Sequence[ValueLink]) -> bool:
    """Whether the question may have asked for a filter on ``value``: a cell linked to it, the text
    itself, or one of its words or numbers in the question; not a cell with words and numbers none of
    whose numbers the question has, nor the month of "2022年12月" ("成交套数" = '12'). True when the
    value has no word or number to judge by (``LIKE 'W%'``)."""
    norm = normalize(value.strip("%"))
    question_norm = _MONTH_OF_YEAR.sub(r"\1年 月", normalize(question))
    if not norm or norm in question_norm:
        return True
    own = {g for g in grams(norm) if g.startswith("#") or _is_meaningful(g)}
    asked = set(grams(question_norm))
    numbers = {g for g in own if g.startswith("#")}
    if numbers and not numbers & asked and own - numbers:
        return False  # '武汉市洪山区P（2017）123号' for "武汉市洪山区东湖ONE小区": its numbers say which one
    if any(normalize(link.value) == norm for link in links):
        return True
    return not own or bool(own & asked)


def _other_word(word: str, close: str) -> bool:
    """One letter added at the end, not a plural 's': "start" and "star", "planer" and "plane" are
    two words, not a word and its typo."""
    short, long = sorted((word, close), key=len)
    return len(long) == len(short) + 1 and long.startswith(short) and long[-1] != "s"


def _few_words(value: str) -> bool:
    """A cell of at most two words, where one of them alone is as likely the kind of thing ('Own
    Goal', 'Earth Song') as a mention of the cell; in a longer cell it is a mention ('… Malberg …')."""
    return len([g for g in grams(normalize(value)) if _is_meaningful(g)]) <= 2


def name_relevance(question_norm: str, question_grams: set[str], name: str) -> float:
    """How strongly a table/column name is mentioned in a normalised question, 0..1."""
    name_norm = normalize(name)
    if not name_norm:
        return 0.0
    if len(name_norm) >= 2 and name_norm not in _STOPWORDS and _find_exact(name_norm, question_norm):
        return 1.0
    name_grams = [g for g in grams(name_norm) if _is_meaningful(g)]
    if not name_grams:
        return 0.0
    hits = sum(1 for g in name_grams if g in question_grams)
    return 0.8 * hits / len(name_grams)


@dataclass(frozen=True)
class ValueLink:
    table: str
    column: str
    value: str  # the value exactly as stored (cast to text)
    score: float  # 0..1, higher is surer
    matched_text: str  # the part of the (normalised) question that matched
    #: True when ``value`` is a word found inside several cells of the column ("Netherlands" in
    #: 'Utrecht, Netherlands', 'Amsterdam, Netherlands'): the filter is ``ILIKE '%value%'``, not ``=``
    contains: bool = False
    example: str = ""  # one such cell, for the prompt


class ColumnLink(NamedTuple):
    """A column the question names; unpacks as ``(table, column, score)``."""

    table: str
    column: str
    score: float


@dataclass(frozen=True)
class _Entry:
    table: str
    column: str
    value: str
    norm: str
    compact: str
    grams: tuple[str, ...]
    numeric: bool  # came from a number column: link only by number equality


class ValueIndex:
    """Distinct short values of text (and small integer) columns, searchable by question."""

    def __init__(
        self,
        entries: list[_Entry],
        columns: list[tuple[str, str]],
        exact: dict[tuple[str, str], dict[str, str] | None],
        con: duckdb.DuckDBPyConnection | None,
    ) -> None:
        self._entries = entries
        self._columns = columns
        # columns over the cap: normalised value -> value, matched only exactly; None when even
        # that is too big to hold, and the database is asked instead
        self._exact = exact
        self._con = con
        self._by_gram: dict[str, list[int]] = defaultdict(list)
        self._distinct: Counter[tuple[str, str]] = Counter((e.table, e.column) for e in entries)
        df: dict[str, int] = defaultdict(int)
        for i, e in enumerate(entries):
            for g in set(e.grams):
                self._by_gram[g].append(i)
                df[g] += 1
        n = max(1, len(entries))
        self._idf = {g: math.log(1 + n / c) for g, c in df.items()}
        self._buckets: dict[tuple[str, int], list[str]] | None = None  # built on first typo
        # a question word inside a column name names that column: it is no misspelt value
        # ("billing" of "BillingCountry" is not a typo of 'Killing Time')
        self._name_text = " ".join(_compact(normalize(c)) for _, c in columns)
        # in a database of several tables, a question word that names a table or column ("players",
        # "category") refers to the schema, not to a cell that happens to read 'Player'
        several = len({t for t, _ in columns}) > 1
        self._schema_words = {_stem(normalize(n)) for t, c in columns for n in (t, c)} if several else set()

    def _close_words(self, word: str) -> list[str]:
        """Indexed Latin words within a typo of ``word`` (difflib ratio ≥ 0.84).

        Words are bucketed by (first letter, length) and (last letter, length), so a typo that
        spares either end is found without comparing against the whole vocabulary.
        """
        if self._buckets is None:
            self._buckets = defaultdict(list)
            for g in self._by_gram:
                if g.isascii() and g.isalpha() and len(g) >= 4:
                    self._buckets[(g[0], len(g))].append(g)
                    self._buckets[("$" + g[-1], len(g))].append(g)
        pool: set[str] = set()
        for size in (len(word) - 1, len(word), len(word) + 1):
            pool.update(self._buckets.get((word[0], size), ()))
            pool.update(self._buckets.get(("$" + word[-1], size), ()))
        close = difflib.get_close_matches(word, sorted(pool), n=2, cutoff=0.84)
        return [c for c in close if not _other_word(word, c)]

    @classmethod
    def build(
        cls,
        con: duckdb.DuckDBPyConnection,
        tables: Iterable[TableInfo],
        *,
        max_distinct_per_column: int = 5000,
    ) -> ValueIndex:
        """Read the distinct values of every text column (one GROUP BY per column)."""
        entries: list[_Entry] = []
        columns: list[tuple[str, str]] = []
        exact: dict[tuple[str, str], dict[str, str] | None] = {}
        for table in tables:
            wanted: list[tuple[str, bool]] = []
            for col in table.columns:
                columns.append((table.name, col.name))
                base = col.type.upper().split("(")[0].strip()
                if base in _TEXT_TYPES or base in _INT_TYPES:
                    wanted.append((col.name, base in _TEXT_TYPES))
            if not wanted:
                continue
            # one scan per table: every column's most frequent values, up to the cap (+1 to see overflow)
            parts = []
            for k, (name, is_text) in enumerate(wanted):
                ident = quote_ident(name)
                where = f"{ident} IS NOT NULL"
                if is_text:
                    where += f" AND length({ident}) BETWEEN 1 AND {MAX_VALUE_CHARS}"
                parts.append(
                    f"SELECT {k} AS k, CAST({ident} AS VARCHAR) AS v FROM {quote_ident(table.name)} "
                    f"WHERE {where}"
                )
            rows = con.execute(
                f"SELECT k, v FROM ({' UNION ALL '.join(parts)}) GROUP BY k, v "
                f"QUALIFY row_number() OVER (PARTITION BY k ORDER BY count(*) DESC, v) "
                f"<= {max_distinct_per_column + 1} ORDER BY k, count(*) DESC, v"
            ).fetchall()
            per_column: dict[int, list[str]] = defaultdict(list)
            for k, value in rows:
                per_column[k].append(value)
            headers = {normalize(c.name) for c in table.columns}
            for k, (name, is_text) in enumerate(wanted):
                values = per_column.get(k, [])
                if len(values) > max_distinct_per_column:
                    if is_text:
                        exact[(table.name, name)] = _exact_only(con, table.name, name)
                    continue  # big integer domains (ids, amounts) are not worth linking
                for value in values:
                    norm = normalize(value)
                    if norm and norm not in headers:  # a header row repeated inside the data is no value
                        entries.append(
                            _Entry(
                                table.name,
                                name,
                                value,
                                norm,
                                _compact(norm),
                                tuple(grams(norm)),
                                numeric=not is_text,
                            )
                        )
        return cls(entries, columns, exact, con)

    def __len__(self) -> int:
        return len(self._entries)

    def link(self, question: str, *, limit: int = 10) -> list[ValueLink]:
        """Values the question mentions, surest first (ties broken by table, column, value)."""
        q = normalize(question)
        q_compact = _compact(q)
        q_grams = grams(q)
        q_gram_set = set(q_grams)
        for g in list(q_gram_set):
            if (
                len(g) >= 5
                and g.isascii()
                and g.isalpha()
                and g not in self._by_gram
                and g not in self._name_text
                and _is_meaningful(g)
            ):
                q_gram_set.update(self._close_words(g))
        found: dict[tuple[str, str, str], tuple[float, str, tuple[int, int] | None]] = {}

        def offer(
            e: _Entry | tuple[str, str, str], score: float, text: str, span: tuple[int, int] | None
        ) -> None:
            key = (e.table, e.column, e.value) if isinstance(e, _Entry) else e
            if key not in found or found[key][0] < score:
                found[key] = (score, text, span)

        partial: set[tuple[str, str, str]] = set()
        q_words = {
            w
            for w in re.findall(r"[a-z][a-z'-]*[a-z]", q)
            if len(w) >= 4 and w not in _STOPWORDS and _stem(w) not in self._schema_words
        }
        inside: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        candidates: set[int] = set()
        for g in q_gram_set:
            if _is_meaningful(g) or g.startswith("#"):
                candidates.update(self._by_gram.get(g, ()))
        for i in candidates:
            e = self._entries[i]
            if e.numeric:
                if (
                    len(e.grams) == 1
                    and e.grams[0] in q_gram_set
                    and _is_meaningful(e.grams[0])
                    and not _only_in_dates(e.norm, q)
                ):
                    offer(e, 0.55 if len(e.norm) >= 4 else 0.45, e.norm, None)
                continue
            if _stem(e.norm) in self._schema_words:
                continue
            span = _find_exact(e.norm, q)
            if span is not None and _value_can_link(e):
                offer(e, 0.75 + 0.25 * min(len(e.norm), 20) / 20, q[span[0] : span[1]], span)
                continue
            if len(e.compact) >= 4 and e.compact in q_compact:
                offer(e, 0.62 + 0.12 * min(len(e.compact), 20) / 20, e.compact, None)
                continue
            score, text = self._partial(e, q_gram_set)
            if score > 0:
                offer(e, score, text, None)
                partial.add((e.table, e.column, e.value))
            for word in q_words:
                if word != e.norm and _find_exact(word, e.norm) is not None:
                    inside[(e.table, e.column, word)].append(e.value)
        subs = _substrings(q) if self._exact else {}
        for (table, column), held in self._exact.items():
            values = (
                [held[k] for k in subs if k in held]
                if held is not None
                else (self._search_overflow(table, column, q))
            )
            for value in values:
                norm = normalize(value)
                span = _find_exact(norm, q)
                if (
                    span is not None
                    and len(norm) >= 2
                    and norm not in _STOPWORDS
                    and _stem(norm) not in self._schema_words  # 'CITY' of "in the city of Goroka"
                ):
                    offer(
                        (table, column, value),
                        0.75 + 0.25 * min(len(norm), 20) / 20,
                        q[span[0] : span[1]],
                        span,
                    )
        spans = [s for (_, _, s) in found.values() if s is not None]
        # a partial match is noise where the same column has a whole value in the question
        whole = {
            (t, c) for (t, c, v), (score, _, _) in found.items() if score > 0.6 and (t, c, v) not in partial
        }
        # one question word partially matching many values of a column ("games" ~ 'Game 1', 'Game 2'…)
        # names the column's kind of thing, not one of its values
        generic = Counter((t, c, found[(t, c, v)][1]) for (t, c, v) in partial)
        # a partial match on part of a phrase that matched a whole value ('2017' of '2017年03月')
        whole_texts = [text for key, (score, text, _) in found.items() if score > 0.6 and key not in partial]
        links = [
            ValueLink(t, c, v, round(score, 4), text)
            for (t, c, v), (score, text, span) in found.items()
            if not (span is not None and any(_inside(span, other) for other in spans))
            and not ((t, c, v) in partial and (t, c) in whole)
            and not ((t, c, v) in partial and generic[(t, c, text)] >= 3)
            and not ((t, c, v) in partial and any(text in w for w in whole_texts))
        ]
        links.extend(self._word_links(inside, whole, links))
        links.extend(self._enumerated_links(q, found, links))
        links.sort(key=lambda k: (-k.score, k.table, k.column, k.value))
        return links[:limit]

    def _enumerated_links(
        self,
        q: str,
        found: dict[tuple[str, str, str], tuple[float, str, tuple[int, int] | None]],
        links: list[ValueLink],
    ) -> list[ValueLink]:
        """The other items of a list that shares one ending: "经营、投资、筹资活动产生的现金流量净额"
        matched only '筹资活动产生的现金流量净额'; '经营活动…' and '投资活动…' are found by giving
        the matched value's ending to each listed item, when the column holds the result."""
        out: list[ValueLink] = []
        have = {(ln.table, ln.column, ln.value) for ln in links}
        for (t, c, value), (score, _, span) in sorted(found.items()):
            if span is None or (t, c, value) not in have:
                continue
            items = _listed_before(q, span[0])
            if not items:
                continue
            norm = normalize(value)
            held = self._column_values(t, c)
            best: list[tuple[str, str]] = []
            for size in range(1, min(len(norm), 8)):  # how much of the value the last item replaces
                completed = [
                    (item[-size:], item[-size:] + norm[size:]) for item in items if len(item) >= size
                ]
                hits = [(written, held[text]) for written, text in completed if text in held]
                if len(hits) > len(best):
                    best = hits
            out.extend(
                ValueLink(t, c, other, score, written)  # matched: the item as the question lists it
                for written, other in best
                if (t, c, other) not in have and not any(o.value == other and o.column == c for o in out)
            )
        return out

    def _column_values(self, table: str, column: str) -> dict[str, str]:
        """Normalised value → value of one column, as the index holds them (none for a column too
        big to hold, whose values the database is asked for one by one)."""
        held = self._exact.get((table, column))
        if held is not None:
            return held
        return {e.norm: e.value for e in self._entries if e.table == table and e.column == column}

    def _word_links(
        self,
        inside: dict[tuple[str, str, str], list[str]],
        whole: set[tuple[str, str]],
        links: list[ValueLink],
    ) -> list[ValueLink]:
        """One ``contains`` link per (column, question word) found inside several of its values.

        Not for a column that has a value equal to a question phrase, nor for a word in most of a
        column's values ('Game 1', 'Game 2'…: the word names the column's kind of thing).
        """
        out = []
        for (t, c, word), values in sorted(inside.items()):
            if (t, c) in whole or len(values) > max(1, int(0.6 * self._distinct[(t, c)])):
                continue
            if len(values) == 1 and (
                any(ln.table == t and ln.column == c for ln in links) or _few_words(values[0])
            ):
                continue  # the value itself is linked, or the word is one of its two (see _partial)
            if any(ln.score > 0.6 and word in ln.matched_text for ln in links):
                continue  # the word is part of a phrase that matched a whole value elsewhere
            m = re.search(rf"(?i)(?<![a-z]){re.escape(word)}(?![a-z])", values[0])
            written = m.group() if m else word
            out.append(ValueLink(t, c, written, 0.5, word, contains=True, example=values[0]))
        return out

    def _partial(self, e: _Entry, q_grams: set[str]) -> tuple[float, str]:
        """IDF-weighted share of the value's meaningful grams that the question contains."""
        meaningful = [g for g in dict.fromkeys(e.grams) if _is_meaningful(g)]
        if q_grams and all(g.isascii() for g in q_grams):
            # an English question cannot contain a value's Cyrillic/CJK part ("Khandyga (Хандыга)")
            meaningful = [g for g in meaningful if g.isascii()] or meaningful
        if not meaningful:
            return 0.0, ""
        total = sum(self._idf.get(g, 1.0) for g in meaningful)
        hit = [g for g in meaningful if g in q_grams]
        covered = sum(self._idf.get(g, 1.0) for g in hit)
        share = covered / total
        # a partial link needs real evidence: two grams, or one long one that outweighs the rest of
        # the value. One word of two equal ones is the kind of thing, not the cell: "how many songs
        # reached position 1" is not about 'Earth Song', nor "the only goal scorer" about 'Own Goal'
        strong = len(hit) >= 2 or (len(hit) == 1 and len(hit[0].lstrip("#")) >= 4 and share > 0.5)
        if share < 0.5 or not strong:
            return 0.0, ""
        return 0.6 * share, " ".join(g.lstrip("#") for g in hit)

    def _search_overflow(self, table: str, column: str, q: str) -> list[str]:
        if self._con is None:
            return []
        ident = quote_ident(column)
        rows = self._con.execute(
            f"SELECT DISTINCT CAST({ident} AS VARCHAR) FROM {quote_ident(table)} "
            f"WHERE {ident} IS NOT NULL AND length({ident}) BETWEEN 2 AND {MAX_VALUE_CHARS} "
            f"AND strpos(?, lower(CAST({ident} AS VARCHAR))) > 0 ORDER BY 1 LIMIT 20",
            [q],
        ).fetchall()
        return [r[0] for r in rows]

    def link_columns(self, question: str) -> list[ColumnLink]:
        """Columns whose names the question mentions, surest first."""
        q = normalize(question)
        q_grams = set(grams(q))
        out = []
        for table, column in self._columns:
            score = name_relevance(q, q_grams, column)
            if score >= 0.4:
                out.append(ColumnLink(table, column, round(score, 4)))
        out.sort(key=lambda c: (-c.score, c.table, c.column))
        return out


MAX_EXACT_VALUES = 300_000


def _exact_only(con: duckdb.DuckDBPyConnection, table: str, column: str) -> dict[str, str] | None:
    """All short distinct values of a big column, for exact lookup; None beyond MAX_EXACT_VALUES."""
    ident = quote_ident(column)
    rows = con.execute(
        f"SELECT DISTINCT CAST({ident} AS VARCHAR) FROM {quote_ident(table)} WHERE {ident} IS NOT NULL "
        f"AND length({ident}) BETWEEN 2 AND {MAX_VALUE_CHARS} LIMIT {MAX_EXACT_VALUES + 1}"
    ).fetchall()
    if len(rows) > MAX_EXACT_VALUES:
        return None
    held: dict[str, str] = {}
    for (value,) in sorted(rows):
        held.setdefault(normalize(value), value)
    return held


def _substrings(q: str) -> dict[str, tuple[int, int]]:
    """Every substring of the question that starts and ends on a word boundary (2..60 chars)."""

    def edge(i: int) -> bool:  # a boundary between q[i-1] and q[i]
        if i <= 0 or i >= len(q):
            return True
        a, b = q[i - 1], q[i]
        return not (a.isascii() and a.isalnum() and b.isascii() and b.isalnum())

    starts = [i for i in range(len(q)) if edge(i) and not q[i].isspace()]
    ends = [j for j in range(1, len(q) + 1) if edge(j) and not q[j - 1].isspace()]
    out: dict[str, tuple[int, int]] = {}
    for i in starts:
        for j in ends:
            if 2 <= j - i <= MAX_VALUE_CHARS:
                out.setdefault(q[i:j], (i, j))
    return out


#: what separates the items of a list in Chinese: "经营、投资和筹资活动"
_LIST_MARKS = "、和及与"


def _listed_before(q: str, start: int) -> list[str]:
    """The items listed right before position ``start``, nearest first (the first one may carry
    words before it: "企业经营、投资、筹资…" → ['投资', '企业经营'])."""
    items: list[str] = []
    pos = start
    while pos >= 2 and q[pos - 1] in _LIST_MARKS:
        end = begin = pos - 1
        while (
            begin > 0
            and end - begin < 12
            and q[begin - 1] not in _LIST_MARKS
            and re.match(rf"[{_CJK}\w]", q[begin - 1])
        ):
            begin -= 1
        if begin == end:
            break
        items.append(q[begin:end])
        pos = begin
    return items


def _only_in_dates(number: str, q: str) -> bool:
    """Whether every mention of ``number`` in the question is a month or a day ("2022年12月",
    "3月5日"): the 12 of December is not a count of 12 in some number column."""
    found = list(re.finditer(rf"(?<![\d.]){re.escape(number)}(?![\d.])", q))
    return bool(found) and all(re.match(r"\s*[月日号]", q[m.end() :]) for m in found)


def _value_can_link(e: _Entry) -> bool:
    """A short common word ("the", "年") must not link on its own."""
    if e.norm in _STOPWORDS:
        return False
    if e.norm.isascii():
        return len(e.norm) >= 3 or (len(e.norm) == 2 and any(ch.isdigit() for ch in e.norm))
    return len(e.norm) >= 2


def _inside(span: tuple[int, int], other: tuple[int, int]) -> bool:
    return other != span and other[0] <= span[0] and span[1] <= other[1]
