"""Bad input: each case is a one-line LoadError naming the file with a hint, and the file is untouched."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from tablepilot.data.loader import read_sources
from tablepilot.engines.duckdb_engine import open_sources
from tablepilot.errors import InputError, LoadError


def _fails(path: Path, *words: str) -> LoadError:
    before = (path.read_bytes(), path.stat().st_mtime_ns) if path.is_file() else None
    with pytest.raises(LoadError) as info:
        open_sources([path])
    err = info.value
    assert isinstance(err, InputError)
    assert path.name in err.message
    assert "\n" not in err.message
    assert err.hint
    assert err.data["path"] == str(path)
    for w in words:
        assert w in err.message.lower(), (w, err.message)
    if before is not None:
        assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    return err


def test_missing_file(tmp_path: Path) -> None:
    _fails(tmp_path / "nope.csv", "does not exist")


def test_directory(tmp_path: Path) -> None:
    d = tmp_path / "folder.csv"
    d.mkdir()
    _fails(d, "folder")


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.csv"
    p.write_bytes(b"")
    _fails(p, "empty")


def test_binary_junk_named_csv(tmp_path: Path) -> None:
    p = tmp_path / "junk.csv"
    p.write_bytes(bytes(range(256)) * 40)
    _fails(p, "binary")


def test_corrupt_xlsx(tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["a"])
    wb.save(good)
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(good.read_bytes()[:300])  # truncated: zip magic, no central directory
    _fails(bad, "damaged")


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    p = tmp_path / "notes.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("readme.txt", "hello")
    _fails(p, "zip")


def test_password_protected_xlsx(tmp_path: Path) -> None:
    # what Excel writes for an encrypted workbook: an OLE container holding an EncryptionInfo stream
    p = tmp_path / "secret.xlsx"
    p.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 1000
        + "EncryptionInfo".encode("utf-16-le")
        + b"\0" * 500
    )
    _fails(p, "password")


def test_garbage_ole_named_xls(tmp_path: Path) -> None:
    p = tmp_path / "old.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 600)
    _fails(p, "excel")


def test_unreadable_encoding(tmp_path: Path) -> None:
    p = tmp_path / "mixed.csv"
    # valid-looking text except for bytes no encoding maps to text sensibly
    p.write_bytes(b"a,b\n" + b"\x81\xff\xfe\x80\x9f" * 50 + b",1\n")
    _fails(p, "encoding")


def test_workbook_whose_sheets_are_all_empty(tmp_path: Path) -> None:
    p = tmp_path / "blank.xlsx"
    wb = openpyxl.Workbook()
    wb.create_sheet("two")
    wb.save(p)
    _fails(p, "no sheet")


def test_unsupported_extension_lists_supported(tmp_path: Path) -> None:
    p = tmp_path / "report.pdf"
    p.write_bytes(b"%PDF-1.4")
    err = _fails(p, "unsupported")
    assert err.hint is not None and ".csv" in err.hint and ".xlsx" in err.hint


def test_extension_content_mismatch_for_database(tmp_path: Path) -> None:
    p = tmp_path / "data.sqlite"
    p.write_text("a,b\n1,2\n")
    _fails(p, "not a sqlite")


def test_corrupt_parquet(tmp_path: Path) -> None:
    p = tmp_path / "bad.parquet"
    p.write_bytes(b"PAR1" + b"\x00" * 50)
    _fails(p, "parquet")


def test_invalid_json(tmp_path: Path) -> None:
    p = tmp_path / "bad.json"
    p.write_text('{"a": 1,,}')
    _fails(p, "json")


def test_one_bad_file_fails_the_batch_by_name(tmp_path: Path) -> None:
    good = tmp_path / "ok.csv"
    good.write_text("a\n1\n")
    with pytest.raises(LoadError, match="missing.csv"):
        read_sources([good, tmp_path / "missing.csv"])


def test_whitespace_only_csv(tmp_path: Path) -> None:
    p = tmp_path / "blank.csv"
    p.write_text("\n \n\t\n")
    _fails(p, "no data")
