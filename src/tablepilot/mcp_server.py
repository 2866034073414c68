"""`tablepilot mcp`: the loaded tables as Model Context Protocol tools, over stdio.

A minimal JSON-RPC 2.0 implementation of the MCP stdio transport (one JSON message per line):
``initialize``, ``ping``, ``tools/list`` and ``tools/call``. It needs no SDK, so the command works in a
plain install; the official ``mcp`` package was in the middle of an incompatible 1.x → 2.x rename.

Tools: ``list_tables``, ``describe_table``, ``ask`` (the full pipeline; needs an LLM backend, resolved
on first use) and ``run_readonly_sql`` (the caller's SQL, through ``check_readonly`` and the locked
engine). Tool failures come back as ``isError`` results carrying the error JSON, never as crashes.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from typing import IO, Any

from tablepilot.answer import Answer, json_cell
from tablepilot.errors import InputError, TablepilotError

PROTOCOL_VERSIONS = ("2025-06-18", "2025-03-26", "2024-11-05")
SERVER_INFO = {"name": "tablepilot", "version": "0.1.0"}

PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS = -32700, -32600, -32601, -32602

TOOLS: list[dict[str, Any]] = [
    {
        "name": "list_tables",
        "description": "List the loaded tables with their row counts and column names.",
        "inputSchema": {"type": "object", "properties": {}, "additionalProperties": False},
    },
    {
        "name": "describe_table",
        "description": "Columns with types, value statistics and the first rows of one table.",
        "inputSchema": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "description": "table name from list_tables"},
                "sample_rows": {"type": "integer", "minimum": 0, "maximum": 50, "default": 5},
            },
            "required": ["name"],
            "additionalProperties": False,
        },
    },
    {
        "name": "ask",
        "description": (
            "Answer a question about the tables in Chinese or English. The answer's numbers come from an "
            "executed SQL query, returned with the rows and the SQL."
        ),
        "inputSchema": {
            "type": "object",
            "properties": {"question": {"type": "string", "minLength": 1}},
            "required": ["question"],
            "additionalProperties": False,
        },
    },
    {
        "name": "run_readonly_sql",
        "description": "Run one read-only DuckDB SELECT over the loaded tables (writes and file access are refused).",
        "inputSchema": {
            "type": "object",
            "properties": {
                "sql": {"type": "string", "minLength": 1},
                "max_rows": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 200},
            },
            "required": ["sql"],
            "additionalProperties": False,
        },
    },
]


class RpcError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class McpServer:
    def __init__(self, sources: list[str], backend: Mapping[str, Any], *, llm: Any = None) -> None:
        from tablepilot.engines.duckdb_engine import open_sources

        self.engine = open_sources(sources)
        self._backend = {k: v for k, v in backend.items() if v is not None}
        self._llm = llm
        self._session: Any = None
        self._lock = threading.Lock()
        self._tools: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "list_tables": self.list_tables,
            "describe_table": self.describe_table,
            "ask": self.ask,
            "run_readonly_sql": self.run_readonly_sql,
        }

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
        self.engine.close()

    # -- tools ---------------------------------------------------------------------------------------

    def list_tables(self, _args: dict[str, Any]) -> dict[str, Any]:
        return {
            "tables": [
                {
                    "name": t.name,
                    "rows": t.row_count,
                    "columns": t.column_names,
                    "source": t.source,
                    "sheet": t.sheet,
                }
                for t in self.engine.tables()
            ]
        }

    def describe_table(self, args: dict[str, Any]) -> dict[str, Any]:
        from tablepilot.data.names import quote_ident
        from tablepilot.profile import describe_tables, profile_table

        name = _str_arg(args, "name")
        table = next((t for t in self.engine.tables() if t.name == name), None)
        if table is None:
            names = ", ".join(t.name for t in self.engine.tables())
            raise InputError(f"no table named {name!r}", hint=f"call list_tables; tables: {names}")
        sample = _int_arg(args, "sample_rows", 5, 0, 50)
        rows = self.engine.execute(
            f"SELECT * FROM {quote_ident(name)} LIMIT {sample}", max_rows=max(sample, 1)
        )
        profile = profile_table(self.engine.connection, table)
        return {
            "name": table.name,
            "rows": table.row_count,
            "columns": [{"name": c.name, "type": c.type} for c in table.columns],
            "description": describe_tables([profile], budget_tokens=4000),
            "sample": {
                "columns": rows.columns,
                "rows": [[json_cell(v) for v in r] for r in rows.rows[:sample]],
            },
            "notes": list(table.notes),
        }

    def ask(self, args: dict[str, Any]) -> dict[str, Any]:
        question = _str_arg(args, "question")
        if self._session is None:
            from tablepilot.session import Session

            if self._llm is None:
                from tablepilot.llm.resolve import resolve_backend

                self._llm = resolve_backend(**self._backend)
            self._session = Session(engine=self.engine, llm=self._llm)
        answer: Answer = self._session.ask(question)
        return answer.to_dict()

    def run_readonly_sql(self, args: dict[str, Any]) -> dict[str, Any]:
        from tablepilot.sql.guard import check_readonly

        sql = _str_arg(args, "sql")
        max_rows = _int_arg(args, "max_rows", 200, 1, 10000)
        safe = check_readonly(sql, dialect=self.engine.dialect, tables=[t.name for t in self.engine.tables()])
        result = self.engine.execute(safe, max_rows=max_rows)
        return {
            "sql": safe,
            "columns": result.columns,
            "rows": [[json_cell(v) for v in r] for r in result.rows],
            "truncated": result.truncated,
        }

    # -- protocol ------------------------------------------------------------------------------------

    def handle(self, message: Any) -> dict[str, Any] | None:
        """One JSON-RPC message in, its response out (None for notifications)."""
        if (
            not isinstance(message, dict)
            or message.get("jsonrpc") != "2.0"
            or not isinstance(message.get("method"), str)
        ):
            if (
                isinstance(message, dict)
                and "method" not in message
                and ("result" in message or "error" in message)
            ):
                return None  # a response to a request we never send; ignore
            return _error(
                message.get("id") if isinstance(message, dict) else None,
                INVALID_REQUEST,
                "not a JSON-RPC 2.0 request",
            )
        msg_id = message.get("id")
        is_notification = "id" not in message
        try:
            result = self._dispatch(message["method"], message.get("params") or {})
        except RpcError as exc:
            return None if is_notification else _error(msg_id, exc.code, exc.message)
        if is_notification:
            return None
        return {"jsonrpc": "2.0", "id": msg_id, "result": result}

    def _dispatch(self, method: str, params: Any) -> dict[str, Any]:
        if not isinstance(params, dict):
            raise RpcError(INVALID_PARAMS, "params must be an object")
        if method == "initialize":
            wanted = params.get("protocolVersion")
            version = wanted if wanted in PROTOCOL_VERSIONS else PROTOCOL_VERSIONS[0]
            return {
                "protocolVersion": version,
                "capabilities": {"tools": {"listChanged": False}},
                "serverInfo": SERVER_INFO,
                "instructions": "Tables loaded by tablepilot. Start with list_tables; prefer ask for questions.",
            }
        if method == "ping" or method.startswith("notifications/"):
            return {}
        if method == "tools/list":
            return {"tools": TOOLS}
        if method == "tools/call":
            return self._call(params)
        raise RpcError(METHOD_NOT_FOUND, f"method {method!r} is not supported")

    def _call(self, params: dict[str, Any]) -> dict[str, Any]:
        name, args = params.get("name"), params.get("arguments") or {}
        tool = self._tools.get(name) if isinstance(name, str) else None
        if tool is None:
            raise RpcError(INVALID_PARAMS, f"unknown tool {name!r}; call tools/list")
        if not isinstance(args, dict):
            raise RpcError(INVALID_PARAMS, "arguments must be an object")
        try:
            with self._lock:
                data = tool(args)
        except TablepilotError as exc:
            return _tool_result({"error": exc.to_dict()}, is_error=True)
        return _tool_result(data, is_error=tool == self.ask and data.get("error") is not None)

    def serve(self, stdin: IO[bytes], stdout: IO[bytes]) -> None:
        """Read requests line by line until EOF; every response is one line, flushed at once."""
        for raw in stdin:
            line = raw.strip()
            if not line:
                continue
            try:
                message = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                response: dict[str, Any] | None = _error(None, PARSE_ERROR, f"invalid JSON: {exc}")
            else:
                response = self.handle(message)
            if response is not None:
                stdout.write(json.dumps(response, ensure_ascii=False).encode("utf-8") + b"\n")
                stdout.flush()


def _tool_result(data: dict[str, Any], *, is_error: bool) -> dict[str, Any]:
    return {
        "content": [{"type": "text", "text": json.dumps(data, ensure_ascii=False)}],
        "structuredContent": data,
        "isError": is_error,
    }


def _error(msg_id: Any, code: int, message: str) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}}


def _str_arg(args: dict[str, Any], key: str) -> str:
    value = args.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"the {key!r} argument must be a non-empty string", hint=f"pass {key} as text")
    return value


def _int_arg(args: dict[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = args.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InputError(
            f"the {key!r} argument must be an integer from {low} to {high}", hint=f"e.g. {default}"
        )
    return value
