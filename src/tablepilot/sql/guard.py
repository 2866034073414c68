"""The structural SQL guard: only one read-only query over the loaded tables may reach an engine.

A keyword deny-list rejects honest queries (a column named ``user``) and misses hostile ones
(``FROM 'data.csv'``), so this guard parses the SQL with sqlglot and walks the whole tree:

* exactly one statement, and that statement is a query (SELECT, set operation, FROM-first, PIVOT);
* no write, DDL or session statement anywhere (writable CTEs, ``SELECT … INTO``, ``FOR UPDATE``);
* every table source is a CTE in scope, a registered table, or an allow-listed table function;
  strings used as tables (``FROM 'x.parquet'``) and system catalogs are refused;
* no function that reads files, URLs, the environment or settings, runs dynamic SQL, sleeps or
  advances sequences.

For DuckDB the verdict is cross-checked with DuckDB's own parser and tokenizer, so a comment or
string that sqlglot reads differently from DuckDB cannot smuggle a second statement or a call.
For Spark, script transforms (``TRANSFORM … USING 'cmd'`` runs a shell command), Java reflection
(``reflect``, ``java_method``) and ``${…}`` variable substitution are refused; the Spark engine
checks Spark's own parse of the query again before it runs (``engines/spark_engine.py``).
The name sets below are the policy; the code only applies them.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokenizer_core import Token, TokenType

from tablepilot.errors import GuardError
from tablepilot.sql.dialects import read_dialect

# ---------------------------------------------------------------------------------------------
# Policy: which nodes, functions and names are refused.
# ---------------------------------------------------------------------------------------------


def _names(text: str) -> frozenset[str]:
    """A set of lower-case names from whitespace-separated text (keeps long lists readable)."""
    return frozenset(text.lower().split())


#: Statements that change data, schema, files or privileges, with the words used in messages.
WRITE_NODES: dict[type[exp.Expr], str] = {
    exp.Insert: "INSERT",
    exp.Update: "UPDATE",
    exp.Delete: "DELETE",
    exp.Merge: "MERGE",
    exp.Create: "CREATE",
    exp.Drop: "DROP",
    exp.Alter: "ALTER",
    exp.TruncateTable: "TRUNCATE",
    exp.Into: "SELECT … INTO",
    exp.Copy: "COPY",
    exp.Export: "EXPORT",
    exp.LoadData: "LOAD DATA",
    exp.Attach: "ATTACH",
    exp.Detach: "DETACH",
    exp.Grant: "GRANT",
    exp.Revoke: "REVOKE",
    exp.Lock: "SELECT … FOR UPDATE/SHARE (row locks)",
    exp.Cache: "CACHE",
    exp.Uncache: "UNCACHE",
    exp.Refresh: "REFRESH",
    exp.Analyze: "ANALYZE",
    exp.QueryTransform: "TRANSFORM … USING (runs a shell command)",
}

#: Statements that do not write data but change or reveal the session, or are not queries.
STATEMENT_NODES: dict[type[exp.Expr], str] = {
    exp.Command: "command",
    exp.Set: "SET",
    exp.Pragma: "PRAGMA",
    exp.Use: "USE",
    exp.Install: "INSTALL",
    exp.Describe: "DESCRIBE",
    exp.Show: "SHOW",
    exp.Summarize: "SUMMARIZE",
    exp.Transaction: "BEGIN TRANSACTION",
    exp.Commit: "COMMIT",
    exp.Rollback: "ROLLBACK",
    exp.Kill: "KILL",
    exp.Declare: "DECLARE",
    exp.Execute: "EXECUTE",
    exp.ExecuteSql: "EXECUTE",
}

#: Leading words of statements sqlglot cannot parse, to say what they are instead of "syntax error".
_WRITE_WORDS = """INSERT UPDATE DELETE MERGE UPSERT REPLACE CREATE DROP ALTER TRUNCATE COPY EXPORT IMPORT
    ATTACH DETACH GRANT REVOKE VACUUM CHECKPOINT REINDEX COMMENT"""
_STATEMENT_WORDS = """SET RESET PRAGMA USE INSTALL LOAD FORCE CALL DESCRIBE SHOW SUMMARIZE EXPLAIN BEGIN START
    COMMIT END ROLLBACK ABORT SAVEPOINT RELEASE PREPARE EXECUTE DEALLOCATE DO LISTEN NOTIFY UNLISTEN LOCK
    DECLARE FETCH MOVE CLOSE DISCARD ANALYZE CLUSTER REFRESH SECURITY"""
WRITE_WORDS = frozenset(_WRITE_WORDS.split())
STATEMENT_WORDS = frozenset(_STATEMENT_WORDS.split())

#: Roots that are one read-only query.
QUERY_ROOTS: tuple[type[exp.Expr], ...] = (exp.Select, exp.SetOperation, exp.Subquery, exp.Pivot, exp.Values)

#: Table functions that only generate rows from their arguments.
ALLOWED_TABLE_FUNCTIONS = frozenset({"unnest", "range", "generate_series", "exploding_generate_series"})
ALLOWED_TABLE_FUNCTION_NODES: tuple[type[exp.Expr], ...] = (
    exp.Unnest,
    exp.Explode,
    exp.GenerateSeries,
    exp.ExplodingGenerateSeries,
)

#: Functions (table or scalar) that read files, URLs or other databases.
FILE_FUNCTIONS = _names(
    """
    glob sniff_csv parquet_scan parquet_metadata parquet_schema parquet_file_metadata
    parquet_kv_metadata parquet_bloom_probe csv_scan json_scan delta_scan iceberg_scan iceberg_metadata
    iceberg_snapshots sqlite_scan sqlite_attach postgres_scan postgres_scan_pushdown postgres_attach
    postgres_query postgres_execute mysql_scan mysql_query mysql_execute arrow_scan st_read st_read_meta
    spatial_read lo_import lo_export lo_get lo_put lo_from_bytea pg_read_file pg_read_binary_file
    pg_ls_dir pg_ls_logdir pg_ls_waldir pg_ls_tmpdir pg_ls_archive_statusdir pg_stat_file pg_file_write
    pg_file_rename pg_file_unlink readfile writefile load_extension http_get http_post excel_scan
    fts3_tokenizer edit copy_database load_file
    """
)
FILE_FUNCTION_NODES: tuple[type[exp.Expr], ...] = (exp.ReadCSV, exp.ReadParquet)
FILE_FUNCTION_PREFIXES = ("read_", "dblink", "pg_read_", "pg_ls_", "lo_", "parquet_", "iceberg_", "delta_")

#: Functions that reveal environment or settings, run dynamic SQL, sleep, or change state.
FORBIDDEN_FUNCTIONS = _names(
    """
    query query_table getenv current_setting set_config getvariable which_secret load_aws_credentials
    checkpoint force_checkpoint nextval setval currval lastval pg_sleep pg_sleep_for pg_sleep_until
    sleep sleep_ms pg_terminate_backend pg_cancel_backend pg_reload_conf pg_rotate_logfile pg_switch_wal
    pg_promote pg_notify pg_backend_pid inet_server_addr inet_client_addr txid_current enable_logging
    disable_logging truncate_duckdb_logs enable_profiling sqlite_compileoption_get
    sqlite_compileoption_used sqlite_offset
    benchmark get_lock release_lock release_all_locks is_free_lock master_pos_wait source_pos_wait
    reflect java_method try_reflect input_file_name input_file_block_start input_file_block_length
    """
)
# fmt: off
FORBIDDEN_FUNCTION_PREFIXES = (
    "pg_create_", "pg_drop_", "pg_start_", "pg_stop_", "pg_backup_", "pg_logical_", "pg_replication_",
    "pg_advisory_", "pg_try_advisory_", "pg_import_", "pg_export_", "pg_sleep", "pg_reload_",
    "xpath",  # Spark's XML functions: an XML parser is no place for model-written input
)
# fmt: on
#: Functions that read the system catalog or settings (paths, extensions, other databases).
SYSTEM_FUNCTION_PREFIXES = ("duckdb_", "pragma_", "pg_stat_", "pg_get_", "pg_settings", "pg_show_")

#: Schemas and table-name prefixes of system catalogs (they leak paths, settings and other data).
SYSTEM_SCHEMAS = frozenset({"information_schema", "pg_catalog", "pg_toast", "system"})
SYSTEM_TABLE_PREFIXES = ("duckdb_", "pg_", "sqlite_", "pragma_")

#: Schema qualifiers that still mean "the default database" for registered tables.
DEFAULT_QUALIFIERS = frozenset({"main", "public", "memory", "temp"})

#: Characters that make a table name a file path, URL or glob (DuckDB reads such names as files).
_PATHLIKE = re.compile(r"[./\\:~*?]")

_STRING_TOKENS = frozenset(
    {
        TokenType.STRING,
        TokenType.BYTE_STRING,
        TokenType.HEREDOC_STRING,
        TokenType.NATIONAL_STRING,
        TokenType.RAW_STRING,
        TokenType.HEX_STRING,
        TokenType.BIT_STRING,
        TokenType.UNICODE_STRING,
    }
)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")

#: The codes ``GuardError.data["reason"]`` can take.
#: longer replies are degenerate model output, not queries worth parsing
MAX_SQL_CHARS = 20_000

REASONS = (
    "empty",
    "too_complex",
    "parse_error",
    "multiple_statements",
    "write",
    "statement",
    "file_access",
    "forbidden_function",
    "system_catalog",
    "unknown_table",
    "ambiguous",
)

_HINT_SELECT = "Write exactly one SELECT query (WITH … SELECT is fine) that only reads the loaded tables."


# ---------------------------------------------------------------------------------------------
# The guard.
# ---------------------------------------------------------------------------------------------


def check_readonly(sql: str, *, dialect: str = "duckdb", tables: Collection[str] | None = None) -> str:
    """Return ``sql`` ready to run if it is exactly one read-only query, else raise ``GuardError``.

    The returned text is the original, trimmed of surrounding whitespace, comments and semicolons.
    With ``tables``, every table reference must be one of them (case-insensitive) or a CTE.
    """
    if len(sql) > MAX_SQL_CHARS:
        raise _error(
            f"The SQL is {len(sql):,} characters long; at most {MAX_SQL_CHARS:,} are checked.",
            "too_complex",
            sql,
            hint="Write a shorter query.",
        )
    try:
        return _check_readonly(sql, dialect, tables)
    except RecursionError as exc:  # a degenerate, deeply nested reply from a small model
        raise _error(
            "The SQL is nested too deeply to check.", "too_complex", sql, hint="Write a simpler query."
        ) from exc


def _check_readonly(sql: str, dialect: str, tables: Collection[str] | None) -> str:
    tokens = _tokenize(sql, dialect)
    statements = _split_statements(tokens)
    if not statements:
        raise _error("The SQL is empty.", "empty", sql, hint=_HINT_SELECT)
    if len(statements) > 1:
        raise _error(
            f"The SQL contains {len(statements)} statements; only one query may run at a time.",
            "multiple_statements",
            sql,
            hint="Send a single SELECT query without a semicolon followed by more SQL.",
        )
    if dialect == "spark" and "${" in sql:
        raise _error(
            "The SQL contains ${…}, which Spark replaces with configuration values before parsing.",
            "forbidden_function",
            sql,
            hint="Remove the ${…}; write literal values instead.",
        )
    root = _parse(sql, dialect, statements[0])
    _check_root(root, sql, statements[0][0].text.upper())
    _check_nodes(root, sql)
    _check_sources(root, sql, tables)
    if dialect == "duckdb":
        _check_with_duckdb(sql, root, tokens)
    first, last = statements[0][0], statements[0][-1]
    return sql[first.start : last.end + 1]


def _error(message: str, reason: str, sql: str, *, hint: str) -> GuardError:
    return GuardError(message, hint=hint, sql=sql, reason=reason)


def _tokenize(sql: str, dialect: str) -> list[Token]:
    try:
        return list(sqlglot.tokenize(sql, read=read_dialect(dialect)))
    except (TokenError, ParseError) as exc:
        raise _error(
            f"The SQL could not be read: {_clean(str(exc))}.",
            "parse_error",
            sql,
            hint="Check for an unterminated string, quoted name or comment.",
        ) from exc


def _split_statements(tokens: list[Token]) -> list[list[Token]]:
    """Group tokens by top-level semicolons; comments are not tokens, so they never count."""
    statements: list[list[Token]] = [[]]
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            statements.append([])
        else:
            statements[-1].append(token)
    return [s for s in statements if s]


def _parse(sql: str, dialect: str, statement: list[Token]) -> exp.Expr:
    leading = statement[0].text.upper()
    try:
        parsed = [
            e
            for e in sqlglot.parse(sql, read=read_dialect(dialect))
            if e is not None and not isinstance(e, exp.Semicolon)
        ]
    except ParseError as exc:
        if leading in WRITE_WORDS or leading in STATEMENT_WORDS:
            raise _not_a_query(leading, leading in WRITE_WORDS, sql) from exc
        raise _error(
            f"The SQL could not be parsed: {_describe_parse_error(exc)}.",
            "parse_error",
            sql,
            hint="Fix the syntax; " + _HINT_SELECT[0].lower() + _HINT_SELECT[1:],
        ) from exc
    if len(parsed) != 1:
        raise _error("The SQL must be exactly one statement.", "multiple_statements", sql, hint=_HINT_SELECT)
    return parsed[0]


def _describe_parse_error(exc: ParseError) -> str:
    if exc.errors:
        first = exc.errors[0]
        where = f"line {first.get('line')}, column {first.get('col')}"
        near = first.get("highlight")
        return f"{first.get('description')} at {where}" + (f" near {near!r}" if near else "")
    return _clean(str(exc))


def _clean(text: str) -> str:
    return _ANSI.sub("", text).strip().rstrip(".")


def _not_a_query(kind: str, writes: bool, sql: str) -> GuardError:
    if writes:
        return _error(
            f"{kind} statements are not allowed: they change data, files or the database, "
            "and only read-only queries may run.",
            "write",
            sql,
            hint=_HINT_SELECT,
        )
    return _error(
        f"{kind} statements are not allowed: only a single read-only SELECT query may run.",
        "statement",
        sql,
        hint=_HINT_SELECT,
    )


def _statement_kind(node: exp.Expr) -> tuple[str, bool] | None:
    """(words for the statement, whether it writes) when ``node`` is a forbidden statement."""
    for cls, words in WRITE_NODES.items():
        if isinstance(node, cls):
            return words, True
    for cls, words in STATEMENT_NODES.items():
        if isinstance(node, cls):
            if isinstance(node, exp.Command):
                word = str(node.this).upper()
                return word, word in WRITE_WORDS
            return words, False
    return None


def _check_root(root: exp.Expr, sql: str, leading: str) -> None:
    if isinstance(root, QUERY_ROOTS):
        return
    kind = _statement_kind(root)
    if kind is not None:
        raise _not_a_query(kind[0], kind[1], sql)
    raise _not_a_query(leading, leading in WRITE_WORDS, sql)


def _check_nodes(root: exp.Expr, sql: str) -> None:
    """Refuse forbidden statements and functions anywhere in the tree (CTEs, subqueries, joins)."""
    for node in root.walk():
        kind = _statement_kind(node)
        if kind is not None:
            words, writes = kind
            raise _error(
                f"The query contains a {words} {'operation' if writes else 'statement'} "
                f"(for example inside a CTE or subquery); only reading is allowed.",
                "write" if writes else "statement",
                sql,
                hint=_HINT_SELECT,
            )
        if isinstance(node, exp.Func):
            _check_function(node, sql)


def _function_names(node: exp.Func) -> list[str]:
    """The names a function may go by, display name first: as written, or sqlglot's names."""
    if isinstance(node, exp.Anonymous):
        return [node.name.lower()]
    return [node.sql_name().lower(), type(node).__name__.lower()]


