"""Which reader a file needs, decided by its content first and its extension second.

Files are often misnamed (an .xlsx saved as .csv, a CSV renamed .xls), so magic bytes win; the
extension only picks between text formats and gates what we accept at all.
"""

from __future__ import annotations

from pathlib import Path

from tablepilot.errors import LoadError

TEXT_EXTENSIONS = (".csv", ".tsv", ".tab", ".txt")
EXCEL_EXTENSIONS = (".xlsx", ".xlsm", ".xls")
COLUMNAR_EXTENSIONS = (".parquet", ".pq", ".json", ".jsonl", ".ndjson")
DATABASE_EXTENSIONS = (".sqlite", ".sqlite3", ".db", ".duckdb", ".ddb")
SUPPORTED_EXTENSIONS = TEXT_EXTENSIONS + EXCEL_EXTENSIONS + COLUMNAR_EXTENSIONS + DATABASE_EXTENSIONS

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


def _fail(path: Path, message: str, hint: str) -> LoadError:
    return LoadError(message, hint=hint, path=str(path))


def _is_encrypted_ole(path: Path) -> bool:
    """An encrypted OOXML workbook is an OLE container with an ``EncryptionInfo`` stream."""
    tail = b""
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            if _ENCRYPTION_INFO in tail + chunk:
                return True
            tail = chunk[-len(_ENCRYPTION_INFO) :]
    return False


def _is_xlsx_zip(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            return "xl/workbook.xml" in z.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise _fail(
            path,
            f"{path.name} is a damaged Excel workbook ({exc})",
            "open it in Excel or LibreOffice and save it again as .xlsx",
        ) from exc


def sniff_format(path: Path) -> str:
    """One of ``delimited``, ``json``, ``parquet``, ``xlsx``, ``xls``, ``sqlite``, ``duckdb``.

    Raises ``LoadError`` for a missing, empty, unreadable or unsupported file.
    """
    if not path.exists():
        raise _fail(path, f"{path} does not exist", "check the path and the file name")
    if path.is_dir():
        raise _fail(path, f"{path} is a folder, not a file", "pass the data files inside it instead")
    ext = path.suffix.lower()
    if ext not in SUPPORTED_EXTENSIONS:
        raise _fail(
            path,
            f"{path.name}: unsupported file type {ext or '(no extension)'!r}",
            "supported: " + " ".join(SUPPORTED_EXTENSIONS),
        )
    try:
        if path.stat().st_size == 0:
            raise _fail(path, f"{path.name} is empty (0 bytes)", "check that the export or download finished")
        with path.open("rb") as f:
            head = f.read(4096)
    except PermissionError as exc:
        raise _fail(
            path, f"{path.name} cannot be read: permission denied", "check the file's permissions"
        ) from exc
    if head.startswith(b"PK\x03\x04"):
        if _is_xlsx_zip(path):
            return "xlsx"
        raise _fail(
            path,
            f"{path.name} is a zip archive, not a data file",
            "unzip it, or save the workbook as .xlsx if it came from another office program",
        )
    if head.startswith(_OLE):
        if _is_encrypted_ole(path):
            raise _fail(
                path,
                f"{path.name} is password-protected",
                "open it in Excel, remove the password (File → Info → Protect Workbook) and save again",
            )
        return "xls"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"SQLite format 3\x00"):
        return "sqlite"
    if head[8:12] == b"DUCK":
        return "duckdb"
    if ext in (".parquet", ".pq") + DATABASE_EXTENSIONS:
        raise _fail(
            path,
            f"{path.name} is not a {ext[1:]} file (its content does not match the extension)",
            "check that the file was exported completely and has the right extension",
        )
    if ext in (".json", ".jsonl", ".ndjson"):
        return "json"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"{") or (start.startswith(b"[") and start[1:].lstrip().startswith((b"{", b"]"))):
        return "json"
    return "delimited"
