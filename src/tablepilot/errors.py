"""The one error tree of tablepilot.

Every error a user can see says what went wrong (``message``) and what to do (``hint``), carries
structured data, and knows its CLI exit code and HTTP status, so the CLI, the Python API and the
HTTP API render it the same way::

    TablepilotError
    ├── InputError            bad input: missing/empty/corrupt file, unknown format, bad question
    │   ├── LoadError         a data source could not be read (carries ``path``)
    │   ├── ExportError       a table could not be saved to the path given (carries ``path``)
    │   └── WorkspaceError    a table operation, undo/redo or table name the session cannot honour
    │   └── KnowledgeError    a business-knowledge file is malformed or does not fit the data (``path``, ``line``)
    ├── ConfigError           nothing configured / invalid setting (e.g. no LLM backend)
    ├── BackendError          the LLM backend failed: unreachable, timeout, no SQL in the reply
    ├── ModelStoreError       the embedded model could not be installed or verified
    ├── GuardError            generated SQL is not a single read-only query (carries ``sql``)
    ├── QueryError            the database rejected or aborted a query (carries ``sql``)
    └── SandboxError          generated Python could not run safely
"""

from __future__ import annotations

from typing import Any


class TablepilotError(Exception):
    """Root of every error tablepilot raises on purpose."""

    code = "error"
    exit_code = 1
    http_status = 500

    def __init__(self, message: str, *, hint: str | None = None, **data: Any) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.data = data

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message

    def to_dict(self) -> dict[str, Any]:
        """The pinned JSON error shape shared by ``--json`` and the HTTP API."""
        return {"code": self.code, "message": self.message, "hint": self.hint, **self.data}


class InputError(TablepilotError):
    code = "input_error"
    exit_code = 2
    http_status = 400


class LoadError(InputError):
    code = "load_error"


class ExportError(InputError):
    code = "export_error"


class WorkspaceError(InputError):
    code = "workspace_error"


class KnowledgeError(InputError):
    code = "knowledge_error"


class ConfigError(TablepilotError):
    code = "config_error"
    exit_code = 3
    http_status = 400


class BackendError(TablepilotError):
    code = "backend_error"
    exit_code = 4
    http_status = 502


class ModelStoreError(TablepilotError):
    code = "model_store_error"
    exit_code = 5
    http_status = 500


class GuardError(TablepilotError):
    code = "guard_error"
    exit_code = 6
    http_status = 422


class QueryError(TablepilotError):
    code = "query_error"
    exit_code = 7
    http_status = 422


class SandboxError(TablepilotError):
    code = "sandbox_error"
    exit_code = 8
    http_status = 422