def _check_function(node: exp.Func, sql: str) -> None:
    names = _function_names(node)
    shown = names[0]
    if isinstance(node, FILE_FUNCTION_NODES) or any(
        n in FILE_FUNCTIONS or n.startswith(FILE_FUNCTION_PREFIXES) for n in names
    ):
        raise _error(
            f"The query calls {shown}(), which reads files, URLs or other databases; "
            "queries may only read the loaded tables.",
            "file_access",
            sql,
            hint="Query the loaded tables by name instead of reading files.",
        )
    if any(n.startswith(SYSTEM_FUNCTION_PREFIXES) for n in names):
        raise _error(
            f"The query calls {shown}(), which reads the database's system catalog or settings; "
            "queries may only read the loaded tables.",
            "system_catalog",
            sql,
            hint="Query the loaded tables; their columns are listed in the schema you were given.",
        )
    if any(n in FORBIDDEN_FUNCTIONS or n.startswith(FORBIDDEN_FUNCTION_PREFIXES) for n in names):
        raise _error(
            f"The query calls {shown}(), which is not allowed: it reveals settings or the environment, "
            "runs dynamic SQL, waits, or changes state.",
            "forbidden_function",
            sql,
            hint="Remove that function; use only ordinary scalar and aggregate functions.",
        )


