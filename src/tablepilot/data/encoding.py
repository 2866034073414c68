"""Text encodings of delimited files.

DuckDB reads only UTF-8, so any other encoding (GBK/GB18030 from Chinese Excel exports, UTF-16 from
"Unicode text" exports) is transcoded into a private temporary file; the user's file is only read.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from charset_normalizer import from_bytes

from tablepilot.errors import LoadError

_CHUNK = 1 << 20
_SAMPLE = 1 << 20
# charset-normalizer names → the codec we decode with (GB18030 is a superset of GBK and GB2312).
_WIDEN = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "ascii": "utf-8"}


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    with path.open("rb") as f:
        try:
            while chunk := f.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _looks_utf16(sample: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-ASCII text has a NUL in every other byte."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _looks_chinese(sample: bytes) -> bool:
    """GBK/GB18030 text: decodes, and its non-ASCII characters are mostly Chinese.

    Checked before charset-normalizer, which on short samples often calls GBK Korean (cp949).
    """
    try:
        text = codecs.getincrementaldecoder("gb18030")("strict").decode(sample)
    except UnicodeDecodeError:
        return False
    wide = [ch for ch in text if ord(ch) > 127]
    cjk = sum(
        1
        for ch in wide
        if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
    )
    return bool(wide) and cjk >= 0.8 * len(wide)


def detect_encoding(path: Path) -> str:
    """The codec name of a text file: ``utf-8`` (with or without BOM), ``utf-16``, ``gb18030``…

    Raises ``LoadError`` for binary content or text in no encoding we can recognise.
    """
    with path.open("rb") as f:
        sample = f.read(_SAMPLE)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        utf16 = _looks_utf16(sample)
        if utf16:
            return utf16
        raise LoadError(
            f"{path.name} is not a text file (it contains binary data)",
            hint="check that this is really a CSV/TSV/TXT export; save it again as CSV from the program that made it",
            path=str(path),
        )
    if _is_utf8(path):
        return "utf-8"
    if _looks_chinese(sample):
        return "gb18030"
    best = from_bytes(sample).best()
    if best is None:
        raise LoadError(
            f"cannot tell the text encoding of {path.name}",
            hint="save the file as UTF-8 (e.g. Excel: Save As → 'CSV UTF-8')",
            path=str(path),
        )
    return _WIDEN.get(best.encoding.lower(), best.encoding)


@contextlib.contextmanager
def utf8_copy(path: Path, encoding: str) -> Iterator[Path]:
    """``path`` itself when it is UTF-8, else a temporary UTF-8 copy removed on exit."""
    if encoding in ("utf-8", "utf_8"):
        yield path
        return
    tmpdir = tempfile.mkdtemp(prefix="tablepilot-load-")
    try:
        target = Path(tmpdir) / "data.csv"
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
                while chunk := src.read(_CHUNK):
                    dst.write(decoder.decode(chunk))
                dst.write(decoder.decode(b"", final=True))
        except (UnicodeDecodeError, LookupError) as exc:
            raise LoadError(
                f"cannot decode {path.name} as {encoding}: {exc}",
                hint="save the file as UTF-8 (e.g. Excel: Save As → 'CSV UTF-8')",
                path=str(path),
            ) from exc
        os.chmod(target, 0o600)
        yield target
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
