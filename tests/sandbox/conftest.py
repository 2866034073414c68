"""Fixtures for the sandbox tests."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from sandbox_support import SECRET_VAR


@pytest.fixture(scope="session")
def host_secret() -> Iterator[str]:
    """A secret in the host's environment, as an API key would be."""
    value = "sk-" + secrets.token_hex(16)
    old = os.environ.get(SECRET_VAR)
    os.environ[SECRET_VAR] = value
    yield value
    if old is None:
        os.environ.pop(SECRET_VAR, None)
    else:
        os.environ[SECRET_VAR] = old
