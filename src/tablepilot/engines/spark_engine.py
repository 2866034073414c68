"""Spark SQL through pyspark: the same questions, run by Spark locally (``local[*]``) or on a cluster.

One SparkSession per process (a JVM start costs seconds); each ``SparkEngine`` works in its own
``newSession()``, so temporary views, SQL settings and functions of one engine never leak into
another. Tables are temporary views over files (Parquet/CSV/JSON paths, globs, directories), Arrow
tables (the benchmark suites), or the catalog's tables (a Hive metastore on a cluster).

Spark has no read-only transaction, and ``spark.sql()`` runs commands (``INSERT``, ``CACHE``,
``ADD JAR``…) the moment it is called. So before a query reaches ``spark.sql()``, the engine parses
it with Spark's own parser (which runs nothing) and walks the plan, whatever the SQL guard said:

* every plan node must be a query operator: no ``Command``, insert, ``CREATE … AS``, cache, or
  script transform (``TRANSFORM … USING 'cmd'`` would run a shell command on the executors);
* every function is checked against the guard's deny-list (``reflect``/``java_method`` call
  arbitrary Java static methods), table functions against an allow-list (``range``, ``explode``…);
* every table is one of the engine's tables or a CTE; ``spark.sql.runSQLOnFiles`` is off, so
  ``parquet.`/path``` is not a table either, and ``${…}`` substitution is off.

Rows are fetched up to the row cap (``take``); on timeout the query's job group is cancelled.
Profiling copies a sample of each table into an in-memory DuckDB (``profile_connection``).
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import shutil
import tempfile
import threading
import uuid
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from tablepilot.answer import ResultTable
from tablepilot.catalog import ColumnInfo, TableInfo
from tablepilot.data.names import clean_column_names, quote_ident, table_name_from, unique_name
from tablepilot.engines.base import timeout_error
from tablepilot.engines.sampling import SampledEngine
from tablepilot.errors import ConfigError, GuardError, LoadError, QueryError
from tablepilot.sql.guard import FORBIDDEN_FUNCTION_PREFIXES, FORBIDDEN_FUNCTIONS

_INSTALL = "pip install 'tablepilot[spark]'  (or: pip install pyspark)"
#: a master URL as a source: spark://host:7077[/database], or local[N] / local[*]
MASTER_PATTERN = re.compile(r"^(spark://[^/\s]+(/[\w.]*)?|local\[(\d+|\*)(,\s*\d+)?\])$")
#: table functions a query may read from: they only generate rows from their arguments
ALLOWED_TABLE_FUNCTIONS = frozenset(
    [
        "range",
        "explode",
        "explode_outer",
        "inline",
        "inline_outer",
        "posexplode",
        "posexplode_outer",
        "stack",
        "json_tuple",
    ]
)
#: plan nodes that are statements, not query operators (besides everything that is a ``Command``)
_REFUSED_NODE_WORDS = (
    "Command", "Insert", "Create", "Replace", "Drop", "Alter", "Cache", "Transform", "Write",
    "Append", "Overwrite", "Delete", "Update", "Merge", "Refresh", "Truncate", "Set", "Use",
)  # fmt: skip
_WRITE_NODE_WORDS = _REFUSED_NODE_WORDS[1:15]
_MAX_PLAN_NODES = 20_000
_FILE_READERS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".tsv": "csv", ".json": "json",
                 ".jsonl": "json", ".ndjson": "json"}  # fmt: skip
#: Spark type (simpleString, lower-case, before any "(") → name shown to the model
_SHOWN_TYPES = {"bigint": "BIGINT", "int": "INTEGER", "smallint": "SMALLINT", "tinyint": "TINYINT",
                "double": "DOUBLE", "float": "FLOAT", "string": "STRING", "boolean": "BOOLEAN",
                "date": "DATE", "timestamp": "TIMESTAMP", "timestamp_ntz": "TIMESTAMP_NTZ"}  # fmt: skip


def is_master(source: str) -> bool:
    """``spark://host:7077``, ``spark://host:7077/db``, ``local[4]``, ``local[*]``."""
    return bool(MASTER_PATTERN.match(source))


# -- the one SparkSession of the process ---------------------------------------------------------

_ROOT: Any = None
_ROOT_MASTER: str | None = None
_ROOT_LOCK = threading.Lock()


