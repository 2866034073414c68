"""Read and write knowledge files (YAML): strict on read, with the line of every mistake; stable on write.

Reading composes the YAML into nodes (never constructs Python objects from tags) and converts them by
hand, so every error — a YAML syntax slip, a list where a mapping belongs, an unknown key, a duplicate
key, an SQL expression that does not parse — names the file and the line. Scalars keep the text the
person wrote (``values: [2023, 上海]`` gives ``"2023"``, not the number 2023).

Writing emits keys in a fixed order, short lists inline, multi-line SQL as ``|`` blocks, and Chinese
as is, so the file diffs well in git and load → save → load gives the same knowledge. Comments a
person added are not kept when tablepilot rewrites the file (``knowledge add``, ``/good``).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tablepilot.errors import KnowledgeError
from tablepilot.knowledge.model import (
    FORMAT_VERSION,
    ColumnNote,
    DefaultFilter,
    Example,
    Knowledge,
    Metric,
    TableNote,
    ValueAlias,
)

QUOTE_HINT = (
    "a YAML value that starts with a quote must be quoted as a whole: write it as a block "
    "(`sql: |` and the SQL on the next line, indented) or leave the names unquoted (状态 <> '退款')"
)
_QUOTED_START = re.compile(r"""^\s*(-\s+)?([^\s:#][^:#]*:\s+)?["'][^"']*["']\s*[^\s#]""")
HINT = "fix that line (`tablepilot knowledge edit` checks the file when you save); see docs/knowledge.md"
TOP_KEYS = ("version", "tables", "aliases", "metrics", "filters", "joins", "examples")
HEADER = "# tablepilot business knowledge (format: docs/knowledge.md). Edit freely; keep it in git.\n"


class _Reader:
    """Node → knowledge conversion that knows the file name for its errors."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: dict[tuple[str, ...], int] = {}
        self._key_lines: dict[int, int] = {}  # id(value node) -> line of its key

    def error(self, node: Node | None, message: str, line: int | None = None) -> KnowledgeError:
        if line is None and node is not None:
            line = node.start_mark.line + 1
        where = f"{self.source}, line {line}" if line else self.source
        return KnowledgeError(f"{where}: {message}", hint=HINT, path=self.source, line=line)

    def mapping(
        self, node: Node, what: str, allowed: tuple[str, ...] | None = None
    ) -> list[tuple[str, Node]]:
        if isinstance(node, ScalarNode) and node.value == "" and node.tag.endswith(":null"):
            return []
        if not isinstance(node, MappingNode):
            raise self.error(node, f"{what} must be a mapping (key: value lines), not {_kind(node)}")
        items: list[tuple[str, Node]] = []
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or not key_node.value.strip():
                raise self.error(key_node, f"{what} has a key that is not a plain name")
            key = key_node.value
            if key in seen:
                raise self.error(key_node, f"{what} names {key!r} twice")
            if allowed is not None and key not in allowed:
                raise self.error(
                    key_node, f"unknown key {key!r} in {what}; expected one of: {', '.join(allowed)}"
                )
            seen.add(key)
            self._key_lines[id(value_node)] = key_node.start_mark.line + 1
            items.append((key, value_node))
        return items

    def sequence(self, node: Node, what: str) -> list[Node]:
        if isinstance(node, ScalarNode) and node.value == "" and node.tag.endswith(":null"):
            return []
        if not isinstance(node, SequenceNode):
            raise self.error(node, f"{what} must be a list (lines starting with '- '), not {_kind(node)}")
        return list(node.value)

    def text(self, node: Node, what: str, *, required: bool = True) -> str:
        if not isinstance(node, ScalarNode):
            raise self.error(node, f"{what} must be text, not {_kind(node)}")
        value = "" if node.tag.endswith(":null") and node.style is None else str(node.value)
        if required and not value.strip():
            raise self.error(node, f"{what} is empty")
        return value

    def texts(self, node: Node, what: str) -> list[str]:
        if isinstance(node, ScalarNode) and not node.tag.endswith(":null"):
            return [self.text(node, what)]  # a single word is a list of one
        return [self.text(n, f"an item of {what}") for n in self.sequence(node, what)]

    def sql(self, node: Node, what: str, kind: str) -> str:
        from tablepilot.knowledge.metrics import sql_problem

        text = self.text(node, what)
        problem = sql_problem(text, kind)
        if problem:
            raise self.error(node, f"{what} is not valid SQL: {problem}")
        return text

    def remember(self, node: Node, *key: str) -> None:
        """The line of an item: its key's line for a mapping entry (``GMV:``), else where it starts."""
        self.lines[key] = self._key_lines.get(id(node), node.start_mark.line + 1)


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return f"the value {node.value!r}" if node.value else "nothing"


def parse(text: str, source: str = "<knowledge>") -> Knowledge:
    """The knowledge in ``text``; ``KnowledgeError`` naming ``source`` and the line for any mistake."""
    r = _Reader(source)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "malformed YAML"
        error = r.error(None, f"not valid YAML: {problem}", line=line)
        if line is not None and _QUOTED_START.search(
            text.splitlines()[line - 1] if line <= len(text.splitlines()) else ""
        ):
            error.hint = QUOTE_HINT
        raise error from None
    except yaml.YAMLError as exc:  # e.g. more than one document
        raise r.error(None, f"not valid YAML: {exc}") from None
    knowledge = Knowledge()
    if root is None:
        return knowledge
    readers: dict[str, Callable[[_Reader, Node, Knowledge], None]] = {
        "version": _read_version,
        "tables": _read_tables,
        "aliases": _read_aliases,
        "metrics": _read_metrics,
        "filters": _read_filters,
        "joins": _read_joins,
        "examples": _read_examples,
    }
    for key, node in r.mapping(root, "the file", TOP_KEYS):
        readers[key](r, node, knowledge)
    knowledge.lines = r.lines
    return knowledge


def _read_version(r: _Reader, node: Node, k: Knowledge) -> None:
    value = r.text(node, "version")
    if value.strip() != str(FORMAT_VERSION):
        raise r.error(
            node, f"version {value} is not supported (this tablepilot reads version {FORMAT_VERSION})"
        )


def _read_tables(r: _Reader, node: Node, k: Knowledge) -> None:
    for table, table_node in r.mapping(node, "tables"):
        r.remember(table_node, "tables", table)
        if isinstance(table_node, ScalarNode):
            k.tables[table] = TableNote(description=r.text(table_node, f"table {table!r}"))
            continue
        note = TableNote()
        for key, value in r.mapping(table_node, f"table {table!r}", ("description", "columns")):
            if key == "description":
                note.description = r.text(value, f"the description of table {table!r}", required=False)
            else:
                for column, column_node in r.mapping(value, f"the columns of {table!r}"):
                    r.remember(column_node, "tables", table, column)
                    note.columns[column] = _read_column(r, column_node, f"column {table}.{column}")
        k.tables[table] = note


def _read_column(r: _Reader, node: Node, what: str) -> ColumnNote:
    if isinstance(node, ScalarNode):
        return ColumnNote(description=r.text(node, what, required=False))
    note = ColumnNote()
    for key, value in r.mapping(node, what, ("description", "synonyms")):
        if key == "description":
            note.description = r.text(value, f"the description of {what}", required=False)
        else:
            note.synonyms = r.texts(value, f"the synonyms of {what}")
    return note


def _read_aliases(r: _Reader, node: Node, k: Knowledge) -> None:
    for name, alias_node in r.mapping(node, "aliases"):
        r.remember(alias_node, "aliases", name)
        what = f"alias {name!r}"
        fields = dict(r.mapping(alias_node, what, ("column", "values", "table")))
        for required in ("column", "values"):
            if required not in fields:
                raise r.error(alias_node, f"{what} needs '{required}:'")
        values = r.texts(fields["values"], f"the values of {what}")
        if not values:
            raise r.error(fields["values"], f"{what} lists no values")
        table = r.text(fields["table"], f"the table of {what}") if "table" in fields else ""
        k.aliases[name] = ValueAlias(
            column=r.text(fields["column"], f"the column of {what}"), values=values, table=table
        )


def _read_metrics(r: _Reader, node: Node, k: Knowledge) -> None:
    for name, metric_node in r.mapping(node, "metrics"):
        r.remember(metric_node, "metrics", name)
        what = f"metric {name!r}"
        if isinstance(metric_node, ScalarNode):
            k.metrics[name] = Metric(sql=r.sql(metric_node, what, "expression"))
            continue
        fields = dict(r.mapping(metric_node, what, ("sql", "filter", "description", "table")))
        if "sql" not in fields:
            raise r.error(metric_node, f"{what} needs 'sql:' (an SQL expression such as sum(\"销售额\"))")
        k.metrics[name] = Metric(
            sql=r.sql(fields["sql"], f"the sql of {what}", "expression"),
            filter=r.sql(fields["filter"], f"the filter of {what}", "condition")
            if "filter" in fields
            else "",
            description=r.text(fields["description"], f"the description of {what}", required=False)
            if "description" in fields
            else "",
            table=r.text(fields["table"], f"the table of {what}") if "table" in fields else "",
        )


def _read_filters(r: _Reader, node: Node, k: Knowledge) -> None:
    for i, item in enumerate(r.sequence(node, "filters")):
        r.remember(item, "filters", str(i))
        if isinstance(item, ScalarNode):
            k.filters.append(DefaultFilter(sql=r.sql(item, f"filter {i + 1}", "condition")))
            continue
        fields = dict(r.mapping(item, f"filter {i + 1}", ("sql", "description")))
        if "sql" not in fields:
            raise r.error(item, f"filter {i + 1} needs 'sql:' (a condition such as \"状态\" <> '测试')")
        description = (
            r.text(fields["description"], "a description", required=False) if "description" in fields else ""
        )
        k.filters.append(
            DefaultFilter(sql=r.sql(fields["sql"], f"filter {i + 1}", "condition"), description=description)
        )


def _read_joins(r: _Reader, node: Node, k: Knowledge) -> None:
    for i, item in enumerate(r.sequence(node, "joins")):
        r.remember(item, "joins", str(i))
        k.joins.append(r.sql(item, f"join {i + 1}", "condition"))


def _read_examples(r: _Reader, node: Node, k: Knowledge) -> None:
    for i, item in enumerate(r.sequence(node, "examples")):
        r.remember(item, "examples", str(i))
        fields = dict(r.mapping(item, f"example {i + 1}", ("question", "sql")))
        for required in ("question", "sql"):
            if required not in fields:
                raise r.error(item, f"example {i + 1} needs '{required}:'")
        k.examples.append(
            Example(
                r.text(fields["question"], f"the question of example {i + 1}"),
                r.sql(fields["sql"], f"the sql of example {i + 1}", "query"),
            )
        )


def load(path: str | os.PathLike[str]) -> Knowledge:
    """Read a knowledge file; a missing file is an error (callers decide whether that is fine)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KnowledgeError(
            f"knowledge file {p} does not exist",
            hint="check the path, or create it with `tablepilot knowledge add`",
            path=str(p),
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeError(
            f"cannot read knowledge file {p}: {exc}", hint="it must be a UTF-8 text file", path=str(p)
        ) from None
    return parse(text, str(p))


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


class _Inline(list[str]):
    """A short list written inline: ``values: [上海, 江苏, 浙江]``."""


class _Dumper(yaml.SafeDumper):  # type: ignore[misc]
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # "- item" indented under its key, as people write it


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value.strip("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _inline(dumper: yaml.SafeDumper, value: _Inline) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(value), flow_style=True)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(_Inline, _inline)


def to_plain(k: Knowledge) -> dict[str, Any]:
    """The knowledge as ordered plain data, with the short forms a person would write."""
    doc: dict[str, Any] = {"version": FORMAT_VERSION}
    if k.tables:
        tables: dict[str, Any] = {}
        for name, t in k.tables.items():
            columns = {
                c: (n.description if not n.synonyms else _column_plain(n)) for c, n in t.columns.items()
            }
            if columns:
                tables[name] = (
                    {"description": t.description, "columns": columns}
                    if t.description
                    else {"columns": columns}
                )
            else:
                tables[name] = t.description if t.description.strip() else {"description": t.description}
        doc["tables"] = tables
    if k.aliases:
        doc["aliases"] = {
            name: {**({"table": a.table} if a.table else {}), "column": a.column, "values": _Inline(a.values)}
            for name, a in k.aliases.items()
        }
    if k.metrics:
        doc["metrics"] = {name: _metric_plain(m) for name, m in k.metrics.items()}
    if k.filters:
        doc["filters"] = [
            {"sql": f.sql, "description": f.description} if f.description else f.sql for f in k.filters
        ]
    if k.joins:
        doc["joins"] = list(k.joins)
    if k.examples:
        doc["examples"] = [{"question": e.question, "sql": e.sql} for e in k.examples]
    return doc


def _column_plain(n: ColumnNote) -> dict[str, Any]:
    d: dict[str, Any] = {"description": n.description}
    if n.synonyms:
        d["synonyms"] = _Inline(n.synonyms)
    return d


def _metric_plain(m: Metric) -> Any:
    if not (m.filter or m.description or m.table):
        return {"sql": m.sql}
    d: dict[str, Any] = {}
    if m.table:
        d["table"] = m.table
    d["sql"] = m.sql
    if m.filter:
        d["filter"] = m.filter
    if m.description:
        d["description"] = m.description
    return d


def dumps(k: Knowledge) -> str:
    body: str = yaml.dump(
        to_plain(k), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False
    )
    return HEADER + body


def save(k: Knowledge, path: str | os.PathLike[str]) -> Path:
    """Write atomically (a crash never leaves half a file); creates the folder if needed."""
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".knowledge-", suffix=".yaml", dir=p.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(dumps(k))
        os.replace(tmp, p)
    except OSError as exc:
        raise KnowledgeError(
            f"cannot write knowledge file {p}: {exc}",
            hint="choose a writable place with --knowledge FILE",
            path=str(p),
        ) from None
    return p
