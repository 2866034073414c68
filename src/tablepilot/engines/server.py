"""What the PostgreSQL and MySQL/MariaDB engines share: one DB-API connection to a database server."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tablepilot.catalog import TableInfo
from tablepilot.engines.sampling import SampledEngine

if TYPE_CHECKING:
    from tablepilot.engines.joins import ForeignKey


class ServerEngine(SampledEngine):
    """Tables and foreign keys read once from the server's catalog; profiling on samples."""

    _conn: Any
    _tables: list[TableInfo]
    _foreign_keys: list[ForeignKey]

    @property
    def foreign_keys(self) -> list[ForeignKey]:
        return list(self._foreign_keys)

    def tables(self) -> list[TableInfo]:
        return list(self._tables)

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Every row of one catalog read, then a rollback, so no transaction stays open between reads."""
        with self._mutex, self._conn.cursor() as cur:
            try:
                cur.execute(sql, tuple(params) or None)
                return list(cur.fetchall())
            finally:
                self._conn.rollback()
