"""SQL or Python for a question: statistics that one SELECT expresses badly go to the sandbox.

A rule, not the model: a 1.5B model asked "SQL or Python?" answers inconsistently, while the words
that call for statistics (correlation, regression slope, outliers by IQR, percent change between
groups, forecasts) are few and stable in both languages.
"""

from __future__ import annotations

import re
from typing import Literal

Method = Literal["auto", "sql", "python"]

_PYTHON_WORDS = re.compile(
    r"(?i)\b(?:correlat\w*|regress\w*|slope|trend\s*line|linear\s+trend|line\s+of\s+best\s+fit|"
    r"outliers?|iqr|interquartile|z-?scores?|percent(?:age)?\s+change|%\s*change|growth\s+rates?|"
    r"pct_change|forecast\w*|predict\w*|extrapolat\w*|skew\w*|kurtosis|t-?test|significan\w*|"
    r"moving\s+average|rolling\s+(?:mean|average)|standard\s+deviation|variance|distribution)\b"
    r"|相关|回归|斜率|趋势线|线性趋势|异常值|离群|四分位|标准差|方差|增长率|增幅|变化率|环比|同比|预测|偏度|峰度|显著|移动平均|分布"
)


def choose_method(question: str, requested: Method = "auto") -> Literal["sql", "python"]:
    """``python`` for statistics words, else ``sql``; an explicit request wins."""
    if requested != "auto":
        return requested
    return "python" if _PYTHON_WORDS.search(question) else "sql"
