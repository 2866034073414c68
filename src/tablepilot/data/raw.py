"""The hand-off between a file reader and the engine: one table of raw values plus provenance."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa


@dataclass
class RawTable:
    """A table as read from a source, before it is named uniquely and typed in the engine.

    ``infer_columns`` lists text columns whose values came from untyped text (CSV cells, Excel cells
    stored as text) and should be typed by content; other columns keep the type the source gave.
    """

    name: str  # the wanted SQL name (already cleaned), made unique by the loader
    table: pa.Table
    source: str
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)
    infer_columns: frozenset[str] = frozenset()
    #: also parse messy cells ("64,112", "12 km") in ``infer_columns`` the strict casts left as text;
    #: file readers leave this off because their tidy step already typed what it could
    messy_types: bool = False
    #: the source's foreign keys from this table: (columns, referenced table, referenced columns);
    #: a referenced table loaded later is matched once it is there (see ``declare_foreign_keys``)
    foreign_keys: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = ()
