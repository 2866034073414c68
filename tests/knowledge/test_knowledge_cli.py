"""`tablepilot knowledge …`, `ask --explain/--knowledge` and chat feedback, as a real process."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

DATA = """c1,c2,qty_1,qty_2,amt_x,st
上海,手机,10,1,1000,N
江苏,电脑,5,0,5000,N
浙江,手机,8,2,800,R
北京,电脑,3,1,3000,N
"""


def run(args: Sequence[str], home: Path, replies: Sequence[str] = (), **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TABLEPILOT_", "OPENAI_"))}
    environ.update(TABLEPILOT_HOME=str(home), PYTHONIOENCODING="utf-8", **env)
    if replies:
        environ["TABLEPILOT_FAKE_REPLIES"] = json.dumps([f"```sql\n{r}\n```" for r in replies])
    stdin = environ.pop("STDIN", None)
    return subprocess.run(
        [sys.executable, "-m", "tablepilot", *args], check=False, input=stdin, capture_output=True, text=True, env=environ, timeout=120
    )


def one_clear_error(r: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "Traceback" not in r.stdout + r.stderr
    assert r.stderr.startswith("error:"), r.stderr
    for needle in needles:
        assert needle in r.stderr, r.stderr


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    p = tmp_path / "sales.csv"
    p.write_text(DATA, encoding="utf-8")
    return p


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    return h


def test_add_show_and_ask_with_metric_alias_and_explanation(data: Path, home: Path) -> None:
    before = digest(data)
    r = run(
        [
            "knowledge", "add", str(data),
            "--describe", "qty_2: 退货数量",
            "--metric", "GMV = sum(amt_x) where st != 'R'",
            "--describe", "GMV: 成交总额，不含退款",
            "--synonym", "华东=上海,江苏,浙江",
            "--synonym", "退货=qty_2",
        ],
        home,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    path = data.with_name("sales.knowledge.yaml")
    assert f"saved {path}" in r.stdout and "alias 华东 → c1 IN (上海, 江苏, 浙江)" in r.stdout
    shown = run(["knowledge", "show", str(data)], home)
    assert shown.returncode == 0 and "qty_2:" in shown.stdout and "synonyms: [退货]" in shown.stdout
    assert "GMV:" in shown.stdout and "filter: st <> 'R'" in shown.stdout

    r = run(
        ["ask", str(data), "-q", "华东的GMV是多少？", "--backend", "fake", "--explain", "--json"],
        home,
        ["SELECT \"GMV\" FROM \"sales\" WHERE \"c1\" = '华东'"],
    )
    assert r.returncode == 0, r.stderr
    answer = json.loads(r.stdout)
    assert answer["answer"] == ["6000"] and answer["metrics"] == ["GMV"]  # 1000 + 5000; 浙江's 800 was refunded
    assert "GMV 是业务指标" in answer["explanation"] and "c1 是 “上海”、“江苏”、“浙江” 之一" in answer["explanation"]
    r = run(["ask", str(data), "-q", "GMV?", "--backend", "fake", "--explain"], home, ['SELECT "GMV" FROM "sales"'])
    assert r.returncode == 0 and "Answer: 9000 (computed with the metric GMV)" in r.stdout
    assert "How the answer was computed:" in r.stdout
    assert digest(data) == before  # the data file is never touched


def test_a_metric_that_does_not_run_is_not_saved(data: Path, home: Path) -> None:
    r = run(["knowledge", "add", str(data), "--metric", "GMV = sum(金额)"], home)
    one_clear_error(r, "metric 'GMV'", "no column 金额")
    r = run(["knowledge", "add", str(data), "--metric", "GMV = sum(st)"], home)
    one_clear_error(r, "does not run on the data")
    r = run(["knowledge", "add", str(data), "--metric", "GMV = sum(amt_x"], home)
    one_clear_error(r, "not valid SQL")
    assert not data.with_name("sales.knowledge.yaml").exists()


MALFORMED = {
    "metrics:\n  GMV: {sql: sum(x)\n": "line 3",
    "version: 1\nmetrics:\n  - sum(amt_x)\n": "line 3",
    "tables:\n  sales:\n    colums: {}\n": "line 3",
    "metrics:\n  GMV:\n    sql: sum(amt_x) +\n": "line 3",
}


@pytest.mark.parametrize("text", sorted(MALFORMED))
def test_malformed_file_next_to_the_data_is_one_clear_error(text: str, data: Path, home: Path) -> None:
    path = data.with_name("sales.knowledge.yaml")
    path.write_text(text, encoding="utf-8")
    r = run(["ask", str(data), "-q", "how many rows?", "--backend", "fake"], home, ["SELECT 1"])
    one_clear_error(r, str(path), MALFORMED[text])
    one_clear_error(run(["knowledge", "show", str(data)], home), MALFORMED[text])


def test_ask_with_a_missing_knowledge_file(data: Path, home: Path, tmp_path: Path) -> None:
    r = run(["ask", str(data), "-q", "q", "--backend", "fake", "--knowledge", str(tmp_path / "nope.yaml")], home, ["SELECT 1"])
    one_clear_error(r, "does not exist")


def _editor(tmp_path: Path, new_text: str) -> str:
    """An $EDITOR that replaces the file it is given with ``new_text``."""
    script = tmp_path / "editor.py"
    script.write_text(
        f"import sys, pathlib\npathlib.Path(sys.argv[1]).write_text({new_text!r}, encoding='utf-8')\n", encoding="utf-8"
    )
    return f"{sys.executable} {script}"


def test_edit_saves_a_valid_file_verbatim_and_refuses_an_invalid_one(data: Path, home: Path, tmp_path: Path) -> None:
    path = data.with_name("sales.knowledge.yaml")
    good = "# our team's notes\nversion: 1\nmetrics:\n  GMV: sum(amt_x)   # 成交额\n"
    r = run(["knowledge", "edit", str(data)], home, EDITOR=_editor(tmp_path, good))
    assert r.returncode == 0, r.stderr
    assert path.read_text(encoding="utf-8") == good  # comments kept

    for bad, needle in [
        ("version: 1\nmetrics:\n  GMV: sum(amt_x\n", "line 3"),
        ("version: 1\nmetrics:\n  GMV: sum(amt_x)\n  退货率: sum(qty_9) / sum(qty_1)\n", "line 4"),
        ("version: 1\nmetric:\n  GMV: sum(amt_x)\n", "line 2"),
    ]:
        # the rejected edit is kept in the temporary directory (here the test's own, so none is left)
        r = run(["knowledge", "edit", str(data)], home, EDITOR=_editor(tmp_path, bad), TMPDIR=str(tmp_path))
        one_clear_error(r, needle)
        assert path.read_text(encoding="utf-8") == good  # the old file stays
        kept = r.stderr.split("your edit is in ", 1)[1].split()[0].rstrip(".")
        assert Path(kept).read_text(encoding="utf-8") == bad and Path(kept).parent == tmp_path


def test_edit_starts_from_a_template_listing_the_columns(data: Path, home: Path, tmp_path: Path) -> None:
    seen = tmp_path / "seen.yaml"
    script = tmp_path / "copy.py"
    script.write_text(f"import sys, shutil\nshutil.copy(sys.argv[1], {str(seen)!r})\n", encoding="utf-8")
    r = run(["knowledge", "edit", str(data)], home, EDITOR=f"{sys.executable} {script}")
    assert r.returncode == 0 and "no changes" in r.stdout
    template = seen.read_text(encoding="utf-8")
    assert "qty_2: ''" in template and "amt_x: ''" in template
    assert not data.with_name("sales.knowledge.yaml").exists()


def test_chat_fix_and_good_store_examples_used_by_later_questions(data: Path, home: Path) -> None:
    right = "SELECT SUM(\"qty_2\") FROM \"sales\" WHERE \"c1\" IN ('上海', '江苏', '浙江')"
    r = run(
        ["chat", str(data), "--backend", "fake"],
        home,
        ['SELECT SUM("qty_1") FROM "sales"', 'SELECT COUNT(*) FROM "sales"'],
        STDIN=f"华东的退货数量是多少？\n/fix {right}\n有多少行？\n/good\n/fix DROP TABLE sales\n/quit\n",
    )
    assert r.returncode == 0, r.stderr
    assert "答案：3" in r.stdout and r.stdout.count("remembered as an example") == 2
    assert "not stored" in r.stderr
    text = data.with_name("sales.knowledge.yaml").read_text(encoding="utf-8")
    assert "华东的退货数量是多少？" in text and "有多少行？" in text and "DROP" not in text


def test_describe_shows_what_the_knowledge_adds(data: Path, home: Path) -> None:
    assert run(["knowledge", "add", str(data), "--describe", "qty_2: 退货数量", "--metric", "GMV = sum(amt_x)"], home).returncode == 0
    r = run(["describe", str(data)], home)
    assert r.returncode == 0, r.stderr
    assert '"qty_2" BIGINT -- 退货数量;' in r.stdout and '"GMV" = SUM("amt_x")' in r.stdout