# ---------------------------------------------------------------------------------------------
# Table sources.
# ---------------------------------------------------------------------------------------------


def _check_sources(root: exp.Expr, sql: str, tables: Collection[str] | None) -> None:
    registered = {t.lower() for t in tables} if tables is not None else None
    for node in root.walk():
        if isinstance(node, exp.Lateral) and isinstance(node.this, exp.Func):
            _check_table_function(node.this, sql)
        if isinstance(node, exp.Table):
            if isinstance(node.this, exp.Func):
                _check_table_function(node.this, sql)
            elif isinstance(node.this, exp.Identifier):
                _check_table_name(node, sql, registered)
            elif node.this is not None:
                raise _error(
                    f"The query reads from {node.this.sql()!r}, which is not a table.",
                    "file_access",
                    sql,
                    hint="Read only from the loaded tables, CTEs or subqueries.",
                )


def _check_table_function(func: exp.Func, sql: str) -> None:
    if isinstance(func, ALLOWED_TABLE_FUNCTION_NODES):
        return
    names = _function_names(func)
    if ALLOWED_TABLE_FUNCTIONS.intersection(names):
        return
    _check_function(func, sql)  # a more specific reason first, when there is one
    name = names[0]
    raise _error(
        f"The query reads from the table function {name}(); only the loaded tables and "
        f"{', '.join(sorted(ALLOWED_TABLE_FUNCTIONS - {'exploding_generate_series'}))} may be used as row sources.",
        "forbidden_function",
        sql,
        hint="Select from the loaded tables instead.",
    )


