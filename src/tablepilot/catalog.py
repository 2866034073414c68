"""What the engine knows about the loaded tables: names, columns, types, provenance."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    type: str  # the engine's type name, e.g. "VARCHAR", "BIGINT", "DOUBLE", "DATE"
    #: for a typed view of a messy text column: the original text column it was parsed from
    source_column: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class TableInfo:
    name: str  # the SQL name of the table, unquoted (may be Chinese, may need quoting)
    columns: tuple[ColumnInfo, ...]
    row_count: int
    source: str = ""  # file path or URL the table came from
    sheet: str | None = None  # Excel sheet name, when there is one
    description: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)  # what loading changed (renamed columns…)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]
