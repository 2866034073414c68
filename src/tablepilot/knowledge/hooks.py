"""The few calls the ask loop makes into the knowledge package, so ``pipeline.py`` stays small.

Each is a no-op for empty knowledge, so data without a knowledge file is asked exactly as before.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from tablepilot.answer_text import question_language
from tablepilot.knowledge.model import Knowledge
from tablepilot.knowledge.prompt import Prepared
from tablepilot.knowledge.prompt import prepare as _prepare

if TYPE_CHECKING:
    from tablepilot.answer import Answer
    from tablepilot.pipeline import AskOptions


def prepare(
    knowledge: Knowledge, description: str, question: str, options: AskOptions, dialect: str
) -> Prepared:
    """The description with the knowledge folded in, few-shot examples and notes for the question."""
    if knowledge.is_empty():
        return Prepared(description)
    return _prepare(knowledge, description, question, options.knowledge_tokens, dialect)


def rewrite(knowledge: Knowledge, sql: str, columns: Collection[str], dialect: str) -> str:
    """Metric names and value aliases in generated SQL → the defined expressions."""
    from tablepilot.knowledge.rewrite import rewrite_sql

    return rewrite_sql(sql, knowledge, columns, dialect)


def finish(
    knowledge: Knowledge | None, answer: Answer, question: str, dialect: str, *, explain: bool
) -> None:
    """Name the metrics the executed SQL used (in ``metrics`` and the sentence) and explain it if asked."""
    if answer.sql is None:
        return
    if knowledge is not None and knowledge.metrics:
        from tablepilot.knowledge.rewrite import metrics_used

        answer.metrics = metrics_used(answer.sql, knowledge, dialect)
        if answer.metrics and answer.text:
            names = ", ".join(answer.metrics)
            zh = question_language(question) == "zh"
            answer.text += f"（按业务指标 {names} 计算）" if zh else f" (computed with the metric {names})"
    if explain:
        from tablepilot.knowledge.explain import explain_sql

        answer.explanation = explain_sql(answer.sql, question, knowledge, dialect) or None
