"""Business knowledge: what columns and metrics mean, value aliases, confirmed examples (docs/knowledge.md)."""

from tablepilot.knowledge.model import (
    ColumnNote,
    DefaultFilter,
    Example,
    Knowledge,
    Metric,
    TableNote,
    ValueAlias,
)
from tablepilot.knowledge.store import dumps, load, parse, save

__all__ = [
    "ColumnNote",
    "DefaultFilter",
    "Example",
    "Knowledge",
    "Metric",
    "TableNote",
    "ValueAlias",
    "dumps",
    "load",
    "parse",
    "save",
]