def _check_table_name(table: exp.Table, sql: str, registered: set[str] | None) -> None:
    parts = [p.name for p in table.parts]
    name = table.name
    if len(parts) == 1 and name.lower() in _ctes_in_scope(table):
        return
    for part in parts:
        if _PATHLIKE.search(part):
            raise _error(
                f"The query reads from {part!r}, which looks like a file path or URL; "
                "queries may only read the loaded tables.",
                "file_access",
                sql,
                hint=_tables_hint(registered),
            )
    qualifiers = [p.lower() for p in parts[:-1]]
    dotted = ".".join(p.lower() for p in parts)
    if registered is not None and (
        dotted in registered or (name.lower() in registered and set(qualifiers) <= DEFAULT_QUALIFIERS)
    ):
        return
    if (
        set(qualifiers) & SYSTEM_SCHEMAS
        or name.lower().startswith(SYSTEM_TABLE_PREFIXES)
        or (name.lower() in SYSTEM_SCHEMAS)
    ):
        raise _error(
            f"The query reads the system catalog {dotted!r}; queries may only read the loaded tables.",
            "system_catalog",
            sql,
            hint=_tables_hint(registered),
        )
    if registered is not None:
        shown = ", ".join(_quote(t) for t in sorted(registered)) or "(none)"
        raise _error(
            f"The query uses the table {_quote('.'.join(parts))}, which is not loaded. "
            f"Available tables: {shown}.",
            "unknown_table",
            sql,
            hint=_tables_hint(registered),
        )


