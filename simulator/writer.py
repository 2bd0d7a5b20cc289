"""CSV writing: Arrow for the large tick files, the csv module (minimal quoting) for the rest."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv


def write_arrow_csv(table: pa.Table, path: Path) -> None:
    """Tick files hold no commas or quotes, so nothing is quoted (Arrow would quote the header)."""
    with path.open("wb") as handle:
        handle.write((",".join(table.column_names) + "\n").encode("utf-8"))
        pacsv.write_csv(
            table, handle, pacsv.WriteOptions(include_header=False, quoting_style="none", batch_size=65536)
        )


def write_rows(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Rows of strings (None = empty) under a header; returns the row count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(header)
        for row in rows:
            out.writerow(["" if v is None else v for v in row])
            count += 1
    return count
