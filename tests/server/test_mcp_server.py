"""`tablepilot mcp` as a real child process speaking JSON-RPC 2.0 over stdio, as an MCP client would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import BY_REGION_SQL, SALES_CSV, fenced


class McpClient:
    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tablepilot.server_commands", "mcp", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        self.next_id = 0

    def send(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(message).encode() + b"\n")
        self.proc.stdin.flush()

    def request(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self.next_id += 1
        self.send(
            {
                "jsonrpc": "2.0",
                "id": self.next_id,
                "method": method,
                **({"params": params} if params is not None else {}),
            }
        )
        return self.read(self.next_id)

    def read(self, want_id: Any) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, self.proc.stderr.read().decode() if self.proc.stderr else "no output"
        response = json.loads(line)
        assert response["id"] == want_id and response["jsonrpc"] == "2.0"
        return response  # type: ignore[no-any-return]

    def call(self, tool: str, **arguments: Any) -> dict[str, Any]:
        return self.request("tools/call", {"name": tool, "arguments": arguments})["result"]  # type: ignore[no-any-return]

    def close(self) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        return self.proc.wait(30)


@pytest.fixture()
def client(tmp_path: Path) -> Any:
    csv = tmp_path / "sales.csv"
    csv.write_text(SALES_CSV, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TABLEPILOT_", "OPENAI_"))}
    env.update(
        TABLEPILOT_HOME=str(tmp_path / "home"), TABLEPILOT_FAKE_REPLIES=json.dumps([fenced(BY_REGION_SQL)])
    )
    c = McpClient([str(csv), "--backend", "fake"], env)
    yield c
    if c.proc.poll() is None:
        c.proc.kill()


def test_handshake_and_tools(client: McpClient) -> None:
    init = client.request(
        "initialize",
        {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
    )
    assert init["result"]["protocolVersion"] == "2025-06-18"
    assert init["result"]["capabilities"]["tools"] == {"listChanged": False}
    client.send({"jsonrpc": "2.0", "method": "notifications/initialized"})  # no reply expected
    tools = client.request("tools/list")["result"]["tools"]
    assert {t["name"] for t in tools} == {"list_tables", "describe_table", "ask", "run_readonly_sql"}
    assert all(t["inputSchema"]["type"] == "object" for t in tools)

    listed = client.call("list_tables")
    assert not listed["isError"] and listed["structuredContent"]["tables"][0]["name"] == "sales"
    assert json.loads(listed["content"][0]["text"]) == listed["structuredContent"]

    desc = client.call("describe_table", name="sales", sample_rows=2)["structuredContent"]
    assert [c["name"] for c in desc["columns"]] == ["region", "product", "amount"]
    assert desc["sample"]["rows"] == [["East", "laptop", 1200], ["East", "phone", 800]]
    assert "region" in desc["description"]

    rows = client.call("run_readonly_sql", sql="SELECT SUM(amount) AS s FROM sales")
    assert not rows["isError"] and rows["structuredContent"]["rows"] == [[3450]]

    answer = client.call("ask", question="total by region")
    assert not answer["isError"]
    assert answer["structuredContent"]["rows"] == [["East", 2000], ["West", 1000], ["North", 450]]
    assert answer["structuredContent"]["sql"] == BY_REGION_SQL
    assert client.close() == 0


def test_writes_files_and_bad_requests_are_refused(client: McpClient) -> None:
    client.request("initialize", {"protocolVersion": "2024-11-05"})
    for sql in ("DROP TABLE sales", "COPY sales TO '/tmp/x.csv'", "SELECT * FROM read_csv('/etc/passwd')"):
        result = client.call("run_readonly_sql", sql=sql)
        assert result["isError"], sql
        assert result["structuredContent"]["error"]["code"] in {"guard_error", "query_error"}
    still = client.call("run_readonly_sql", sql="SELECT COUNT(*) FROM sales")
    assert still["structuredContent"]["rows"] == [[5]]

    assert client.call("describe_table", name="nope")["isError"]
    assert client.request("tools/call", {"name": "no_such_tool"})["error"]["code"] == -32602
    assert client.request("resources/list")["error"]["code"] == -32601
    client.send({"jsonrpc": "2.0", "id": 99, "method": "tools/call", "params": "not an object"})
    assert client.read(99)["error"]["code"] == -32602
    assert client.proc.stdin is not None
    client.proc.stdin.write(b"{not json\n")
    client.proc.stdin.flush()
    assert client.read(None)["error"]["code"] == -32700
    assert client.request("ping")["result"] == {}
    assert client.close() == 0