def _ctes_in_scope(node: exp.Expr) -> set[str]:
    """CTE names visible at ``node``: earlier siblings in its own WITH (itself if RECURSIVE),
    and every CTE of each enclosing query it sits in the body of."""
    names: set[str] = set()
    child, parent = node, node.parent
    entered: exp.Expr | None = None
    while parent is not None:
        if isinstance(parent, exp.With):
            ctes = list(parent.expressions)
            index = next((i for i, c in enumerate(ctes) if c is child), len(ctes))
            visible = ctes[: index + 1] if parent.args.get("recursive") else ctes[:index]
            names.update(c.alias_or_name.lower() for c in visible)
            entered = parent
        else:
            with_ = parent.args.get("with_") or parent.args.get("with")
            if isinstance(with_, exp.With) and with_ is not entered:
                names.update(c.alias_or_name.lower() for c in with_.expressions)
        child, parent = parent, parent.parent
    return names


def _tables_hint(registered: set[str] | None) -> str:
    if registered:
        return "Use only these tables: " + ", ".join(_quote(t) for t in sorted(registered)) + "."
    return "Read only from the loaded tables, CTEs or subqueries."


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# ---------------------------------------------------------------------------------------------
# DuckDB cross-check.
# ---------------------------------------------------------------------------------------------


