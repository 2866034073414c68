"""Helpers for the sandbox tests: they need a working bubblewrap or they are skipped.

Set TABLEPILOT_REQUIRE_SANDBOX=1 (CI) to turn the skip into a failure.
"""

from __future__ import annotations

import os

import pytest

from tablepilot.sandbox import BubblewrapSandbox

SECRET_VAR = "TABLEPILOT_SANDBOX_TEST_SECRET"


def require_sandbox() -> None:
    problem = BubblewrapSandbox.check()
    if problem is None:
        return
    if os.environ.get("TABLEPILOT_REQUIRE_SANDBOX"):
        pytest.fail(f"the sandbox is required here but unusable: {problem}")
    pytest.skip(f"bubblewrap sandbox unusable on this machine: {problem}", allow_module_level=True)
