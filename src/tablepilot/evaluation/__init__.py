"""Benchmark suites, scoring and the eval runner.

``suite`` reads questions (never answers), ``tables`` loads a question's data faithfully,
``runner`` answers and writes predictions, ``scoring``/``metrics`` grade them (the only code that
reads the gold), ``report`` renders the result.
"""

from tablepilot.evaluation.runner import EngineCache, evaluate, run_suite
from tablepilot.evaluation.scoring import Report, format_report, score
from tablepilot.evaluation.suite import Question, Suite, load_gold

__all__ = [
    "EngineCache",
    "Question",
    "Report",
    "Suite",
    "evaluate",
    "format_report",
    "load_gold",
    "run_suite",
    "score",
]
