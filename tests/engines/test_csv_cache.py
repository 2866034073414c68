"""Big CSVs: parsed once in the background into a cached Parquet copy, reused while the files are unchanged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tablepilot.engines import csv_cache
from tablepilot.engines.inplace_engine import open_in_place
from tablepilot.pipeline import DataContext


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TABLEPILOT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TABLEPILOT_CSV_CACHE", raising=False)
    return tmp_path / "home"


def _logs(folder: Path, rows: int = 3000) -> str:
    folder.mkdir()
    for part in range(2):
        lines = ["day,region,amount"] + [
            f"2024-01-{1 + i % 28:02d},{['east', 'west', '华东'][i % 3]},{i % 50}.5" for i in range(rows)
        ]
        (folder / f"log-{part}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(folder / "*.csv")


def test_first_open_parses_in_the_background_and_later_opens_reuse_the_copy(
    tmp_path: Path, home: Path
) -> None:
    source = _logs(tmp_path / "logs")
    with open_in_place([source], sample_rows=500) as engine:
        info = engine.tables()[0]
        assert "being parsed" in info.notes[-1] and "estimated" in info.notes[-1]
        assert 5000 < info.row_count < 7000  # estimated from the file sizes
        assert DataContext.build(engine).profiles[0].sampled
        r = engine.execute("SELECT region, COUNT(*), SUM(amount) FROM logs GROUP BY 1 ORDER BY 1")
        assert r.rows == [["east", 2000, 50000.0], ["west", 2000, 50000.0], ["华东", 2000, 50000.0]]
        assert engine.tables()[0].row_count == 6000  # exact once parsed
    copies = list((home / "cache" / "csv-parquet").glob("*.parquet"))
    assert len(copies) == 1 and not list(copies[0].parent.glob("*.tmp"))
    with open_in_place([source]) as engine:
        info = engine.tables()[0]
        assert info.row_count == 6000 and "earlier" in info.notes[-1]
        assert {c.name: c.type for c in info.columns}["day"] == "DATE"
        assert engine.execute("SELECT COUNT(*) FROM logs WHERE region = '华东'").rows == [[2000]]
        secret = tmp_path / "secret.csv"
        secret.write_text("x\n1\n", encoding="utf-8")
        with pytest.raises(Exception, match="(?i)permission|not allowed|access"):  # still locked down
            engine.execute(f"SELECT * FROM read_csv('{secret}')")


def test_a_changed_file_gets_a_new_copy(tmp_path: Path, home: Path) -> None:
    source = _logs(tmp_path / "logs", rows=30)
    first = csv_cache.cache_path(sorted(str(p) for p in (tmp_path / "logs").glob("*.csv")))
    with (tmp_path / "logs" / "log-1.csv").open("a", encoding="utf-8") as f:
        f.write("2024-02-01,north,1.5\n")
    second = csv_cache.cache_path(sorted(str(p) for p in (tmp_path / "logs").glob("*.csv")))
    assert first != second
    with open_in_place([source]) as engine:
        assert engine.execute("SELECT COUNT(*) FROM logs WHERE region = 'north'").rows == [[1]]


def test_the_cache_can_be_switched_off(tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TABLEPILOT_CSV_CACHE", "0")
    source = _logs(tmp_path / "logs", rows=30)
    with open_in_place([source]) as engine:
        assert engine.tables()[0].row_count == 60 and "parsed once" in engine.tables()[0].notes[-1]
    assert not (home / "cache" / "csv-parquet").exists()


def test_row_estimates(tmp_path: Path) -> None:
    small = tmp_path / "s.csv"
    small.write_text("a\n1\n2\n3", encoding="utf-8")
    assert csv_cache.estimate_rows([str(small)]) == 3
    big = tmp_path / "b.csv"
    big.write_text("a,b\n" + "".join(f"{i},{i * 2}\n" for i in range(300_000)), encoding="utf-8")
    estimate = csv_cache.estimate_rows([str(big)])
    assert abs(estimate - 300_000) / 300_000 < 0.15, estimate
    assert os.path.getsize(big) > 1 << 20
