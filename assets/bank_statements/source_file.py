"""Reading a statement file's bytes, refusing files that are missing, empty or too large.

The size is checked before anything is read, so an oversized upload never reaches memory.
"""

from __future__ import annotations

from pathlib import Path

from assets.bank_statements.model import DEFAULT_MAX_BYTES, StatementFileError


def read_statement_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's content, or StatementFileError when it is absent, empty or above max_bytes."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise StatementFileError(path, f"cannot open the file ({exc.strerror or exc})") from exc
    if not path.is_file():
        raise StatementFileError(path, "not a regular file")
    if size > max_bytes:
        raise StatementFileError(
            path, f"file too large: {size:,} bytes, the limit for a statement file is {max_bytes:,} bytes"
        )
    try:
        with path.open("rb") as handle:
            # Read one byte past the limit: the file may have grown since stat().
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise StatementFileError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    if len(data) > max_bytes:
        raise StatementFileError(path, f"file too large: more than {max_bytes:,} bytes")
    if not data or data.isspace():
        raise StatementFileError(path, "empty file: no statement in it")
    return data
