"""Running model-written pandas code in a real sandbox (bubblewrap), never in this process."""

from tablepilot.sandbox.base import ResultKind, Sandbox, SandboxResult
from tablepilot.sandbox.bubblewrap import BubblewrapSandbox
from tablepilot.sandbox.jail import Limits

__all__ = ["BubblewrapSandbox", "Limits", "ResultKind", "Sandbox", "SandboxResult"]
