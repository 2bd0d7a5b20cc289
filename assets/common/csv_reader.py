"""Landing CSV files read as strings, so no value is coerced before the contract judges it.

Rows the CSV parser cannot split (a wrong number of fields) do not fail the file: they are kept
with their line text and become quarantine rows, and the remaining rows keep their true 1-based
data row numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

from assets.common.contracts import Contract
from assets.common.lineage import LINEAGE_FIELDS
from assets.common.validate import ValidationResult, quarantine_table, validate_batch


class UnreadableFileError(Exception):
    """A landing file that cannot be ingested at all; the message names the file and what to fix."""

    def __init__(self, source_file: str, message: str) -> None:
        super().__init__(f"{source_file}: {message}")
        self.source_file = source_file
        self.message = message


@dataclass(frozen=True)
class MalformedRow:
    source_row: int
    line: int
    text: str
    message: str


@dataclass(frozen=True)
class CsvRead:
    """The rows as strings with _source_file and _source_row, and the rows that could not be split."""

    source_file: str
    table: pa.Table
    malformed: list[MalformedRow] = field(default_factory=list)

    @property
    def rows_in(self) -> int:
        return self.table.num_rows + len(self.malformed)


def read_header(path: Path, source_file: str) -> list[str]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), None)
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(
            source_file, f"is not UTF-8 text ({exc.reason} at byte {exc.start})."
        ) from exc
    if not header or not any(h.strip() for h in header):
        raise UnreadableFileError(source_file, "is empty; a header row is expected on line 1.")
    names = [h.strip() for h in header]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise UnreadableFileError(source_file, f"repeats header column(s) {', '.join(repeated)} on line 1.")
    return names


def _read(path: Path, names: list[str], threads: bool, newlines_in_values: bool) -> tuple[pa.Table, list]:
    invalid: list = []

    def keep_aside(row: pcsv.InvalidRow) -> str:
        invalid.append(row)
        return "skip"

    table = pcsv.read_csv(
        path,
        # Our own header names (trimmed) with the header line skipped, so every column is typed string.
        read_options=pcsv.ReadOptions(use_threads=threads, encoding="utf8", column_names=names, skip_rows=1),
        parse_options=pcsv.ParseOptions(
            invalid_row_handler=keep_aside, newlines_in_values=newlines_in_values
        ),
        convert_options=pcsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            strings_can_be_null=True,
            null_values=[""],
        ),
    )
    return table, invalid


def _data_rows(n_good: int, skipped: list[int]) -> np.ndarray:
    """1-based data row numbers of the rows kept, given the data rows that were skipped."""
    rows = np.arange(1, n_good + 1, dtype=np.int64)
    for s in sorted(skipped):
        rows[rows >= s] += 1
    return rows


def read_csv_strings(
    path: Path,
    source_file: str,
    *,
    required_columns: Sequence[str] = (),
    newlines_in_values: bool = False,
) -> CsvRead:
    """Every column as a string (empty = null) plus lineage.

    A missing required column makes the whole file unreadable: its rows could not be judged.
    """
    names = read_header(path, source_file)
    missing = [c for c in required_columns if c not in names]
    if missing:
        raise UnreadableFileError(
            source_file,
            f"lacks column(s) {', '.join(missing)} in its header; found {', '.join(names)}.",
        )
    try:
        table, invalid = _read(path, names, True, newlines_in_values)
        if invalid:  # line numbers are only known to a single-threaded read
            table, invalid = _read(path, names, False, newlines_in_values)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise UnreadableFileError(source_file, f"cannot be parsed as CSV: {exc}") from exc
    malformed = [
        MalformedRow(
            source_row=row.number - 1,
            line=row.number,
            text=row.text,
            message=f"line {row.number} has {row.actual_columns} fields, the header {row.expected_columns}",
        )
        for row in invalid
    ]
    rows = _data_rows(table.num_rows, [m.source_row for m in malformed])
    table = table.append_column(
        LINEAGE_FIELDS[0], pa.repeat(pa.scalar(source_file, pa.string()), table.num_rows)
    )
    table = table.append_column(LINEAGE_FIELDS[1], pa.array(rows, pa.int64()))
    return CsvRead(source_file, table, malformed)


def malformed_quarantine(contract: Contract, read: CsvRead) -> pa.Table:
    """Quarantine rows for the lines the CSV parser could not split, with the line text as raw record."""
    rows = read.malformed
    # Fields of a line that cannot be split cannot be matched to PII columns, so such lines are withheld.
    texts = [
        f"(withheld: {contract.key} has PII columns; see line {m.line} of the landing file)"
        if contract.pii_columns
        else m.text
        for m in rows
    ]
    return quarantine_table(
        contract,
        ["malformed_row"] * len(rows),
        [f"{read.source_file} {m.message}; the row was not read" for m in rows],
        pa.table({"line": pa.array(texts, pa.string())}),
        [read.source_file] * len(rows),
        [m.source_row for m in rows],
    )


def validate_csv_read(
    read: CsvRead, contract: Contract, business_date: str, **options: Any
) -> ValidationResult:
    """Validate the rows that were read and add the unsplittable lines to quarantine."""
    result = validate_batch(read.table, contract, business_date, **options)
    if not read.malformed:
        return result
    quarantined = pa.concat_tables([result.quarantined, malformed_quarantine(contract, read)])
    return ValidationResult(result.accepted, quarantined)
