"""`tablepilot knowledge add|edit|show`: teach tablepilot what columns, values and metrics mean.

Every change is checked against the data before it is saved (names exist, metrics and filters run),
and a file that does not pass is never written: the old file stays and the error names the line.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from tablepilot.cli_common import err, guarded, out
from tablepilot.engines.base import Engine
from tablepilot.errors import InputError, KnowledgeError

F = TypeVar("F", bound=Callable[..., Any])


def knowledge_option(func: F) -> F:
    """``--knowledge FILE`` for commands that open a session."""
    return click.option(
        "--knowledge",
        "knowledge",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Knowledge file to use (default: <data>.knowledge.yaml next to the data, if present).",
    )(func)


@click.group()
def knowledge() -> None:
    """Business knowledge per dataset: column meanings, value aliases, metrics, confirmed examples."""


def _sources(sources: tuple[str, ...]) -> list[str]:
    if not sources:
        raise InputError(
            "no data given",
            hint="name the data the knowledge is about, e.g. `tablepilot knowledge show sales.xlsx`",
        )
    return list(sources)


def _path(sources: tuple[str, ...], given: Path | None) -> Path:
    from tablepilot.knowledge.locate import target

    return given if given is not None else target(_sources(sources))


def _open(sources: tuple[str, ...]) -> Engine:
    from tablepilot.engines.sources import open_engine

    return open_engine(_sources(sources))


@knowledge.command()
@click.argument("sources", nargs=-1)
@click.option(
    "--describe",
    "describes",
    multiple=True,
    help='"qty_2: 退货数量"; also TABLE: …, TABLE.COLUMN: …, METRIC: …',
)
@click.option(
    "--synonym",
    "synonyms",
    multiple=True,
    help='"华东=上海,江苏,浙江" (value alias) or "退货=qty_2" (column).',
)
@click.option("--metric", "metrics", multiple=True, help="\"GMV = sum(销售额) where 状态 != '退款'\"")
@click.option(
    "--filter", "filters", multiple=True, help="\"状态 != '测试'\": a condition every query applies."
)
@click.option("--join", "joins", multiple=True, help='"orders.customer_id = customers.id"')
@knowledge_option
@guarded
def add(
    sources: tuple[str, ...],
    describes: tuple[str, ...],
    synonyms: tuple[str, ...],
    metrics: tuple[str, ...],
    filters: tuple[str, ...],
    joins: tuple[str, ...],
    knowledge: Path | None,
) -> None:
    """Add to the knowledge of SOURCES; everything is checked against the data before it is saved."""
    from tablepilot.knowledge.edit import Additions, apply_additions
    from tablepilot.knowledge.model import Knowledge
    from tablepilot.knowledge.store import load, save
    from tablepilot.knowledge.validate import check_against_data

    if not (describes or synonyms or metrics or filters or joins):
        raise InputError(
            "nothing to add", hint="use --describe, --synonym, --metric, --filter or --join (see --help)"
        )
    path = _path(sources, knowledge)
    engine = _open(sources)
    try:
        k = load(path) if path.exists() else Knowledge()
        done = apply_additions(k, engine, Additions(describes, synonyms, metrics, filters, joins))
        check_against_data(k, engine, str(path))
    finally:
        engine.close()
    save(k, path)
    for line in done:
        out.print(f"+ {line}", markup=False)
    out.print(f"saved {path}", markup=False)


@knowledge.command()
@click.argument("sources", nargs=-1)
@knowledge_option
@guarded
def show(sources: tuple[str, ...], knowledge: Path | None) -> None:
    """Print the knowledge file of SOURCES (and where it is)."""
    from tablepilot.knowledge.locate import find
    from tablepilot.knowledge.store import load

    path = knowledge if knowledge is not None else find(_sources(sources))
    if path is None or not path.exists():
        where = path or _path(sources, None)
        out.print(
            f"no knowledge yet; `tablepilot knowledge add` or `knowledge edit` creates {where}", markup=False
        )
        return
    load(path)  # a malformed file is reported with its line
    err.print(f"# {path}", markup=False)
    out.print(path.read_text(encoding="utf-8"), markup=False, end="")


@knowledge.command()
@click.argument("sources", nargs=-1)
@knowledge_option
@guarded
def edit(sources: tuple[str, ...], knowledge: Path | None) -> None:
    """Open the knowledge file of SOURCES in $EDITOR; it is saved only if it is valid for the data."""
    from tablepilot.knowledge.edit import template
    from tablepilot.knowledge.store import parse
    from tablepilot.knowledge.validate import check_against_data

    path = _path(sources, knowledge)
    engine = _open(sources)
    try:
        before = path.read_text(encoding="utf-8") if path.exists() else template(engine)
        edited = click.edit(before, extension=".yaml", require_save=True)
        if edited is None or edited == before:
            out.print("no changes", markup=False)
            return
        try:
            check_against_data(parse(edited, str(path)), engine, str(path))
        except KnowledgeError as exc:
            fd, kept = tempfile.mkstemp(prefix=f"{path.stem}-rejected-", suffix=".yaml")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(edited)
            raise KnowledgeError(
                exc.message,
                hint=f"{path} was left as it was; your edit is in {kept}. {exc.hint or ''}".strip(),
                **exc.data,
            ) from None
    finally:
        engine.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(edited, encoding="utf-8")  # the person's text as written, comments included
    out.print(f"saved {path}", markup=False)