def _import_pyspark() -> Any:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise ConfigError(
            "Spark needs Java (17 or newer), and none was found",
            hint="install it (apt-get install openjdk-17-jre-headless) or set JAVA_HOME",
        )
    try:
        with warnings.catch_warnings():  # pyspark warns about pandas versions it does not need here
            warnings.simplefilter("ignore")
            import pyspark.sql
    except ImportError as exc:
        raise ConfigError("Spark support needs the pyspark package", hint=_INSTALL) from exc
    return pyspark.sql


def default_master() -> str:
    """``TABLEPILOT_SPARK_MASTER``, else ``local[*]``."""
    return os.environ.get("TABLEPILOT_SPARK_MASTER") or "local[*]"


def extra_conf() -> dict[str, str]:
    """``TABLEPILOT_SPARK_CONF="k=v;k2=v2"``: settings for a cluster (metastore URI, memory…)."""
    conf = {}
    for item in os.environ.get("TABLEPILOT_SPARK_CONF", "").split(";"):
        key, sep, value = item.partition("=")
        if sep and key.strip():
            conf[key.strip()] = value.strip()
    return conf


def root_session(master: str | None = None, conf: Mapping[str, str] | None = None) -> Any:
    """The process's SparkSession, started on first use; later calls must name the same master."""
    global _ROOT, _ROOT_MASTER
    with _ROOT_LOCK:
        if _ROOT is not None:
            if master is not None and master != _ROOT_MASTER:
                raise ConfigError(
                    f"Spark already runs on {_ROOT_MASTER} in this process; it cannot also use {master}",
                    hint="use one Spark master per process",
                )
            return _ROOT
        master = master or default_master()
        sql = _import_pyspark()
        warehouse = tempfile.mkdtemp(prefix="tablepilot-spark-")
        atexit.register(shutil.rmtree, warehouse, ignore_errors=True)
        local = master.startswith("local")
        settings = {
            "spark.app.name": "tablepilot",
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.warehouse.dir": warehouse,
            "spark.sql.shuffle.partitions": str(2 * (os.cpu_count() or 2)) if local else "200",
            "spark.sql.session.timeZone": "UTC",
            **({"spark.sql.catalogImplementation": "in-memory"} if local else {}),
            **extra_conf(),
            **(conf or {}),
        }
        builder = sql.SparkSession.builder.master(master)
        for key, value in settings.items():
            builder = builder.config(key, value)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                _ROOT = builder.getOrCreate()
        except Exception as exc:
            raise LoadError(
                f"cannot start Spark on {master}: {_first_line(exc)}",
                hint="check the master URL and that Java 17+ runs (java -version)",
                path=master,
            ) from exc
        _ROOT.sparkContext.setLogLevel("ERROR")
        from pyspark.logger import PySparkLogger

        for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):  # errors are ours to report
            PySparkLogger.getLogger(name).setLevel(logging.CRITICAL)
        _ROOT_MASTER = master
        return _ROOT


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return re.sub(r"\s*SQLSTATE: \w+\.?$", "", line)


# -- the engine ---------------------------------------------------------------------------------


