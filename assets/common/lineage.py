"""The origin every ingested row carries: the landing file and the row (or entry) inside it."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

SOURCE_FILE = "_source_file"
SOURCE_ROW = "_source_row"
LINEAGE_FIELDS = (
    pa.field(SOURCE_FILE, pa.string(), nullable=False),
    pa.field(SOURCE_ROW, pa.int64(), nullable=False),
)


def with_lineage(table: pa.Table, source_file: str, first_row: int = 1) -> pa.Table:
    """Append _source_file (relative to MARGINLAKE_HOME) and a 1-based _source_row from first_row."""
    n = table.num_rows
    table = table.append_column(LINEAGE_FIELDS[0], pa.repeat(pa.scalar(source_file, pa.string()), n))
    return table.append_column(
        LINEAGE_FIELDS[1], pa.array(np.arange(first_row, first_row + n, dtype=np.int64))
    )
