"""The `tablepilot` command end to end: a real process, real files, a real OpenAI-compatible HTTP server."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from llm.openai_stub import Reply, ScriptedOpenAIServer

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def fenced(sql: str) -> str:
    return f"```sql\n{sql}\n```"


def run_cli(
    args: Sequence[str],
    *,
    home: Path,
    base_url: str | None = None,
    stdin: str | None = None,
    extra_env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TABLEPILOT_", "OPENAI_"))}
    env["TABLEPILOT_HOME"] = str(home)
    env["PYTHONIOENCODING"] = "utf-8"
    if base_url:
        env["TABLEPILOT_BASE_URL"] = base_url
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-m", "tablepilot", *args],
        check=False,
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    return h


def test_ask_against_openai_compatible_server(home: Path) -> None:
    sql = 'SELECT "地区" FROM "sales" GROUP BY "地区" ORDER BY SUM("销售额") DESC LIMIT 1'
    before = digest(EXAMPLES / "sales.csv")
    with ScriptedOpenAIServer([fenced(sql)]) as server:
        r = run_cli(
            ["ask", str(EXAMPLES / "sales.csv"), "-q", "哪个地区的销售额最高？"],
            home=home,
            base_url=server.base_url,
        )
        request = server.chat_requests[0].json
    assert r.returncode == 0, r.stderr
    assert "答案：华南" in r.stdout and "SQL:" in r.stdout
    assert request["temperature"] == 0
    assert "哪个地区的销售额最高" in request["messages"][-1]["content"]
    assert digest(EXAMPLES / "sales.csv") == before


def test_ask_json_joins_two_files(home: Path) -> None:
    sql = (
        'SELECT c."name", SUM(o."amount") AS revenue FROM "orders" o JOIN "customers" c USING ("customer_id") '
        'WHERE year(o."order_date") = 2023 GROUP BY c."name" ORDER BY revenue DESC LIMIT 5'
    )
    with ScriptedOpenAIServer([fenced(sql)]) as server:
        r = run_cli(
            [
                "ask",
                str(EXAMPLES / "orders.csv"),
                str(EXAMPLES / "customers.csv"),
                "-q",
                "top 5 customers by 2023 revenue",
                "--json",
            ],
            home=home,
            base_url=server.base_url,
        )
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["columns"] == ["name", "revenue"] and len(d["rows"]) == 5
    assert d["answer"] == [row[0] for row in d["rows"]]
    revenues = [row[1] for row in d["rows"]]
    assert revenues == sorted(revenues, reverse=True)
    assert d["backend"] == "openai" and d["model"] == "stub-model" and d["error"] is None
    assert d["prompt_tokens"] == 11 and d["completion_tokens"] == 7
    assert d["chart"] is not None and d["chart"]["usermeta"]["chart"] == "bar"


def test_chat_follow_up_uses_previous_turn(home: Path) -> None:
    replies = [
        fenced('SELECT SUM("销售额") AS total FROM "sales"'),
        fenced('SELECT SUM("销售额") FROM "sales" WHERE "月份" LIKE \'2023%\''),
    ]
    with ScriptedOpenAIServer(replies) as server:
        r = run_cli(
            ["chat", str(EXAMPLES / "sales.csv")],
            home=home,
            base_url=server.base_url,
            stdin="总销售额是多少？\n/sql\n只看2023年的呢？\n/quit\n",
        )
        second = server.chat_requests[1].json["messages"]
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("答案：") == 2
    text = "\n".join(m["content"] for m in second)
    assert "总销售额是多少" in text and 'SUM("销售额") AS total' in text


def test_chart_is_saved(home: Path, tmp_path: Path) -> None:
    pytest.importorskip("vl_convert")
    sql = 'SELECT "地区", SUM("销售额") AS "销售额" FROM "sales" GROUP BY 1 ORDER BY 2 DESC'
    out = tmp_path / "chart.png"
    with ScriptedOpenAIServer([fenced(sql)]) as server:
        r = run_cli(
            ["ask", str(EXAMPLES / "sales.csv"), "-q", "对比各地区的销售额", "--chart", str(out)],
            home=home,
            base_url=server.base_url,
        )
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 5000


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _assert_one_clear_error(r: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert r.returncode != 0
    assert "Traceback" not in r.stderr + r.stdout
    assert r.stderr.startswith("error:"), r.stderr
    for needle in needles:
        assert needle in r.stderr, r.stderr


BAD_FILES = {
    "missing": (None, "does not exist"),
    "directory": ("dir", "directory"),
    "empty.csv": (b"", "empty"),
    "junk.csv": (bytes(range(256)) * 40, "junk.csv"),
    "corrupt.xlsx": (b"PK\x03\x04 definitely not a workbook", "corrupt.xlsx"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_input_gives_one_clear_line_and_leaves_the_file_alone(
    name: str, home: Path, tmp_path: Path
) -> None:
    content, needle = BAD_FILES[name]
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    before = digest(path) if path.is_file() else None
    r = run_cli(["ask", str(path), "-q", "how many rows?"], home=home, base_url="http://127.0.0.1:9/v1")
    _assert_one_clear_error(r)
    assert needle.lower() in r.stderr.lower()
    assert r.returncode == 2
    if before is not None:
        assert digest(path) == before


def test_no_backend_configured_names_both_fixes(home: Path) -> None:
    r = run_cli(["ask", str(EXAMPLES / "sales.csv"), "-q", "how many rows?"], home=home)
    _assert_one_clear_error(r, "tablepilot model install", "TABLEPILOT_BASE_URL")
    assert r.returncode == 3


def test_backend_unreachable(home: Path) -> None:
    r = run_cli(
        ["ask", str(EXAMPLES / "sales.csv"), "-q", "how many rows?"],
        home=home,
        base_url=f"http://127.0.0.1:{_closed_port()}/v1",
        extra_env={"TABLEPILOT_MODEL": "m"},
    )
    assert r.returncode == 4 and "Traceback" not in r.stderr
    assert "cannot reach" in r.stderr.lower() or "connect" in r.stderr.lower()


def test_backend_timeout(home: Path) -> None:
    with ScriptedOpenAIServer([Reply(content="SELECT 1", delay=5)]) as server:
        r = run_cli(
            ["ask", str(EXAMPLES / "sales.csv"), "-q", "how many rows?"],
            home=home,
            base_url=server.base_url,
            extra_env={"TABLEPILOT_TIMEOUT": "1", "TABLEPILOT_MODEL": "m"},
        )
    assert r.returncode == 4 and "Traceback" not in r.stderr
    assert "time" in r.stderr.lower()


def test_backend_returning_no_sql(home: Path) -> None:
    with ScriptedOpenAIServer(["I am just a chatbot."] * 3) as server:
        r = run_cli(
            ["ask", str(EXAMPLES / "sales.csv"), "-q", "how many rows?"], home=home, base_url=server.base_url
        )
    assert r.returncode == 4 and "Traceback" not in r.stderr
    assert "without an SQL query" in r.stderr


def test_describe_shows_columns(home: Path) -> None:
    r = run_cli(["describe", str(EXAMPLES / "sales.csv")], home=home)
    assert r.returncode == 0, r.stderr
    assert 'Table "sales" (360 rows)' in r.stdout and '"华南"' not in r.stdout and "'华南'" in r.stdout


def test_eval_runs_a_suite_with_the_fake_backend(home: Path, tmp_path: Path) -> None:
    suite = tmp_path / "mini"
    (suite / "tables").mkdir(parents=True)
    (suite / "tables" / "t.csv").write_text(
        '"Year","Team"\n"2001","Reds"\n"2004","Blues"\n', encoding="utf-8"
    )
    (suite / "suite.json").write_text(
        json.dumps(
            {
                "name": "mini",
                "kind": "table-qa",
                "metric": "denotation",
                "source": "test",
                "license": "-",
                "count": 2,
            }
        )
    )
    qs = [
        {"id": "q1", "question": "last year?", "tables": ["tables/t.csv"]},
        {"id": "q2", "question": "first team?", "tables": ["tables/t.csv"]},
    ]
    (suite / "questions.jsonl").write_text("\n".join(json.dumps(q) for q in qs) + "\n")
    (suite / "answers.jsonl").write_text(
        '{"id": "q1", "answers": ["2004"], "canon": ["2004.0"]}\n{"id": "q2", "answers": ["Reds"], "canon": ["Reds"]}\n'
    )
    out = tmp_path / "pred.jsonl"
    replies = json.dumps([fenced('SELECT MAX("Year") FROM "t_t"'), fenced("SELECT 'Greens'")])
    r = run_cli(
        ["eval", str(suite), "--backend", "fake", "--out", str(out)],
        home=home,
        extra_env={"TABLEPILOT_FAKE_REPLIES": replies},
    )
    assert r.returncode == 0, r.stderr
    preds = [json.loads(line) for line in out.read_text().splitlines()]
    assert [p["id"] for p in preds] == ["q1", "q2"]
    assert preds[0]["answer"] == ["2004"]
    assert "50.0" in r.stdout
    every = tmp_path / "every.jsonl"
    r = run_cli(
        ["eval", str(suite), "--backend", "fake", "--every", "2", "--out", str(every)],
        home=home,
        extra_env={"TABLEPILOT_FAKE_REPLIES": replies},
    )
    assert r.returncode == 0, r.stderr
    assert [json.loads(line)["id"] for line in every.read_text().splitlines()] == ["q1"]
    assert "100.0% (1/1)" in r.stdout
    r = run_cli(
        ["eval", str(suite), "--backend", "fake", "--every", "2", "--start", "1", "--out", str(every)],
        home=home,
        extra_env={"TABLEPILOT_FAKE_REPLIES": json.dumps([fenced("SELECT 'Greens'")])},
    )
    assert r.returncode == 0, r.stderr
    assert [json.loads(line)["id"] for line in every.read_text().splitlines()] == ["q2"]
    assert "0.0% (0/1)" in r.stdout
