"""Analysis questions through the Python path with the real embedded model (slow).

Each known answer is computed here from the same rows with plain Python; the model's pandas code runs
in the bubblewrap sandbox. Numbers are compared with a tolerance, because "the slope" may come back
rounded.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterator
from pathlib import Path

import pytest
from sandbox_support import require_sandbox

from tablepilot import Session
from tablepilot.answer import Answer
from tablepilot.llm.model_store import status
from tablepilot.pipeline import AskOptions

pytestmark = pytest.mark.slow

VISITS = [120, 132, 128, 141, 150, 147, 158, 163, 170, 168, 900, 181, 190, 186, 199, 205, 3, 214, 220, 226]
REGIONS = {
    "East": (100.0, 130.0),
    "West": (80.0, 72.0),
    "North": (50.0, 60.0),
}  # revenue 2022, 2023 per quarter
ADS = [3.0, 5.0, 4.0, 6.0]


def _quarter_rows() -> list[tuple[int, str, int, float, float]]:
    rows = []
    for year in (2022, 2023):
        for region, base in REGIONS.items():
            for q, ads in enumerate(ADS, 1):
                revenue = base[0 if year == 2022 else 1] + 10 * ads + q
                rows.append((year, region, q, revenue, ads))
    return rows


@pytest.fixture(scope="module")
def model_path() -> Path:
    pytest.importorskip("llama_cpp", reason="needs the [local] extra: make install")
    require_sandbox()
    st = status("default")
    if not st.exists:
        pytest.skip("embedded model not installed: run `tablepilot model install`")
    return Path(st.path)


@pytest.fixture(scope="module")
def visits(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    p = tmp_path_factory.mktemp("py") / "visits.csv"
    p.write_text("day,visits\n" + "".join(f"{d},{v}\n" for d, v in enumerate(VISITS, 1)), encoding="utf-8")
    with Session([p], backend="llama.cpp", model=str(model_path)) as s:
        yield s


@pytest.fixture(scope="module")
def sales(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    p = tmp_path_factory.mktemp("py") / "sales.csv"
    lines = "".join(f"{y},{r},{q},{rev},{a}\n" for y, r, q, rev, a in _quarter_rows())
    p.write_text("year,region,quarter,revenue,ads\n" + lines, encoding="utf-8")
    with Session([p], backend="llama.cpp", model=str(model_path)) as s:
        yield s


def numbers(answer: Answer) -> list[float]:
    found = []
    for row in answer.rows:
        for v in row:
            if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
                found.append(float(v))
    return found


def close_to(answer: Answer, expected: float, rel: float = 0.01) -> bool:
    return any(math.isclose(v, expected, rel_tol=rel, abs_tol=0.01) for v in numbers(answer))


def ask(session: Session, question: str, method: str = "auto") -> Answer:
    session.reset()
    session.options = AskOptions(method=method)  # type: ignore[arg-type]
    answer = session.ask(question)
    assert answer.error is None, (answer.error, answer.attempts)
    assert answer.method == "python" and answer.code, answer.sql
    return answer


def _iqr_outliers(values: list[int]) -> int:
    import numpy as np

    q1, q3 = np.percentile(values, [25, 75])
    low, high = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
    return sum(1 for v in values if v < low or v > high)


def test_mean(visits: Session) -> None:
    a = ask(visits, "What is the mean number of visits?", method="python")
    assert close_to(a, statistics.mean(VISITS)), (a.code, a.rows)


def test_median(visits: Session) -> None:
    a = ask(visits, "访问量的中位数是多少？", method="python")
    assert close_to(a, statistics.median(VISITS)), (a.code, a.rows)


def test_linear_trend_slope(visits: Session) -> None:
    a = ask(visits, "What is the slope of the linear trend of visits over days?")
    slope = statistics.linear_regression(range(1, len(VISITS) + 1), VISITS).slope
    assert close_to(a, slope), (a.code, a.rows)


def test_outlier_count_by_iqr(visits: Session) -> None:
    a = ask(visits, "How many outliers are there in visits by the 1.5 IQR rule?")
    assert close_to(a, _iqr_outliers(VISITS)), (a.code, a.rows)


def test_correlation(sales: Session) -> None:
    rows = _quarter_rows()
    a = ask(sales, "What is the correlation between ads and revenue?")
    assert close_to(a, statistics.correlation([r[4] for r in rows], [r[3] for r in rows])), (a.code, a.rows)


def test_groupwise_percent_change(sales: Session) -> None:
    a = ask(sales, "For each region, what is the percent change of total revenue from 2022 to 2023?")
    rows = _quarter_rows()
    for region in REGIONS:
        before = sum(r[3] for r in rows if r[1] == region and r[0] == 2022)
        after = sum(r[3] for r in rows if r[1] == region and r[0] == 2023)
        change = (after - before) / before
        assert close_to(a, change * 100) or close_to(a, change), (region, a.code, a.rows)