def _check_with_duckdb(sql: str, root: exp.Expr, tokens: list[Token]) -> None:
    """Ask DuckDB's parser too: one SELECT, and strings/comments where sqlglot saw them."""
    import duckdb

    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise _error(
            f"DuckDB could not parse the query: {_clean(str(exc))}.",
            "parse_error",
            sql,
            hint="Fix the syntax for DuckDB; " + _HINT_SELECT[0].lower() + _HINT_SELECT[1:],
        ) from exc
    allowed = {duckdb.StatementType.SELECT}
    if isinstance(root, exp.Pivot):
        allowed.add(duckdb.StatementType.MULTI)  # PIVOT without IN (…) first looks up the values
    if len(statements) != 1 or statements[0].type not in allowed:
        kinds = ", ".join(str(s.type).rsplit(".", 1)[-1] for s in statements)
        raise _error(
            f"DuckDB reads this SQL as {kinds or 'nothing'}, not as one SELECT query.",
            "multiple_statements" if len(statements) > 1 else "statement",
            sql,
            hint=_HINT_SELECT,
        )
    disagreement = _token_disagreement(sql, tokens, duckdb.tokenize(sql))
    if disagreement is not None:
        raise _error(
            f"The SQL is ambiguous: DuckDB and the checker read it differently near character "
            f"{disagreement}.",
            "ambiguous",
            sql,
            hint="Avoid unusual comments, escapes and quoting; " + _HINT_SELECT[0].lower() + _HINT_SELECT[1:],
        )


def _token_disagreement(sql: str, tokens: list[Token], duck: Sequence[tuple[int, object]]) -> int | None:
    """Character offset where DuckDB's tokens do not fit sqlglot's, or None when they agree.

    Every DuckDB token outside a comment must start inside some sqlglot token, every string
    literal must start where a sqlglot string starts, and no sqlglot token may begin inside a
    DuckDB comment. That rules out code hidden in what one side thinks is a string or comment.
    """
    char_at = _byte_to_char(sql)
    spans = [
        (t.start, t.end, t.token_type in _STRING_TOKENS or t.token_type == TokenType.IDENTIFIER)
        for t in tokens
    ]
    starts = {s for s, _, _ in spans}
    string_starts = {s for s, _, is_str in spans if is_str}
    positions = [char_at.get(p, -1) for p, _ in duck] + [len(sql)]
    for i, (_, kind) in enumerate(duck):
        pos = positions[i]
        name = str(kind).rsplit(".", 1)[-1]
        if name == "comment":
            if any(pos <= s < positions[i + 1] for s in starts):
                return pos
            continue
        if name == "string_const":
            if pos not in starts:
                return pos
            continue
        if not any(s <= pos <= e for s, e, _ in spans):
            return pos
        if any(s < pos <= e for s, e, is_str in spans if is_str):
            return pos
    for s in string_starts:
        if s not in positions:
            return s
    return None


def _byte_to_char(sql: str) -> dict[int, int]:
    mapping: dict[int, int] = {}
    offset = 0
    for index, char in enumerate(sql):
        mapping[offset] = index
        offset += len(char.encode("utf-8"))
    mapping[offset] = len(sql)
    return mapping
