"""Choose a chart for a query result and describe it as a Vega-Lite v5 spec.

The choice is a pure function of the result (each column's kind inferred from its values, the
number of distinct categories, the row count) and the question's intent words in Chinese and
English. No model writes plotting code: the spec is data, so it can be shown by the web page,
stored in the answer's JSON and rendered to PNG/SVG by :mod:`tablepilot.render`. The rules are
documented in ``docs/charts.md``; when a chart would not help the answer, the result is ``None``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tablepilot.answer import is_number, json_cell

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"

#: chart kinds :func:`requested_chart_type` can return
CHART_TYPES = ("bar", "line", "area", "pie", "scatter", "histogram")

MAX_PIE_SLICES = 8  # automatic pies; more categories become a sorted bar
MAX_REQUESTED_PIE_SLICES = 20  # a pie the user asked for
MAX_BAR_CATEGORIES = 50
MAX_TOP_N_CATEGORIES = 100
MAX_SERIES = 12  # lines / colours in one chart
MAX_MEASURES = 6  # numeric columns folded into one grouped chart
MAX_ROWS = 5000  # inline data beyond this makes the answer JSON too heavy
LONG_LABEL = 12  # display width (CJK counts 2) above which bars turn horizontal
WIDTH, HEIGHT = 480, 300

# --- intent words --------------------------------------------------------------------------------

_TREND = re.compile(
    r"趋势|走势|变化|随时间|按月|每月|逐月|月度|按年|每年|逐年|年度|历年|按天|每天|每日|逐日|按日|按周|每周|"
    r"按季|每季|季度|增长|"
    r"\btrends?\b|over time|\bby (?:day|week|month|quarter|year|date)\b|"
    r"\bper (?:day|week|month|quarter|year)\b|\b(?:daily|weekly|monthly|quarterly|yearly|annual(?:ly)?)\b|"
    r"\bgrowth\b|\btime ?series\b|\btimeline\b|\bevolution\b|\bover the (?:years|months)\b",
    re.IGNORECASE,
)
_SHARE = re.compile(
    r"占比|比例|份额|构成|百分比|比重|组成|占多少|"
    r"\bshares?\b|\bproportions?\b|\bpercentages?\b|\bpercent\b|\bbreakdown\b|\bcomposition\b|"
    r"\bfractions?\b|% of",
    re.IGNORECASE,
)
_DISTRIBUTION = re.compile(r"分布|直方图|频数|\bdistribution\b|\bhistograms?\b|\bspread\b", re.IGNORECASE)
_COMPARE = re.compile(
    r"对比|比较|排名|排行|最高|最多|最低|最少|最大|最小|前\s*\d+|前[一二三四五六七八九十]+|各|每个|每一个|哪个|哪些|"
    r"\bcompar\w*|\btop\b|\brank\w*|\bhighest\b|\bmost\b|\blowest\b|\bleast\b|\blargest\b|\bsmallest\b|"
    r"\bbest\b|\bworst\b|\beach\b|\bper\b|\bby\b|\bvs\.?\b|\bversus\b|\bwhich\b",
    re.IGNORECASE,
)
_TOP_N = re.compile(
    r"前\s*\d+|前[一二三四五六七八九十百]+[个名位家]?|\btop[\s-]*\d+|\b(?:first|largest|highest|biggest) \d+\b",
    re.IGNORECASE,
)
_DESCENDING = re.compile(
    r"排名|排行|最高|最多|最大|前\s*\d|前[一二三四五六七八九十]|\btop\b|\brank\w*|\bhighest\b|\bmost\b|"
    r"\blargest\b|\bbest\b",
    re.IGNORECASE,
)

_REQUESTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("pie", re.compile(r"饼图|饼状图|圆饼图|扇形图|\bpie\b", re.IGNORECASE)),
    ("histogram", re.compile(r"直方图|\bhistograms?\b", re.IGNORECASE)),
    ("scatter", re.compile(r"散点图|散点|\bscatter", re.IGNORECASE)),
    ("area", re.compile(r"面积图|\barea (?:chart|graph|plot)s?\b", re.IGNORECASE)),
    (
        "line",
        re.compile(
            r"折线图|折线|曲线图|线图|\bline (?:chart|graph|plot)s?\b|\bas (?:a )?lines?\b", re.IGNORECASE
        ),
    ),
    (
        "bar",
        re.compile(
            r"柱状图|柱形图|条形图|柱图|\bbar (?:chart|graph|plot)s?\b|\bcolumn (?:chart|graph)s?\b|\bas (?:a )?bars?\b",
            re.IGNORECASE,
        ),
    ),
)
# request phrases removed from the chart title ("…，画成饼图" → "…")
_REQUEST_PHRASE = re.compile(
    r"[，,;；]?\s*(?:请|并)?(?:用|画成|画个|画一个|做成|绘制成?|生成|显示为|展示为|以)?\s*"
    r"(?:饼图|饼状图|圆饼图|扇形图|直方图|散点图|面积图|折线图|曲线图|线图|柱状图|柱形图|条形图|柱图)(?:展示|显示|表示)?|"
    r"[,;]?\s*(?:as|in|with|using|draw|plot|show)\s+(?:it\s+)?(?:as\s+)?(?:a\s+)?"
    r"(?:pie|bar|line|area|scatter|column)\s*(?:chart|graph|plot)?s?|"
    r"[,;]?\s*(?:as|in|with)\s+(?:a\s+)?histograms?",
    re.IGNORECASE,
)

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_ID_NAME = re.compile(r"(?:^|_)id$|^id_|编号|代码|序号|^code$|_code$|^no\.?$|号码", re.IGNORECASE)
_YEAR_NAME = re.compile(r"year|年份|^年$|年度", re.IGNORECASE)
_RATIO_NAME = re.compile(r"%|percent|pct|ratio|rate|share|占比|比例|比率|百分比|率$", re.IGNORECASE)
_ISO_DATE = re.compile(
    r"^\d{4}-\d{2}(?:-\d{2})?(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_ORDINAL_TIME = re.compile(
    r"^(?:\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?|\d{4}[/.]\d{1,2}(?:[/.]\d{1,2})?|"
    r"\d{1,2}\s*月|\d{4}\s*-?\s*[Qq][1-4]|[Qq][1-4]|第?[一二三四1-4]季度|"
    r"\d{4}\s*-?\s*W\d{1,2}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?:\s+\d{4})?|"
    r"(?:周|星期)[一二三四五六日天]|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*)$",
    re.IGNORECASE,
)


def requested_chart_type(question: str) -> str | None:
    """The chart kind the question explicitly asks for ("画成饼图" → ``"pie"``), else ``None``."""
    for kind, pattern in _REQUESTS:
        if pattern.search(question):
            return kind
    return None


def is_chinese(text: str) -> bool:
    return bool(_CJK.search(text))


# --- column kinds --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    name: str  # the key in the inline data
    kind: str  # "number" | "temporal" | "ordinal" | "text"
    distinct: int
    unique: bool
    time_unit: str | None = None  # for temporal columns
    ratio: bool = False  # numbers in [0, 1] named like a share
    integers: bool = False
    max_abs: float = 0.0
    max_width: int = 0  # display width of the longest value (CJK counts 2)
    negatives: bool = False


def _width(text: str) -> int:
    return sum(2 if _CJK.match(ch) else 1 for ch in text)


def _time_unit(values: list[Any]) -> str:
    """The coarsest Vega-Lite UTC time unit that keeps every value distinct as shown."""
    texts = [v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else str(v) for v in values]
    if any(isinstance(v, dt.datetime) and (v.hour or v.minute or v.second) for v in values) or any(
        len(t) > 10 and t[11:19] not in ("", "00:00:00") for t in texts
    ):
        return "utcyearmonthdatehoursminutes"
    if all(t[5:7] in ("01", "") and t[8:10] in ("01", "") for t in texts):
        return "utcyear"
    if all(t[8:10] in ("01", "") for t in texts):
        return "utcyearmonth"
    return "utcyearmonthdate"


def _infer(name: str, values: list[Any]) -> _Column:
    present = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    distinct = len({json_cell(v) for v in present})
    unique = distinct == len(present)
    texts = [str(json_cell(v)) for v in present]
    width = max((_width(t) for t in texts), default=0)
    base = {"name": name, "distinct": distinct, "unique": unique, "max_width": width}
    if not present:
        return _Column(kind="text", **base)  # type: ignore[arg-type]
    if all(is_number(v) for v in present):
        nums = [float(v) for v in present]
        integers = all(float(v).is_integer() for v in nums)
        if integers and (
            _ID_NAME.search(name) or (_YEAR_NAME.search(name) and all(1000 <= v <= 2999 for v in nums))
        ):
            return _Column(kind="ordinal" if _YEAR_NAME.search(name) else "text", **base)  # type: ignore[arg-type]
        return _Column(
            kind="number",
            ratio=bool(_RATIO_NAME.search(name)) and all(0 <= v <= 1 for v in nums),
            integers=integers,
            max_abs=max(abs(v) for v in nums),
            negatives=any(v < 0 for v in nums),
            **base,  # type: ignore[arg-type]
        )
    if all(isinstance(v, (dt.date, dt.datetime)) for v in present) or all(
        isinstance(v, str) and _ISO_DATE.match(v) for v in present
    ):
        return _Column(kind="temporal", time_unit=_time_unit(present), **base)  # type: ignore[arg-type]
    if all(isinstance(v, str) and _ORDINAL_TIME.match(v.strip()) for v in present):
        return _Column(kind="ordinal", **base)  # type: ignore[arg-type]
    return _Column(kind="text", **base)  # type: ignore[arg-type]


def _year_like(col: _Column, values: list[Any]) -> bool:
    """A unique integer column of plausible years, used as the x of a trend."""
    return (
        col.kind == "number"
        and col.integers
        and col.unique
        and all(v is not None and 1900 <= float(v) <= 2100 for v in values)
    )


# --- the recommender -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Intent:
    trend: bool
    share: bool
    distribution: bool
    compare: bool
    top_n: bool
    descending: bool


def _intent(question: str) -> _Intent:
    return _Intent(
        trend=bool(_TREND.search(question)),
        share=bool(_SHARE.search(question)),
        distribution=bool(_DISTRIBUTION.search(question)),
        compare=bool(_COMPARE.search(question)),
        top_n=bool(_TOP_N.search(question)),
        descending=bool(_DESCENDING.search(question)),
    )


def recommend_chart(
    question: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    requested: str | None = None,
) -> dict[str, Any] | None:
    """A Vega-Lite v5 spec that shows this result, or ``None`` when a chart would not help.

    ``requested`` (default: what :func:`requested_chart_type` finds in the question) overrides the
    intent words when the result has a shape that kind of chart can show.
    """
    if not columns or not rows or len(rows) > MAX_ROWS:
        return None
    names = _unique_names([str(c) for c in columns])
    values = [[json_cell(row[i]) if i < len(row) else None for row in rows] for i in range(len(names))]
    cols = [_infer(n, v) for n, v in zip(names, values)]
    if not any(c.kind == "number" for c in cols):
        return None
    # a unique year-like integer first column is the x of a trend, not a measure
    if len(cols) >= 2 and _year_like(cols[0], values[0]) and any(c.kind == "number" for c in cols[1:]):
        cols[0] = _Column(
            name=cols[0].name,
            kind="ordinal",
            distinct=cols[0].distinct,
            unique=True,
            max_width=cols[0].max_width,
        )
    data = [{n: v[i] for n, v in zip(names, values)} for i in range(len(rows))]
    shape = _Shape(question, cols, data, _intent(question))
    kind = (requested or requested_chart_type(question) or "").lower() or None
    if kind not in CHART_TYPES:
        kind = None
    spec = (shape.requested(kind) if kind else None) or shape.automatic()
    return spec


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        n = n or "column"
        if n in seen:
            seen[n] += 1
            n = f"{n} ({seen[n]})"
        else:
            seen[n] = 1
        out.append(n)
    return out


class _Shape:
    """One result's columns split into dimensions and measures, and the charts it can become."""

    def __init__(self, question: str, cols: list[_Column], data: list[dict[str, Any]], intent: _Intent):
        self.question = question
        self.zh = is_chinese(question)
        self.cols = cols
        self.data = data
        self.intent = intent
        self.measures = [c for c in cols if c.kind == "number"][:]
        self.times = [c for c in cols if c.kind in ("temporal", "ordinal")]
        self.cats = [c for c in cols if c.kind == "text"]
        self.n = len(data)

    # the rules in docs/charts.md, in order
    def automatic(self) -> dict[str, Any] | None:
        it, ms, times, cats, n = self.intent, self.measures, self.times, self.cats, self.n
        if len(ms) > MAX_MEASURES or len(cats) + len(times) > 2 or len(times) > 1:
            return None
        if n == 1:
            # one row: only several measures side by side can make a chart, and only when asked to compare
            if not times and len(ms) >= 2 and (it.share or it.compare):
                return (
                    self.pie_folded() if it.share and not any(m.negatives for m in ms) else self.bar_folded()
                )
            return None
        if not times and not cats:
            return self._numbers_only()
        if times:
            if len(cats) > 1:
                return None
            if len(cats) == 1:
                return self.line(series=cats[0]) if len(ms) == 1 else None
            if len(ms) > 1:
                return self.line_folded()
            if it.share and not it.trend:
                return self._share(times[0], ms[0])
            if not it.trend and (n <= 2 or (it.compare and n <= 12)):
                return self.bar(times[0], ms[0], ordered=True)
            return self.line()
        if len(cats) == 2:
            # a cross-tab repeats labels; two columns of unique labels (id + name) are a listing
            if len(ms) != 1 or (cats[0].unique and cats[1].unique):
                return None
            return self.stacked(cats[0], cats[1], ms[0], normalize=it.share)
        cat = cats[0]
        if len(ms) > 1:
            if not cat.unique or cat.distinct > 30:
                return None
            return self.stacked_folded(cat, normalize=True) if it.share else self.bar_folded(cat)
        m = ms[0]
        if it.distribution and not it.share and (not cat.unique or n > 30):
            return self.histogram(m)
        if not cat.unique:
            return None
        if it.share and not it.distribution:
            return self._share(cat, m)
        if it.distribution:
            return self.bar(cat, m, ordered=True)
        return self.bar(cat, m)

    def _numbers_only(self) -> dict[str, Any] | None:
        it, ms = self.intent, self.measures
        if len(ms) == 1:
            return self.histogram(ms[0]) if it.distribution and self.n >= 2 else None
        if len(ms) == 2:
            if it.distribution:
                return None
            if it.trend and ms[0].unique:
                return self.line(x=ms[0], y=ms[1])
            if it.compare and ms[0].unique and ms[0].integers:
                return self.bar(ms[0], ms[1])
            return self.scatter(ms[0], ms[1]) if self.n >= 3 else None
        return None

    def _share(self, cat: _Column, m: _Column) -> dict[str, Any] | None:
        if cat.distinct <= MAX_PIE_SLICES and not m.negatives:
            return self.pie(cat, m)
        return self.bar(cat, m, share=True)

    def requested(self, kind: str) -> dict[str, Any] | None:
        """The chart the user asked for, or ``None`` when the result cannot take that shape."""
        ms, dims = self.measures, self.times + self.cats
        if not ms or len(ms) > MAX_MEASURES:
            return None
        if kind == "histogram":
            return self.histogram(ms[0]) if self.n >= 2 and (len(ms) == 1 or not dims) else None
        if kind == "scatter":
            if len(ms) < 2 or self.n < 2:
                return None
            series = self.cats[0] if len(self.cats) == 1 and self.cats[0].distinct <= MAX_SERIES else None
            return self.scatter(ms[0], ms[1], series=series)
        if self.n == 1:
            if dims or len(ms) < 2:
                return None
            if kind == "pie":
                return None if any(m.negatives for m in ms) else self.pie_folded()
            return self.bar_folded()
        if len(dims) > 2 or len(dims) == 0:
            if not dims and len(ms) == 2 and ms[0].unique and kind in ("line", "area"):
                return self.line(x=ms[0], y=ms[1], mark=kind)
            if not dims and len(ms) == 2 and ms[0].unique and kind == "bar":
                return self.bar(ms[0], ms[1])
            return None
        x = self.times[0] if self.times else dims[0]
        other = [d for d in dims if d is not x]
        if not x.unique and not other:
            return None
        if kind == "pie":
            if other or len(ms) != 1 or ms[0].negatives or x.distinct > MAX_REQUESTED_PIE_SLICES:
                return None
            return self.pie(x, ms[0])
        if kind in ("line", "area"):
            if other:
                return self.line(x=x, series=other[0], mark=kind) if len(ms) == 1 else None
            return self.line(x=x, mark=kind) if len(ms) == 1 else self.line_folded(x=x, mark=kind)
        if kind == "bar":
            if other:
                return self.stacked(x, other[0], ms[0], normalize=False) if len(ms) == 1 else None
            if len(ms) > 1:
                return self.bar_folded(x)
            return self.bar(x, ms[0], ordered=x.kind != "text", limit=False)
        return None

    # --- spec builders ---------------------------------------------------------------------------

    def _t(self, zh: str, en: str) -> str:
        return zh if self.zh else en

    def _base(self, kind: str, data: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        return {
            "$schema": SCHEMA,
            "title": chart_title(self.question),
            "usermeta": {"chart": kind},
            "data": {"values": self.data if data is None else data},
        }

    def _y(self, m: _Column, **extra: Any) -> dict[str, Any]:
        enc: dict[str, Any] = {"field": field_ref(m.name), "type": "quantitative", "title": m.name}
        enc["axis"] = {"format": number_format(m)}
        enc.update(extra)
        return enc

    def _x_dim(self, d: _Column, **extra: Any) -> dict[str, Any]:
        enc: dict[str, Any] = {"field": field_ref(d.name), "title": d.name}
        if d.kind == "temporal":
            enc.update(type="temporal", timeUnit=d.time_unit)
            fmt = _TIME_FORMATS.get(d.time_unit or "", ("", ""))[0 if self.zh else 1]
            if fmt:
                enc["axis"] = {"format": fmt}
        elif d.kind == "ordinal":
            enc.update(type="ordinal", sort=None if self._keep_order(d) else "ascending")
        elif d.kind == "number":
            enc.update(type="quantitative", scale={"zero": False})
        else:
            enc.update(type="nominal", sort=None)
        enc.update(extra)
        return enc

    def _keep_order(self, d: _Column) -> bool:
        """Month names and "1月…12月" sort wrongly as text; keep the query's order for them."""
        return any(isinstance(r[d.name], str) and not r[d.name][:4].isdigit() for r in self.data)

    def _tooltip(self, *cols: _Column) -> list[dict[str, Any]]:
        out = []
        for c in cols:
            t: dict[str, Any] = {"field": field_ref(c.name), "title": c.name}
            if c.kind == "number":
                t.update(type="quantitative", format=number_format(c, tooltip=True))
            elif c.kind == "temporal":
                t.update(type="temporal", timeUnit=c.time_unit)
            else:
                t["type"] = "ordinal" if c.kind == "ordinal" else "nominal"
            out.append(t)
        return out

    def bar(
        self, cat: _Column, m: _Column, *, ordered: bool = False, share: bool = False, limit: bool = True
    ) -> dict[str, Any] | None:
        cap = MAX_TOP_N_CATEGORIES if self.intent.top_n else MAX_BAR_CATEGORIES
        if limit and cat.distinct > cap:
            return None
        horizontal = cat.kind == "text" and (cat.max_width > LONG_LABEL or cat.distinct > 12)
        if cat.kind == "number":
            dim: dict[str, Any] = {"field": field_ref(cat.name), "type": "ordinal", "title": cat.name}
        elif cat.kind == "temporal":
            dim = {
                "field": field_ref(cat.name),
                "type": "ordinal",
                "timeUnit": cat.time_unit,
                "title": cat.name,
            }
        else:
            dim = self._x_dim(cat)
        if not ordered and not (cat.kind == "ordinal" and not self.intent.descending):
            dim["sort"] = "-x" if horizontal else "-y"
        measure = self._y(m)
        spec = self._base("bar")
        if share:
            spec["transform"] = _share_transform(m.name)
            measure["axis"] = {"format": ".0%"}
            measure["field"] = "__share"
            measure["title"] = self._t(f"{m.name}占比", f"share of {m.name}")
        spec["mark"] = {"type": "bar", "tooltip": True}
        if horizontal:
            spec["width"] = WIDTH
            spec["height"] = {"step": 22}
            spec["encoding"] = {"y": dim, "x": measure}
        else:
            dim["axis"] = {"labelAngle": 0 if cat.max_width <= 8 else -40}
            spec["width"] = WIDTH if cat.distinct <= 12 else {"step": 28}
            spec["height"] = HEIGHT
            spec["encoding"] = {"x": dim, "y": measure}
        spec["encoding"]["tooltip"] = self._tooltip(cat, m)
        return spec

    def pie(self, cat: _Column, m: _Column) -> dict[str, Any]:
        spec = self._base("pie")
        spec["transform"] = _share_transform(m.name)
        spec["width"] = spec["height"] = HEIGHT
        theta = {"field": field_ref(m.name), "type": "quantitative", "stack": True, "title": m.name}
        spec["encoding"] = {
            "theta": theta,
            "color": {
                "field": field_ref(cat.name),
                "type": "nominal",
                "title": cat.name,
                "sort": {"field": field_ref(m.name), "op": "sum", "order": "descending"},
            },
            "order": {"field": field_ref(m.name), "type": "quantitative", "sort": "descending"},
            "tooltip": self._tooltip(cat, m)
            + [
                {
                    "field": "__share",
                    "type": "quantitative",
                    "format": ".1%",
                    "title": self._t("占比", "share"),
                }
            ],
        }
        spec["layer"] = [
            {"mark": {"type": "arc", "outerRadius": 120, "stroke": "white"}},
            {
                "mark": {"type": "text", "radius": 145, "fontSize": 12},
                "encoding": {"text": {"field": "__share", "type": "quantitative", "format": ".1%"}},
            },
        ]
        return spec

    def _folded(self, kind: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        """Spec with the measures folded into (measure, value) rows: the colour and value encodings."""
        spec = self._base(kind)
        spec["transform"] = [
            {"fold": [field_ref(m.name) for m in self.measures], "as": ["__measure", "__value"]}
        ]
        color: dict[str, Any] = {
            "field": "__measure",
            "type": "nominal",
            "title": self._t("指标", "measure"),
            "sort": [m.name for m in self.measures],
        }
        fmt = number_format(_merge(self.measures))
        value: dict[str, Any] = {
            "field": "__value",
            "type": "quantitative",
            "title": self._t("数值", "value"),
            "axis": {"format": fmt},
        }
        return spec, color, value

    def bar_folded(self, cat: _Column | None = None) -> dict[str, Any]:
        spec, color, value = self._folded("grouped_bar" if cat else "bar")
        spec["mark"] = {"type": "bar", "tooltip": True}
        spec["height"] = HEIGHT
        if cat is None:
            x = {
                "field": "__measure",
                "type": "nominal",
                "title": self._t("指标", "measure"),
                "sort": "-y",
                "axis": {"labelAngle": 0},
            }
            spec["width"] = WIDTH
            spec["encoding"] = {"x": x, "y": value, "color": {**color, "legend": None}}
            return spec
        x = self._x_dim(cat, axis={"labelAngle": 0 if cat.max_width <= 8 else -40})
        spec["width"] = {"step": 14 * len(self.measures) + 14}
        spec["encoding"] = {
            "x": x,
            "y": value,
            "color": color,
            "xOffset": {"field": "__measure", "sort": color["sort"]},
        }
        return spec

    def stacked_folded(self, cat: _Column, *, normalize: bool) -> dict[str, Any]:
        spec, color, value = self._folded("stacked_bar")
        value["stack"] = "normalize" if normalize else True
        if normalize:
            value["axis"] = {"format": ".0%"}
        spec["mark"] = {"type": "bar", "tooltip": True}
        spec["width"], spec["height"] = WIDTH, {"step": 22}
        spec["encoding"] = {"y": self._x_dim(cat), "x": value, "color": color}
        return spec

    def stacked(self, cat: _Column, series: _Column, m: _Column, *, normalize: bool) -> dict[str, Any] | None:
        if cat.distinct > 30 or series.distinct > MAX_SERIES:
            if series.distinct <= 30 and cat.distinct <= MAX_SERIES:
                cat, series = series, cat
            else:
                return None
        spec = self._base("stacked_bar")
        y = self._y(m, stack="normalize" if normalize else True)
        if normalize:
            y["axis"] = {"format": ".0%"}
        x = self._x_dim(cat, axis={"labelAngle": 0 if cat.max_width <= 8 else -40})
        if cat.kind == "temporal":
            x["type"] = "ordinal"
        spec["mark"] = {"type": "bar", "tooltip": True}
        spec["width"], spec["height"] = (WIDTH if cat.distinct <= 12 else {"step": 28}), HEIGHT
        spec["encoding"] = {
            "x": x,
            "y": y,
            "color": {"field": field_ref(series.name), "type": "nominal", "title": series.name},
            "tooltip": self._tooltip(cat, series, m),
        }
        return spec

    def line(
        self,
        *,
        x: _Column | None = None,
        y: _Column | None = None,
        series: _Column | None = None,
        mark: str = "line",
    ) -> dict[str, Any] | None:
        x = x or self.times[0]
        y = y or self.measures[0]
        if series is not None and series.distinct > MAX_SERIES:
            return None
        spec = self._base(mark if series is None else f"multi_{mark}")
        spec["mark"] = {"type": mark, "point": self.n <= 60, "tooltip": True}
        if mark == "area":
            spec["mark"]["opacity"] = 0.8
        spec["width"], spec["height"] = WIDTH, HEIGHT
        enc: dict[str, Any] = {"x": self._x_dim(x), "y": self._y(y)}
        if x.kind == "number":
            spec["transform"] = [{"filter": {"field": field_ref(x.name), "valid": True}}]
            enc["x"]["sort"] = "ascending"
        if series is not None:
            enc["color"] = {"field": field_ref(series.name), "type": "nominal", "title": series.name}
        enc["tooltip"] = self._tooltip(*(c for c in (x, series, y) if c is not None))
        spec["encoding"] = enc
        return spec

    def line_folded(self, *, x: _Column | None = None, mark: str = "line") -> dict[str, Any]:
        x = x or self.times[0]
        spec, color, value = self._folded(f"multi_{mark}")
        spec["mark"] = {"type": mark, "point": self.n <= 60, "tooltip": True}
        spec["width"], spec["height"] = WIDTH, HEIGHT
        spec["encoding"] = {"x": self._x_dim(x), "y": value, "color": color}
        return spec

    def histogram(self, m: _Column) -> dict[str, Any]:
        spec = self._base("histogram")
        spec["mark"] = {"type": "bar", "tooltip": True}
        spec["width"], spec["height"] = WIDTH, HEIGHT
        spec["encoding"] = {
            "x": {
                "field": field_ref(m.name),
                "type": "quantitative",
                "bin": {"maxbins": 20},
                "title": m.name,
                "axis": {"format": number_format(m)},
            },
            "y": {"aggregate": "count", "type": "quantitative", "title": self._t("数量", "count")},
        }
        return spec

    def scatter(self, a: _Column, b: _Column, *, series: _Column | None = None) -> dict[str, Any]:
        spec = self._base("scatter")
        spec["mark"] = {"type": "point", "filled": True, "size": 60, "tooltip": True}
        spec["width"], spec["height"] = WIDTH, HEIGHT
        spec["encoding"] = {
            "x": self._y(a, scale={"zero": False}),
            "y": self._y(b, scale={"zero": False}),
            "tooltip": self._tooltip(*(c for c in (series, a, b) if c is not None)),
        }
        if series is not None:
            spec["encoding"]["color"] = {
                "field": field_ref(series.name),
                "type": "nominal",
                "title": series.name,
            }
        return spec

    def pie_folded(self) -> dict[str, Any]:
        """One row of several shares (e.g. ``a_sales, b_sales``) as a pie of its columns."""
        rows = [{"__measure": m.name, "__value": self.data[0][m.name]} for m in self.measures]
        name = self._t("指标", "measure")
        shape = _Shape(
            self.question,
            [
                _Column(name="__measure", kind="text", distinct=len(rows), unique=True),
                _Column(name="__value", kind="number", distinct=len(rows), unique=False),
            ],
            rows,
            self.intent,
        )
        spec = shape.pie(shape.cols[0], shape.cols[1])
        spec["encoding"]["color"]["title"] = name
        spec["encoding"]["theta"]["title"] = self._t("数值", "value")
        return spec


#: axis label formats per time unit: (Chinese, English); empty = Vega-Lite's default
_TIME_FORMATS = {
    "utcyear": ("%Y年", "%Y"),
    "utcyearmonth": ("%Y年%-m月", "%b %Y"),
    "utcyearmonthdate": ("%-m月%-d日", ""),
}


def _merge(ms: list[_Column]) -> _Column:
    return _Column(
        name="",
        kind="number",
        distinct=0,
        unique=False,
        ratio=all(m.ratio for m in ms),
        integers=all(m.integers for m in ms),
        max_abs=max(m.max_abs for m in ms),
    )


def _share_transform(name: str) -> list[dict[str, Any]]:
    return [
        {"joinaggregate": [{"op": "sum", "field": field_ref(name), "as": "__total"}]},
        {"calculate": f"datum[{_js_string(name)}] / datum.__total", "as": "__share"},
    ]


def _js_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


def field_ref(name: str) -> str:
    """A column name as a Vega-Lite field: dots and brackets would otherwise mean nesting."""
    return re.sub(r"([.\[\]\\])", r"\\\1", name)


def number_format(col: _Column, *, tooltip: bool = False) -> str:
    """A d3 format: percentages for 0–1 shares, SI suffixes for millions, thousands separators."""
    if col.ratio:
        return ".1%"
    if col.max_abs >= 1e6 and not tooltip:
        return "~s"
    if tooltip:
        return ",d" if col.integers else ",.2f"
    return ",~f"


def chart_title(question: str, limit: int = 40) -> str:
    """The question as a chart title: request phrases and trailing punctuation removed, kept short."""
    title = _REQUEST_PHRASE.sub("", question).strip()
    title = re.sub(r"[\s?？。.!！，,;；:：]+$", "", title) or question.strip()
    limit = limit if is_chinese(title) else limit * 2
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"
