"""Loading files and database files into the engine.

``loader.read_sources`` is the entry point: ``formats`` decides a file's kind by content, one reader
per family turns it into ``raw.RawTable`` s (``delimited``: CSV/TSV/TXT with ``encoding``;
``excel``: .xlsx/.xls; ``columnar``: Parquet/JSON/JSONL; ``dbfiles``: SQLite/DuckDB files), and the
engine types text columns by content (``coerce``) as it stores them. ``names`` owns table/column
naming and ``quote_ident``, which every module that writes SQL uses.
"""
