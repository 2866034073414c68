"""The sandbox gives pandas/scipy/statsmodels answers with known values and keeps a warm session."""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from sandbox_support import require_sandbox

from tablepilot.sandbox import BubblewrapSandbox, Limits

require_sandbox()

SALES = pa.table(
    {
        "region": ["east", "east", "west", "west", "north", "north"],
        "year": [2023, 2024, 2023, 2024, 2023, 2024],
        "amount": [100.0, 150.0, 200.0, 180.0, 50.0, 75.0],
    }
)
TREND = pa.table({"x": [1, 2, 3, 4, 5, 6, 7, 8], "y": [3.0, 5.0, 7.0, 9.0, 11.0, 13.0, 15.0, 17.0]})
# 1..10 plus two far outliers: Q1=3.75, Q3=9.25 (pandas linear), IQR=5.5 → fences −4.5 and 17.5
OUTLIERS = pa.table({"v": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100, -50]})
CN = pa.table({"地区": ["华东", "华北"], "销售额": [10, 30]})


@pytest.fixture(scope="module")
def sandbox() -> Iterator[BubblewrapSandbox]:
    sb = BubblewrapSandbox()
    sb.start({"sales": SALES, "trend": TREND, "outliers": OUTLIERS, "销售": CN})
    yield sb
    sb.close()


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("sales.amount.mean()", 125.833333333),
        ("sales['amount'].median()", 125.0),
        ("trend.x.corr(trend.y)", 1.0),
        ("from scipy import stats\nstats.linregress(trend.x, trend.y).slope", 2.0),
        (("import statsmodels.api as sm\nsm.OLS(trend.y, sm.add_constant(trend.x)).fit().params['x']"), 2.0),
        (
            (
                "q1, q3 = outliers.v.quantile([0.25, 0.75])\niqr = q3 - q1\n"
                "result = int(((outliers.v < q1 - 1.5 * iqr) | (outliers.v > q3 + 1.5 * iqr)).sum())"
            ),
            2,
        ),
        ("tables['销售']['销售额'].sum()", 40),
        ("销售.loc[销售['销售额'].idxmax(), '地区']", "华北"),
    ],
)
def test_known_values(sandbox: BubblewrapSandbox, code: str, expected: object) -> None:
    r = sandbox.run(code)
    assert r.error is None, r.error
    assert r.kind == "scalar"
    if isinstance(expected, float):
        assert math.isclose(r.value, expected, rel_tol=1e-6)
    else:
        assert r.value == expected


def test_groupwise_percent_change(sandbox: BubblewrapSandbox) -> None:
    code = (
        "s = sales.sort_values('year')\n"
        "s.assign(change=s.groupby('region').amount.pct_change())"
        ".dropna()[['region', 'change']].sort_values('region')"
    )
    r = sandbox.run(code)
    assert r.error is None, r.error
    assert r.kind == "table" and r.columns == ["region", "change"]
    got = {row[0]: row[1] for row in r.rows}
    assert got == pytest.approx({"east": 0.5, "north": 0.5, "west": -0.1})


def test_series_comes_back_with_its_index(sandbox: BubblewrapSandbox) -> None:
    r = sandbox.run("sales.groupby('region').amount.sum().sort_index()")
    assert r.kind == "table" and r.columns == ["region", "amount"]
    assert r.rows == [["east", 250.0], ["north", 125.0], ["west", 380.0]]


def test_list_none_and_json_safe_cells(sandbox: BubblewrapSandbox) -> None:
    assert sandbox.run("sorted(sales.region.unique())").value == ["east", "north", "west"]
    assert sandbox.run("x = 1").kind == "none"
    r = sandbox.run("pd.DataFrame({'a': [1.5, float('nan')], 't': pd.to_datetime(['2024-01-02', None])})")
    assert r.rows == [[1.5, "2024-01-02T00:00:00"], [None, None]]


def test_result_variable_and_stdout(sandbox: BubblewrapSandbox) -> None:
    r = sandbox.run("print('working')\nresult = len(sales)\nprint('done')")
    assert (r.kind, r.value) == ("scalar", 6)
    assert r.stdout == "working\ndone\n"


def test_variables_persist_between_runs(sandbox: BubblewrapSandbox) -> None:
    assert sandbox.run("east = sales[sales.region == 'east']").ok
    r = sandbox.run("east.amount.sum() * 2")
    assert r.value == 500.0
    assert r.seconds < 1.0


def test_error_carries_the_traceback_of_the_code(sandbox: BubblewrapSandbox) -> None:
    r = sandbox.run("x = 1\nsales['no_such_column']")
    assert r.error is not None
    assert "KeyError" in r.error and "no_such_column" in r.error and 'File "<code>", line 2' in r.error
    assert "worker.py" not in r.error
    name_error = sandbox.run("undefined_name").error or ""
    assert name_error.rstrip().endswith("NameError: name 'undefined_name' is not defined")
    assert "SyntaxError" in (sandbox.run("def (").error or "")


def test_single_table_is_also_df(tmp_path: Path) -> None:
    with BubblewrapSandbox() as sb:
        sb.start({"only one": SALES})
        assert sb.run("len(df) + len(tables['only one'])").value == 12


def test_worker_restarts_after_a_crash_with_a_clear_note(tmp_path: Path) -> None:
    with BubblewrapSandbox() as sb:
        sb.start({"t": TREND})
        assert sb.run("keep = 41").ok
        died = sb.run("import os\nos.kill(os.getpid(), 9)")
        assert died.error is not None and "stopped while running" in died.error
        again = sb.run("keep")
        assert again.error is not None and "NameError" in again.error
        assert any("restarted" in note for note in again.notes)
        assert sb.run("t.y.sum()").value == 80.0


def test_files_are_removed_on_close() -> None:
    sb = BubblewrapSandbox(Limits(memory_mb=1024))
    sb.start({"t": TREND})
    tmp = sb._tmp
    assert tmp is not None and (tmp / "data" / "0.parquet").exists()
    proc = sb._proc
    sb.close()
    assert not tmp.exists()
    assert proc is not None and proc.poll() is not None
    assert not any(str(tmp) in _cmdline(pid) for pid in _pids())


def _pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
    except OSError:
        return ""
