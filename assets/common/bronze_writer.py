"""Atomic, idempotent partition writes of bronze and quarantine Parquet.

A partition is one file, written beside its final name and moved into place with os.replace, so
a reader sees the old file or the new one, never half of either, and a crash mid-write leaves the
previous file untouched. Re-ingesting a day replaces the file whole. A file is written even with
zero rows, so every table exists for every ingested day and readers never miss a table.

A day's ingest stages every file first (the slow part) and commits them together at the end, so a
process killed while writing leaves the whole previous day in place, not a mix of two batches.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from assets.common.contracts import Contract
from assets.common.paths import LakePaths
from assets.common.validate import QUARANTINE_SCHEMA, accepted_schema

DATA_FILE = "data.parquet"
INGESTED_AT = "_ingested_at"
BATCH_ID = "_batch_id"
FILE_BATCH_KEY = b"marginlake.batch_id"
RUN_FIELDS = (
    pa.field(INGESTED_AT, pa.timestamp("us", tz="UTC"), nullable=False),
    pa.field(BATCH_ID, pa.string(), nullable=False),
)


@dataclass(frozen=True)
class Batch:
    """One run of one partition: every table it writes carries the same id and ingestion time."""

    batch_id: str
    ingested_at: dt.datetime

    @classmethod
    def new(cls, batch_id: str | None = None) -> Batch:
        return cls(batch_id or uuid.uuid4().hex, dt.datetime.now(dt.UTC))


def bronze_schema(contract: Contract) -> pa.Schema:
    """What a bronze file of this table holds: contract columns, then the four lineage columns."""
    base = accepted_schema(contract)
    return pa.schema([*base, *RUN_FIELDS], metadata=base.metadata)


def quarantine_file_schema() -> pa.Schema:
    return pa.schema([*QUARANTINE_SCHEMA, *RUN_FIELDS])


def stamp(table: pa.Table, batch: Batch) -> pa.Table:
    """Append _ingested_at and _batch_id; the batch id also goes into the file's metadata, so even an
    empty partition says which run wrote it."""
    n = table.num_rows
    metadata = {**(table.schema.metadata or {}), FILE_BATCH_KEY: batch.batch_id.encode()}
    table = table.replace_schema_metadata(metadata)
    table = table.append_column(RUN_FIELDS[0], pa.repeat(pa.scalar(batch.ingested_at, RUN_FIELDS[0].type), n))
    return table.append_column(RUN_FIELDS[1], pa.repeat(pa.scalar(batch.batch_id, pa.string()), n))


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable: the folder entry, not only the file, must reach the disk."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some platforms cannot open a folder; the rename is still atomic there
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def temp_files(path: Path) -> list[Path]:
    """Hidden temp files of `path`'s writes, left behind only by a process that was killed."""
    return sorted(path.parent.glob(f".{path.name}.*.tmp"))


@dataclass(frozen=True)
class StagedFile:
    """A complete, fsynced file beside its final name, waiting for the rename that publishes it."""

    tmp: Path
    target: Path

    def commit(self) -> Path:
        os.replace(self.tmp, self.target)
        _fsync_folder(self.target.parent)
        return self.target

    def discard(self) -> None:
        self.tmp.unlink(missing_ok=True)


def stage_parquet(table: pa.Table, path: Path) -> StagedFile:
    """Write `table` to a hidden temp file in `path`'s folder; `path` itself is untouched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in temp_files(path):
        stale.unlink(missing_ok=True)
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
    try:
        pq.write_table(table, tmp, compression="zstd")
        _fsync(tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return StagedFile(tmp, path)


def write_parquet_atomic(table: pa.Table, path: Path) -> Path:
    """Write `table` to `path` through a hidden temp file in the same folder and an atomic rename."""
    staged = stage_parquet(table, path)
    try:
        return staged.commit()
    except BaseException:
        staged.discard()
        raise


def write_text_atomic(text: str, path: Path) -> Path:
    """The same temp-and-rename discipline for small text files (manifests, reasons)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
    try:
        tmp.write_text(text, encoding="utf-8")
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def bronze_file(paths: LakePaths, contract: Contract, business_date: str) -> Path:
    return paths.bronze_partition(contract.source, contract.table, business_date) / DATA_FILE


def quarantine_file(paths: LakePaths, contract: Contract, business_date: str) -> Path:
    return paths.quarantine_partition(contract.source, contract.table, business_date) / DATA_FILE


def bronze_table(contract: Contract, accepted: pa.Table, batch: Batch) -> pa.Table:
    """Accepted rows as a bronze file holds them: stamped with the batch, typed per contract."""
    table = stamp(accepted, batch)
    return table.cast(bronze_schema(contract)).replace_schema_metadata(table.schema.metadata)


def quarantine_file_table(quarantined: pa.Table, batch: Batch) -> pa.Table:
    """Rejected rows as a quarantine file holds them, stamped with the batch."""
    table = stamp(quarantined, batch)
    return table.cast(quarantine_file_schema()).replace_schema_metadata(table.schema.metadata)


def write_bronze(
    paths: LakePaths, contract: Contract, business_date: str, accepted: pa.Table, batch: Batch
) -> Path:
    """Replace the table's bronze partition with the accepted rows, stamped with the batch."""
    return write_parquet_atomic(
        bronze_table(contract, accepted, batch), bronze_file(paths, contract, business_date)
    )


def write_quarantine(
    paths: LakePaths, contract: Contract, business_date: str, quarantined: pa.Table, batch: Batch
) -> Path:
    """Replace the table's quarantine partition with the rejected rows, stamped with the batch."""
    return write_parquet_atomic(
        quarantine_file_table(quarantined, batch), quarantine_file(paths, contract, business_date)
    )


def file_batch_id(path: Path) -> str | None:
    """The batch a Parquet file's metadata names (written even for an empty file); None if unnamed."""
    named = (pq.read_schema(path).metadata or {}).get(FILE_BATCH_KEY)
    return named.decode() if named else None
