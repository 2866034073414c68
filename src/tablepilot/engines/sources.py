"""What a user names on the command line → the engine that answers over it.

* ``postgresql://…`` / ``postgres://…`` → ``PostgresEngine`` (the query runs in PostgreSQL);
* ``mysql://…`` / ``mariadb://…`` → ``MySQLEngine`` (the query runs in MySQL/MariaDB);
* ``sqlite:///path`` / ``duckdb:///path`` → that database file, loaded into a locked DuckDB;
* a glob of Parquet/CSV files, or one such file of ≥ 256 MB → ``InPlaceEngine`` (views, not copies);
* any other path → ``DuckDBEngine`` (loaded, messy cells typed);
* ``spark://host:7077[/db]``, ``local[*]``, or ``engine="spark"`` (``--engine spark``) →
  ``SparkEngine``: files/globs/folders as views, or the catalog's tables when only a master is named.

A database URL must be the only source: one question runs in one engine. Files of both kinds may
be mixed only when none needs to be read in place.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from urllib.parse import unquote, urlsplit

from tablepilot.engines.base import Engine
from tablepilot.errors import InputError

DATABASE_SCHEMES = ("postgresql", "postgres")
SPARK_SCHEMES = ("spark",)
MYSQL_SCHEMES = ("mysql", "mariadb", "mysql+pymysql")
FILE_SCHEMES = ("sqlite", "duckdb")

Source = str | os.PathLike[str]


def scheme_of(source: Source) -> str | None:
    """``postgresql`` for ``postgresql://…``; None for a plain path (a Windows drive letter is a path)."""
    text = os.fspath(source)
    if "://" not in text:
        return None
    scheme = text.split("://", 1)[0].lower()
    return scheme if len(scheme) > 1 else None


def file_url_path(url: str) -> str:
    """``sqlite:///data/a.db`` → ``/data/a.db``; ``sqlite:///./a.db`` or ``sqlite://a.db`` → relative."""
    parts = urlsplit(url)
    path = unquote(parts.netloc + parts.path)
    if path.startswith("/./"):
        path = path[1:]
    if not path:
        raise InputError(f"{url} names no file", hint="write sqlite:///path/to/file.db (three slashes)")
    return path


ENGINES = ("auto", "duckdb", "spark")


def open_engine(sources: Sequence[Source], *, engine: str | None = None, **engine_kwargs: object) -> Engine:
    """The engine for ``sources``; raises ``InputError``/``LoadError``/``ConfigError`` with a hint.

    ``engine="spark"`` runs files on Spark instead of DuckDB; a Spark master URL among the sources
    implies it.
    """
    if not sources:
        raise InputError("no data source given", hint="name files, a glob, or a database URL")
    texts = [os.fspath(s) for s in sources]
    if engine not in (None, *ENGINES):
        raise InputError(f"unknown engine {engine!r}", hint="use --engine auto, duckdb or spark")
    from tablepilot.engines.spark_engine import is_master

    if engine == "spark" or any(is_master(t) for t in texts):
        from tablepilot.engines.spark_engine import open_spark

        return open_spark(texts, **engine_kwargs)  # type: ignore[arg-type]
    schemes = [scheme_of(t) for t in texts]
    for text, scheme in zip(texts, schemes):
        if scheme is not None and scheme not in DATABASE_SCHEMES + MYSQL_SCHEMES + FILE_SCHEMES + SPARK_SCHEMES:
            raise InputError(
                f"unsupported source {text.split('://', 1)[0]}://",
                hint="use postgresql://user@host/db, mysql://user@host/db, sqlite:///file.db, duckdb:///file.duckdb, "
                "spark://host:7077, or file paths",
            )
    if any(s in MYSQL_SCHEMES for s in schemes):
        if len(texts) > 1:
            raise InputError("a database URL must be the only source", hint="ask about one database at a time")
        from tablepilot.engines.mysql_engine import MySQLEngine

        return MySQLEngine(texts[0], **engine_kwargs)  # type: ignore[arg-type]
    if any(s in DATABASE_SCHEMES for s in schemes):
        if len(texts) > 1:
            raise InputError(
                "a database URL must be the only source",
                hint="ask about one database at a time; load files into it or ask about them separately",
            )
        from tablepilot.engines.postgres_engine import PostgresEngine

        return PostgresEngine(texts[0], **engine_kwargs)  # type: ignore[arg-type]

    paths = [file_url_path(t) if s in FILE_SCHEMES else t for t, s in zip(texts, schemes)]
    from tablepilot.engines.inplace_engine import in_place_candidate, open_in_place

    in_place = [in_place_candidate(p) for p in paths]
    if any(in_place):
        if not all(in_place):
            raise InputError(
                "big Parquet/CSV files (read in place) cannot be mixed with other files",
                hint="ask about the big files on their own, or convert the small ones to Parquet",
            )
        return open_in_place(paths, **engine_kwargs)
    from tablepilot.engines.duckdb_engine import open_sources

    return open_sources(paths, **engine_kwargs)
