"""`tablepilot serve`, `tablepilot mcp` and `tablepilot token …`: the team-facing commands.

Kept out of cli.py so the core CLI never imports FastAPI; run standalone as
``python -m tablepilot.server_commands serve …`` too.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from tablepilot.cli_common import backend_options, err, guarded, out


def _data_dir(value: Path | None) -> Path:
    from tablepilot.server.config import default_data_dir

    return (value or default_data_dir()).expanduser()


data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the server keeps its database and uploads [default: <tablepilot data dir>/server].",
)


def _store(data_dir: Path | None) -> Any:
    from tablepilot.server.store import Store

    return Store(_data_dir(data_dir) / "tablepilot.sqlite3")


def create_token(store: Any, user: str, label: str = "") -> str:
    """Store a new token's salted digest for ``user``; return the token (the only time it exists in full)."""
    from tablepilot.server.auth import check_user_name, new_token

    check_user_name(user)
    tok = new_token()
    store.add_token(tok.token_id, user, tok.salt, tok.digest, label)
    return tok.token


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 = all).")
@click.option("--port", default=8000, show_default=True, type=int)
@data_dir_option
@click.option("--max-upload-mb", default=50.0, show_default=True, type=float, help="Largest accepted file.")
@click.option(
    "--rate-limit", default=600, show_default=True, type=int, help="Requests per minute per token (0 = off)."
)
@click.option("--request-timeout", default=300.0, show_default=True, type=float, help="Seconds per request.")
@backend_options
@guarded
def serve(
    host: str,
    port: int,
    data_dir: Path | None,
    max_upload_mb: float,
    rate_limit: int,
    request_timeout: float,
    **backend: Any,
) -> None:
    """Run the web page and HTTP API (API docs at /api/docs)."""
    from tablepilot.server.errors import missing_server_extra

    try:
        import uvicorn

        from tablepilot.server.app import create_app
        from tablepilot.server.config import ServerSettings
    except ImportError as exc:
        raise missing_server_extra(exc) from exc
    from tablepilot.llm.resolve import resolve_backend

    llm: Any
    if backend.get("backend") == "fake":
        from tablepilot.server.model_queue import replaying_fake

        llm = replaying_fake()
    else:
        llm = resolve_backend(**backend)
    directory = _data_dir(data_dir)
    settings = ServerSettings(
        data_dir=directory,
        llm=llm,
        max_upload_bytes=int(max_upload_mb * 1024 * 1024),
        rate_limit_per_minute=rate_limit,
        request_timeout_s=request_timeout,
    )
    app = create_app(settings)
    store = app.state.server.store
    if not store.tokens():
        token = create_token(store, "admin", "created by the first `tablepilot serve`")
        err.print(
            f"no API tokens yet; created one for user 'admin' (shown only now):\n  {token}", markup=False
        )
    err.print(
        f"tablepilot serving on http://{host}:{port}/  · data in {directory} · model: {llm.backend} {llm.model}",
        markup=False,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)


@click.command()
@click.argument("sources", nargs=-1, required=True)
@backend_options
@guarded
def mcp(sources: tuple[str, ...], **backend: Any) -> None:
    """Serve SOURCES to other assistants as a Model Context Protocol server over stdio."""
    from tablepilot.mcp_server import McpServer

    server = McpServer(list(sources), backend)
    try:
        server.serve(sys.stdin.buffer, sys.stdout.buffer)
    finally:
        server.close()


@click.group()
def token() -> None:
    """Create, list and revoke API tokens of `tablepilot serve`."""


@token.command("create")
@click.option("--user", required=True, help="Who the token belongs to; sessions and uploads are per user.")
@click.option("--label", default="", help="A note, e.g. the laptop or the team.")
@data_dir_option
@guarded
def token_create(user: str, label: str, data_dir: Path | None) -> None:
    """Print a new token once (only its salted hash is stored)."""
    store = _store(data_dir)
    try:
        click.echo(create_token(store, user, label))
    finally:
        store.close()
    err.print(f"token for {user!r} created; it is shown only now, store it safely", markup=False)


@token.command("list")
@data_dir_option
@guarded
def token_list(data_dir: Path | None) -> None:
    """Show token ids, users and states (never the secrets)."""
    store = _store(data_dir)
    try:
        rows = store.tokens()
    finally:
        store.close()
    if not rows:
        out.print("no tokens; create one with `tablepilot token create --user NAME`", markup=False)
    for r in rows:
        state = "revoked " + _when(r.revoked) if r.revoked else "active"
        out.print(
            f"{r.id}  {r.user:<20} created {_when(r.created)}  {state}  {r.label}".rstrip(), markup=False
        )


@token.command("revoke")
@click.argument("token_id")
@data_dir_option
@guarded
def token_revoke(token_id: str, data_dir: Path | None) -> None:
    """Revoke a token by its id (the 12 hex characters after tp_)."""
    from tablepilot.server.errors import NotFoundError

    store = _store(data_dir)
    try:
        found = store.revoke_token(token_id.removeprefix("tp_").split("_")[0])
    finally:
        store.close()
    if not found:
        raise NotFoundError(f"no active token {token_id!r}", hint="see the ids with `tablepilot token list`")
    out.print(f"token {token_id} revoked", markup=False)


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))


@click.group()
def main() -> None:
    """The server commands on their own (normally `tablepilot serve|mcp|token`)."""


main.add_command(serve)
main.add_command(mcp)
main.add_command(token)

if __name__ == "__main__":
    main(prog_name="tablepilot")