class SparkEngine(SampledEngine):
    """Tables as temporary views of one private Spark session; queries checked by Spark's parser first."""

    dialect = "spark"

    def __init__(
        self,
        *,
        master: str | None = None,
        conf: Mapping[str, str] | None = None,
        sample_rows: int = 20_000,
    ) -> None:
        self._spark = root_session(master, conf).newSession()
        for key, value in {
            "spark.sql.runSQLOnFiles": "false",  # parquet.`/path` is not a table
            "spark.sql.variable.substitute": "false",  # ${…} is not replaced by settings
            "spark.sql.ansi.enabled": "true",
            "spark.sql.ansi.doubleQuotedIdentifiers": "true",  # "name" is a name, as in the prompt
        }.items():
            self._spark.conf.set(key, value)
        self._sample_rows = sample_rows
        self._tables: dict[str, TableInfo] = {}
        self._views: list[str] = []
        self._mutex = threading.RLock()
        self._profile_con: duckdb.DuckDBPyConnection | None = None

    @property
    def session(self) -> Any:
        """This engine's SparkSession (a ``newSession()`` of the process's one)."""
        return self._spark

    # -- tables ------------------------------------------------------------------------------------

    def add_files(self, source: str, *, name: str | None = None) -> TableInfo:
        """One view over a Parquet/CSV/JSON file, glob or directory (the path must be visible to Spark)."""
        reader = _reader_for(source)
        stem = Path(source.rstrip("/")).stem.replace("*", "").strip("_-. ") or Path(source).parent.name
        try:
            read = self._spark.read
            if reader == "csv":
                sep = "\t" if source.lower().endswith(".tsv") else ","
                df = read.options(header="true", inferSchema="true", sep=sep, multiLine="true").csv(source)
            elif reader == "json":
                df = read.json(source)
            else:
                df = read.parquet(source)
        except Exception as exc:
            raise LoadError(
                f"Spark cannot read {source}: {_first_line(exc)}",
                hint=f"check the path (Spark must see it) and that the files are valid {reader.upper()}",
                path=source,
            ) from exc
        return self._register(df, name or stem, source, [f"read by Spark ({reader}) where it lies"])

    def register_arrow(
        self,
        name: str,
        table: pa.Table,
        *,
        source: str = "",
        notes: Sequence[str] = (),
        infer_types: bool = False,
    ) -> TableInfo:
        """An Arrow table copied into Spark (the benchmark suites' path); types are kept as they are."""
        return self._register(self._spark.createDataFrame(table), name, source, list(notes))

    def add_catalog_tables(self, database: str | None = None) -> list[TableInfo]:
        """The tables and views of a catalog database (the current one by default), under their names."""
        catalog = self._spark.catalog
        try:
            listed = catalog.listTables(database) if database else catalog.listTables()
        except Exception as exc:
            raise LoadError(
                f"cannot list the tables of {database or 'the current database'}: {_first_line(exc)}",
                hint="check the database name and the metastore settings (TABLEPILOT_SPARK_CONF)",
                path=database or "",
            ) from exc
        if database:
            catalog.setCurrentDatabase(database)  # bare names resolve there, as the model writes them
        added = []
        for t in listed:
            if t.isTemporary:
                continue
            df = self._spark.table(".".join(_backquote(p) for p in (t.database, t.name) if p))
            info = self._info(t.name, df, f"spark catalog {t.database}.{t.name}", [], view=False)
            if t.description:
                info = replace(info, description=t.description)
            self._tables[info.name] = info
            added.append(info)
        return added

    def _register(self, df: Any, name: str, source: str, notes: list[str]) -> TableInfo:
        with self._mutex:
            raw = list(df.columns)
            names, name_notes = clean_column_names(raw)
            if names != raw:
                df = df.toDF(*names)
            table = unique_name(table_name_from(name), self._tables)
            df.createOrReplaceTempView(table)
            self._views.append(table)
            info = self._info(table, df, source, notes + name_notes, view=True)
            self._tables[table] = info
            self._profile_con = None
            return info

    def _info(self, table: str, df: Any, source: str, notes: list[str], *, view: bool) -> TableInfo:
        columns = tuple(
            ColumnInfo(f.name, _shown_type(f.dataType.simpleString()), description=_comment(f))
            for f in df.schema.fields
        )
        return TableInfo(
            name=table, columns=columns, row_count=int(df.count()), source=source, notes=tuple(notes)
        )

    def tables(self) -> list[TableInfo]:
        return list(self._tables.values())

    # -- querying ----------------------------------------------------------------------------------

    def check(self, sql: str) -> None:
        """Refuse anything but one query over this engine's tables, by Spark's own parse (runs nothing)."""
        parser = self._spark._jsparkSession.sessionState().sqlParser()
        try:
            plan = parser.parsePlan(sql)
        except Exception as exc:
            raise QueryError(
                _first_line(exc), hint="send a single SELECT query in Spark SQL syntax", sql=sql
            ) from exc
        _PlanCheck(self._spark._jvm, {t.lower() for t in self._tables}, sql).plan(plan)

    def execute(self, sql: str, *, max_rows: int = 1000, timeout_s: float = 30.0) -> ResultTable:
        """Check the query with Spark's parser, then run it with a row cap; cancel its jobs on timeout."""
        sql = sql.strip().rstrip(";")
        self.check(sql)
        group = f"tablepilot-{uuid.uuid4().hex}"
        outcome: dict[str, Any] = {}
        context = self._spark.sparkContext

        def run() -> None:
            try:
                context.setJobGroup(group, "tablepilot query", interruptOnCancel=True)
                df = self._spark.sql(sql)
                outcome["columns"] = list(df.columns)
                outcome["rows"] = [list(r) for r in df.take(max_rows + 1)]
            except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
                outcome["error"] = exc

        worker = threading.Thread(target=run, name="tablepilot-spark-query", daemon=True)
        worker.start()
        worker.join(timeout_s)
        if worker.is_alive():
            context.cancelJobGroup(group)
            worker.join(10)
            raise timeout_error(sql, timeout_s)
        if "error" in outcome:
            exc = outcome["error"]
            raise QueryError(_first_line(exc), hint=self._hint(exc), sql=sql) from exc
        rows = outcome["rows"]
        return ResultTable(columns=outcome["columns"], rows=rows[:max_rows], truncated=len(rows) > max_rows)

    def _hint(self, exc: BaseException) -> str:
        condition = str(getattr(exc, "getCondition", lambda: "")() or "")
        if condition.startswith(("TABLE_OR_VIEW_NOT_FOUND", "UNRESOLVED_COLUMN", "UNRESOLVED_ROUTINE")):
            names = ", ".join(quote_ident(t) for t in self._tables) or "(none)"
            return f"use only the listed tables, columns and Spark SQL functions; tables: {names}"
        if condition.startswith(("PARSE_SYNTAX_ERROR", "PARSE_")):
            return 'send a single SELECT query in Spark SQL syntax; quote names with "double quotes"'
        if condition.startswith(("CAST_INVALID_INPUT", "DATATYPE_MISMATCH", "DIVIDE_BY_ZERO")):
            return "Spark (ANSI mode) is strict about types: use try_cast(x AS DOUBLE) or try_divide(a, b)"
        if "MISSING_AGGREGATION" in condition or "GROUP_BY" in condition:
            return "every selected column must be in GROUP BY or inside an aggregate"
        return "check the SQL against the table descriptions (Spark SQL dialect)"

    # -- profiling ---------------------------------------------------------------------------------

    def _samples(self) -> Iterator[tuple[str, pa.Table]]:
        for info in self._tables.values():
            yield info.name, self._sample(info)

    def _sample(self, info: TableInfo) -> pa.Table:
        df = self._spark.table(_backquote(info.name))
        if info.row_count > self._sample_rows:
            fraction = min(1.0, 2.0 * self._sample_rows / info.row_count)
            df = df.sample(fraction=fraction, seed=7)
        data: pa.Table = df.limit(self._sample_rows).toArrow()
        return data

    def close(self) -> None:
        with self._mutex:
            self._close_profile()
            for view in self._views:
                try:
                    self._spark.catalog.dropTempView(view)
                except Exception:  # noqa: BLE001 - the JVM may already be gone at exit
                    break
            self._views.clear()


