"""tablepilot: ask spreadsheets and databases questions, get answers grounded in executed SQL."""

from tablepilot.answer import Answer, Attempt, ResultTable
from tablepilot.errors import (
    BackendError,
    ConfigError,
    GuardError,
    InputError,
    LoadError,
    ModelStoreError,
    QueryError,
    SandboxError,
    TablepilotError,
)
from tablepilot.pipeline import AskOptions
from tablepilot.session import Session, ask

__all__ = [
    "Answer",
    "AskOptions",
    "Attempt",
    "BackendError",
    "ConfigError",
    "GuardError",
    "InputError",
    "LoadError",
    "ModelStoreError",
    "QueryError",
    "ResultTable",
    "SandboxError",
    "Session",
    "TablepilotError",
    "ask",
]
__version__ = "0.1.0"
