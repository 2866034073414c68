"""`tablepilot token create/list/revoke` as real processes against a real data dir."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tablepilot.server.auth import parse_token, secret_matches
from tablepilot.server.store import Store


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TABLEPILOT_", "OPENAI_"))}
    env["TABLEPILOT_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "tablepilot.server_commands", "token", *args],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_create_list_revoke(tmp_path: Path) -> None:
    created = run("create", "--user", "alice", "--label", "laptop", home=tmp_path)
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    token_id, secret = parse_token(token)
    assert "shown only now" in created.stderr

    store = Store(tmp_path / "server" / "tablepilot.sqlite3")
    row = store.token(token_id)
    store.close()
    assert row is not None and row.user == "alice" and secret_matches(secret, row.salt, row.digest)
    assert secret not in row.digest

    listed = run("list", home=tmp_path)
    assert token_id in listed.stdout and "alice" in listed.stdout and "active" in listed.stdout
    assert secret not in listed.stdout

    assert run("revoke", token_id, home=tmp_path).returncode == 0
    assert "revoked" in run("list", home=tmp_path).stdout
    again = run("revoke", token_id, home=tmp_path)
    assert again.returncode == 2 and "token list" in again.stderr

    bad = run("create", "--user", "not a name", home=tmp_path)
    assert bad.returncode == 2 and "hint" in bad.stderr