class _PlanCheck:
    """Walks an unresolved Spark plan (operators, expressions, CTEs, subqueries) and refuses non-queries."""

    def __init__(self, jvm: Any, tables: set[str], sql: str) -> None:
        self._jvm = jvm
        self._tables = tables
        self._sql = sql
        self._ctes: set[str] = set()
        self._seen = 0
        catalyst = "org.apache.spark.sql.catalyst"
        self._subquery = jvm.java.lang.Class.forName(f"{catalyst}.expressions.SubqueryExpression")
        self._command = jvm.java.lang.Class.forName(f"{catalyst}.plans.logical.Command")
        self._expression_class = jvm.java.lang.Class.forName(f"{catalyst}.expressions.Expression")
        self._plan_class = jvm.java.lang.Class.forName(f"{catalyst}.plans.logical.LogicalPlan")

    def _refuse(self, message: str, reason: str) -> GuardError:
        return GuardError(
            message + " (refused by the Spark engine's own check)",
            hint="Write exactly one SELECT query that only reads the loaded tables.",
            sql=self._sql,
            reason=reason,
        )

    def _count(self) -> None:
        self._seen += 1
        if self._seen > _MAX_PLAN_NODES:
            raise self._refuse("the query is too large to check", "too_complex")

    def plan(self, node: Any) -> None:
        self._count()
        kind = str(node.getClass().getSimpleName())
        if self._command.isInstance(node) or any(word in kind for word in _REFUSED_NODE_WORDS):
            writes = any(word in kind for word in _WRITE_NODE_WORDS)
            raise self._refuse(
                f"Spark reads this SQL as {kind}, not as a query", "write" if writes else "statement"
            )
        if kind == "UnresolvedWith":
            for cte in _seq(node.cteRelations()):
                self._ctes.add(str(cte._1()).lower())
        elif kind == "UnresolvedRelation":
            self._relation([str(p) for p in _seq(node.multipartIdentifier())])
        elif kind == "UnresolvedTableValuedFunction":
            name = ".".join(str(p) for p in _seq(node.name())).lower()
            if name not in ALLOWED_TABLE_FUNCTIONS:
                raise self._refuse(f"the query reads from the table function {name}()", "forbidden_function")
        for expression in _seq(node.expressions()):
            self.expression(expression)
        for child in [*_seq(node.children()), *_seq(node.innerChildren())]:
            if self._plan_class.isInstance(child):
                self.plan(child)
            elif self._expression_class.isInstance(child):
                self.expression(child)

    def expression(self, node: Any) -> None:
        self._count()
        kind = str(node.getClass().getSimpleName())
        name = ""
        if kind == "UnresolvedFunction":
            parts = [str(p) for p in _seq(node.nameParts())]
            name = parts[-1].lower() if parts else ""
        elif kind == "UnresolvedGenerator":
            name = str(node.name().funcName()).lower()
        if name in FORBIDDEN_FUNCTIONS or name.startswith(FORBIDDEN_FUNCTION_PREFIXES):
            raise self._refuse(f"the query calls {name}(), which is not allowed", "forbidden_function")
        if self._subquery.isInstance(node):
            self.plan(node.plan())
        for child in _seq(node.children()):
            self.expression(child)

    def _relation(self, parts: list[str]) -> None:
        name = ".".join(parts).lower()
        if (len(parts) == 1 and name in self._ctes) or name in self._tables:
            return
        raise self._refuse(
            f"the query reads {'.'.join(parts)!r}, which is not one of the tables", "unknown_table"
        )


