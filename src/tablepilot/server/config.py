"""Everything `tablepilot serve` can be told, in one frozen object that tests build directly."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tablepilot.llm.base import LLM
from tablepilot.pipeline import AskOptions


@dataclass(frozen=True)
class ServerSettings:
    data_dir: Path
    #: the process's one model; ``None`` resolves it once at startup from the backend fields below
    llm: LLM | None = None
    backend: str | None = None
    base_url: str | None = None
    model: str | None = None
    api_key: str | None = None
    max_upload_bytes: int = 50 * 1024 * 1024
    max_files_per_session: int = 20
    #: per API token; 0 turns the limit off
    rate_limit_per_minute: int = 600
    rate_limit_burst: int | None = None
    #: wall-clock limit of one request (an ask waits in the model queue inside it)
    request_timeout_s: float = 300.0
    #: sessions whose tables stay loaded in memory; older ones are reloaded from disk when used
    max_live_sessions: int = 64
    #: asks (and uploads) running in worker threads at once; the model itself runs one at a time
    max_workers: int = 64
    preview_rows: int = 10
    #: rows of a CSV/XLSX download when the shown result was cut at ``ask_options.max_rows``
    download_max_rows: int = 1_000_000
    ask_options: AskOptions = field(default_factory=AskOptions)

    @property
    def db_path(self) -> Path:
        return self.data_dir / "tablepilot.sqlite3"

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"


def default_data_dir() -> Path:
    from tablepilot import settings

    return settings.data_dir() / "server"
