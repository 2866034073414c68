"""Knowledge in the prompt: dataset-wide facts in the stable prefix, question-specific ones after it.

The table description is a prompt prefix the local model keeps in its KV cache, and a 1.5B model on
2 cores reads only ~60-90 prompt tokens/s, so:

* column and table descriptions go inline into the description lines they explain (a few tokens
  each, where the model looks for the column anyway), and metrics, default filters and join hints
  follow in one short block — all stable while the block fits ``budget_tokens``; beyond it the
  metrics most relevant to the question are kept (the prefix then depends on the question, as the
  description itself does for very wide data);
* value aliases the question mentions become lines next to the question, and the most similar
  confirmed examples become earlier question/SQL turns (few-shot), after the stable prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tablepilot.data.names import quote_ident, quote_literal
from tablepilot.knowledge.metrics import metric_expression
from tablepilot.knowledge.model import Example, Knowledge
from tablepilot.knowledge.retrieve import mentioned_aliases, rank, similar_examples
from tablepilot.tokens import estimate_tokens

#: a description longer than this is cut in the prompt (the file keeps it whole)
NOTE_CHARS = 40
_TABLE = re.compile(r'^Table "((?:[^"]|"")*)"')
_COLUMN = re.compile(r'^(  "((?:[^"]|"")*)" [^\n]*?)(?: -- (.*))?$')


@dataclass
class Prepared:
    description: str
    examples: list[Example] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def prepare(
    knowledge: Knowledge, description: str, question: str, budget_tokens: int, dialect: str = "duckdb"
) -> Prepared:
    """The description with the knowledge folded in, plus the question's few-shot turns and notes."""
    text = annotate(description, knowledge, budget_tokens)
    block = knowledge_block(knowledge, question, budget_tokens, dialect)
    return Prepared(
        description=f"{text}\n{block}" if block else text,
        examples=similar_examples(knowledge, question),
        notes=alias_notes(knowledge, question),
    )


def _short(text: str) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= NOTE_CHARS else one_line[: NOTE_CHARS - 1] + "…"


def annotate(description: str, knowledge: Knowledge, budget_tokens: int = 10**6) -> str:
    """Insert table and column descriptions into ``describe_tables`` text, in order, until the notes
    cost ``budget_tokens`` (so a wide table with long notes cannot crowd out the question)."""
    if not knowledge.tables:
        return description
    notes = {name.casefold(): t for name, t in knowledge.tables.items()}
    out: list[str] = []
    table = None
    spent = 0
    for line in description.split("\n"):
        m = _TABLE.match(line)
        if m:
            table = notes.get(m.group(1).replace('""', '"').casefold())
            out.append(line)
            if table is not None and table.description.strip():
                out.append(f"  -- {_short(table.description)}")
                spent += estimate_tokens(out[-1])
            continue
        c = _COLUMN.match(line) if table is not None else None
        if c is not None and table is not None:
            columns = {k.casefold(): v for k, v in table.columns.items()}
            note = columns.get(c.group(2).replace('""', '"').casefold())
            if note is not None and (note.description.strip() or note.synonyms):
                meaning = _short(note.description)
                if note.synonyms:
                    meaning += f" (also: {', '.join(note.synonyms[:4])})"
                rest = c.group(3)
                cost = estimate_tokens(meaning) + 2
                if spent + cost <= budget_tokens:
                    spent += cost
                    line = f"{c.group(1)} -- {meaning.strip()}" + (f"; {rest}" if rest else "")
        out.append(line)
    return "\n".join(out)


def knowledge_block(knowledge: Knowledge, question: str, budget_tokens: int, dialect: str = "duckdb") -> str:
    """Metrics, default filters and join hints; the whole block when it fits, else the relevant part."""
    rules = [
        f"- always filter: {f.sql}" + (f" -- {_short(f.description)}" if f.description else "")
        for f in knowledge.filters
    ]
    rules += [f"- join: {j}" for j in knowledge.joins]
    metrics: list[tuple[str, str]] = []
    for name, m in knowledge.metrics.items():
        # quoted like the rest of the prompt (DuckDB names are case-insensitive even when quoted)
        sql = metric_expression(m, dialect).sql(dialect=dialect, identify=dialect == "duckdb")
        line = f"- {quote_ident(name)} = {sql}"
        metrics.append((name, line + (f" -- {_short(m.description)}" if m.description else "")))
    full = _render(metrics, rules)
    if estimate_tokens(full) <= budget_tokens:
        return full
    texts = [f"{name} {knowledge.metrics[name].description}" for name, _ in metrics]
    kept: list[tuple[str, str]] = []
    for i, _ in rank(question, texts):
        if estimate_tokens(_render([*kept, metrics[i]], rules)) > budget_tokens:
            break
        kept.append(metrics[i])
    return _render(kept, rules)


def _render(metrics: list[tuple[str, str]], rules: list[str]) -> str:
    if not metrics and not rules:
        return ""
    lines = ["Business rules:"]
    if metrics:
        example = quote_ident(metrics[0][0])
        lines += [f"Metrics (write the quoted name like a column, e.g. SELECT {example} FROM …):"]
        lines += [line for _, line in metrics]
    return "\n".join(lines + rules)


def alias_notes(knowledge: Knowledge, question: str) -> list[str]:
    """``"华东" means "地区" IN ('上海', '江苏', '浙江')`` for each alias the question uses."""
    notes = []
    for name, a in mentioned_aliases(knowledge, question):
        column = f"{quote_ident(a.table)}.{quote_ident(a.column)}" if a.table else quote_ident(a.column)
        values = ", ".join(quote_literal(v) for v in a.values)
        notes.append(f"{quote_literal(name)} means {column} IN ({values})")
    return notes
