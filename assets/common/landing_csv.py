"""A landing CSV of one table and day, read and validated, with missing and unreadable files recorded."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyarrow as pa

from assets.common.contracts import Contract
from assets.common.csv_reader import UnreadableFileError, read_csv_strings, validate_csv_read
from assets.common.ingest import DayIngest, TableReport
from assets.common.validate import ValidationResult, empty_result


@dataclass(frozen=True)
class LoadedTable:
    """A table's validated rows for the day, not yet written (cross-row rules may still move rows)."""

    contract: Contract
    result: ValidationResult
    files: list[str]
    rows_in: int

    def publish(self, day: DayIngest) -> TableReport:
        return day.publish(self.contract, self.result, self.files, self.rows_in)


def load_csv_table(
    day: DayIngest,
    contract: Contract,
    path: Path,
    *,
    required_columns: Sequence[str] | None = None,
    transform: Callable[[pa.Table], pa.Table] | None = None,
    newlines_in_values: bool = False,
    **validate_options: Any,
) -> LoadedTable:
    """Read `path` as strings, reshape it with `transform` (vendor layouts), and validate it.

    A missing file gives an empty table and a note; a file that cannot be read gives an empty
    table and an unreadable-file entry naming it, so the day's other tables still ingest.
    """
    if not path.is_file():
        day.note(f"{day.rel(path)} has not arrived; {contract.key} is written empty for {day.business_date}.")
        return LoadedTable(contract, empty_result(contract), [], 0)
    rel = day.register_file(path)
    try:
        read = read_csv_strings(
            path,
            rel,
            required_columns=contract.column_names if required_columns is None else required_columns,
            newlines_in_values=newlines_in_values,
        )
        if transform is not None:
            read = replace(read, table=transform(read.table))
    except UnreadableFileError as exc:
        day.unreadable(path, f"{exc} Nothing from it was ingested for {contract.key} on {day.business_date}.")
        return LoadedTable(contract, empty_result(contract), [], 0)
    extra = [
        c for c in read.table.column_names if c not in contract.column_names and not c.startswith("_source")
    ]
    if extra:
        day.note(
            f"{rel} has column(s) {', '.join(extra)} that {contract.key} does not define; they were ignored."
        )
    result = validate_csv_read(read, contract, day.business_date, **validate_options)
    return LoadedTable(contract, result, [rel], read.rows_in)
