"""One entry point for any statement file in the landing zone, whatever format the bank sends.

The extension decides (`<account>.camt053.xml`, `<account>.mt940`, ...). A file with an
unfamiliar extension is recognised by its first bytes: XML starts with `<`, SWIFT text
with a `{1:` envelope or a `:20:` field.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assets.bank_statements.model import DEFAULT_MAX_BYTES, ParsedStatementFile, StatementFileError
from assets.bank_statements.parse_bank_csv import parse_bank_csv
from assets.bank_statements.parse_camt053 import parse_camt053
from assets.bank_statements.parse_mt940 import parse_mt940

CAMT053 = "camt053"
MT940 = "mt940"
BANK_CSV = "csv"
_SUFFIXES = {
    ".xml": CAMT053,
    ".mt940": MT940,
    ".sta": MT940,
    ".940": MT940,
    ".mt942": MT940,
    ".942": MT940,
    ".csv": BANK_CSV,
}
_PARSERS: dict[str, Callable[[Path, int], ParsedStatementFile]] = {
    CAMT053: parse_camt053,
    MT940: parse_mt940,
    BANK_CSV: parse_bank_csv,
}
_SNIFF_BYTES = 4096


def statement_format(path: Path) -> str:
    """'camt053', 'mt940' or 'csv' for a statement file, from its extension or else its first bytes."""
    path = Path(path)
    by_suffix = _SUFFIXES.get(path.suffix.lower())
    if by_suffix is not None:
        return by_suffix
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as exc:
        raise StatementFileError(path, f"cannot open the file ({exc.strerror or exc})") from exc
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not start:
        raise StatementFileError(path, "empty file: no statement in it")
    if start.startswith(b"<"):
        return CAMT053
    if start.startswith((b"{1:", b":20:", b":940:")):
        return MT940
    raise StatementFileError(
        path,
        f"unknown statement format: the extension {path.suffix or '(none)'!r} is not one of "
        f"{', '.join(sorted(_SUFFIXES))} and the content is neither XML nor SWIFT MT940/MT942",
    )


def parse_statement_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedStatementFile:
    """The statements and lines of one landing file; StatementFileError when it cannot be read."""
    path = Path(path)
    return _PARSERS[statement_format(path)](path, max_bytes)
