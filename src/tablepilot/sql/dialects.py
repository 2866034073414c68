"""The sqlglot dialect to parse an engine's SQL with, by the engine's dialect name.

Spark is run with ``spark.sql.ansi.doubleQuotedIdentifiers=true`` (see ``engines/spark_engine.py``),
so ``"name"`` is a column or table there, as in the table descriptions, DuckDB and PostgreSQL. Stock
sqlglot reads ``"name"`` in Spark as a string, which would make the guard see a different query than
Spark runs; ``SparkQuoted`` reads it the way the engine does.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.dialects.mysql import MySQL
from sqlglot.dialects.spark import Spark


class SparkQuoted(Spark):
    """Spark SQL with ANSI double-quoted identifiers: strings only in single quotes."""

    class Tokenizer(Spark.Tokenizer):
        QUOTES = ["'"]  # noqa: RUF012 - sqlglot reads these class lists
        IDENTIFIERS = ["`", '"']  # noqa: RUF012


class MySQLQuoted(MySQL):
    """MySQL/MariaDB with ``ANSI_QUOTES`` (the MySQL engine's session mode): strings only in single quotes."""

    class Tokenizer(MySQL.Tokenizer):
        QUOTES = ["'"]  # noqa: RUF012 - sqlglot reads these class lists
        IDENTIFIERS = ["`", '"']  # noqa: RUF012


_READ: dict[str, type[Dialect]] = {"spark": SparkQuoted, "mysql": MySQLQuoted}


def read_dialect(name: str) -> str | type[Dialect]:
    """What to pass to ``sqlglot.parse(read=…)`` for an engine whose ``dialect`` is ``name``."""
    return _READ.get(name, name)


def parse_sql(sql: str, dialect: str) -> exp.Expr | None:
    """One statement's tree as an engine whose ``dialect`` is ``name`` reads it; None when it does not
    parse (a parse or token error, or a query nested too deep for the parser)."""
    try:
        return sqlglot.parse_one(sql, read=read_dialect(dialect))
    except (sqlglot.errors.SqlglotError, RecursionError):
        return None