def _backquote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _seq(scala_seq: Any) -> Iterator[Any]:
    """Iterate a Scala Seq through py4j."""
    for i in range(int(scala_seq.size())):
        yield scala_seq.apply(i)


def _shown_type(spark_type: str) -> str:
    base = spark_type.split("(")[0].lower()
    if base == "decimal":
        return spark_type.upper()
    return _SHOWN_TYPES.get(base, spark_type.upper())


def _comment(field: Any) -> str | None:
    comment = field.metadata.get("comment") if field.metadata else None
    return str(comment) if comment else None


def _reader_for(source: str) -> str:
    """parquet/csv/json from the path's suffix, or from the files inside a directory."""
    suffix = Path(source.rstrip("/")).suffix.lower()
    if suffix in _FILE_READERS:
        return _FILE_READERS[suffix]
    if os.path.isdir(source):
        kinds = {
            _FILE_READERS[Path(f).suffix.lower()]
            for f in os.listdir(source)
            if Path(f).suffix.lower() in _FILE_READERS
        }
        if len(kinds) == 1:
            return kinds.pop()
        if not kinds:
            raise LoadError(
                f"{source} holds no Parquet, CSV or JSON files", hint="point at a data folder", path=source
            )
    elif "://" in source:  # hdfs://, s3a://… without a suffix: Parquet is the usual lake format
        return "parquet"
    raise LoadError(
        f"cannot tell which format {source} is",
        hint="name files ending in .parquet, .csv, .tsv or .json (a folder must hold one kind)",
        path=source,
    )


def open_spark(sources: Sequence[str], *, master: str | None = None, **engine_kwargs: Any) -> SparkEngine:
    """The Spark engine for command-line sources: a master URL (``spark://host:7077/db``,
    ``local[*]``) and/or data paths. With paths, each becomes a view; without, the catalog's tables."""
    masters = [s for s in sources if is_master(s)]
    paths = [s for s in sources if not is_master(s)]
    if len(masters) > 1:
        raise LoadError("name one Spark master at most", hint="e.g. spark://host:7077 or local[*]")
    database = None
    if masters:
        master_url = masters[0]
        if master_url.startswith("spark://") and master_url.count("/") > 2:
            master_url, _, database = master_url.rpartition("/")
        master = master_url
    engine = SparkEngine(master=master, **engine_kwargs)
    try:
        for path in paths:
            engine.add_files(path)
        if not paths:
            engine.add_catalog_tables(database or None)
        if not engine.tables():
            raise LoadError(
                "Spark shows no tables here",
                hint="name data files/folders after --engine spark, or a database: spark://host:7077/sales",
            )
    except BaseException:
        engine.close()
        raise
    return engine
