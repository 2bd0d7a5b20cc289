"""Small builders shared by the ingest tests."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from assets.common.lineage import with_lineage
from assets.common.paths import LakePaths

DAY = "2026-03-02"  # a Monday and a trading day on XSHG
NEXT_DAY = "2026-03-03"
TEST_PII_KEY = "test-key-for-ingest-tests"


def write_landing(paths: LakePaths, folder: str, day: str, name: str, header: str, rows: list[str]) -> Path:
    """Write landing/<folder>/<day>/<name> with a header line and rows, as a source would deliver it."""
    path = paths.landing / folder / day / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def raw_batch(rows: list[dict[str, str | None]], source_file: str = "landing/test/file.csv") -> pa.Table:
    """A raw batch of strings, as read from a CSV, with lineage (rows numbered from 1)."""
    names = list(rows[0])
    table = pa.table({n: pa.array([r.get(n) for r in rows], pa.string()) for n in names})
    return with_lineage(table, source_file)


def reasons_by_row(quarantined: pa.Table) -> dict[int, str]:
    return dict(
        zip(
            quarantined.column("_source_row").to_pylist(),
            quarantined.column("reason").to_pylist(),
            strict=True,
        )
    )


def rules_by_row(quarantined: pa.Table) -> dict[int, str]:
    return dict(
        zip(
            quarantined.column("_source_row").to_pylist(), quarantined.column("rule").to_pylist(), strict=True
        )
    )
