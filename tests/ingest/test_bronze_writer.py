"""Partition writes are atomic and idempotent, always produce a file, and carry lineage."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from assets.common import bronze_writer
from assets.common.bronze_writer import Batch, bronze_schema, write_bronze, write_quarantine
from assets.common.contracts import load_contract
from assets.common.validate import empty_result, validate_batch
from tests.ingest.helpers import DAY, raw_batch

TRADE = {
    "trade_id": "T1",
    "instrument_id": "600519.XSHG",
    "seq": "1",
    "price": "1700.50",
    "quantity": "100",
    "aggressor_side": "B",
    "trade_date": DAY,
    "exchange_ts": "2026-03-02T01:30:00Z",
}


@pytest.fixture
def contract():
    return load_contract("ticks", "trades")


def accepted(contract, n: int) -> pa.Table:
    rows = [dict(TRADE, trade_id=f"T{i}", seq=str(i)) for i in range(n)]
    return validate_batch(raw_batch(rows, "landing/ticks/2026-03-02/trades.csv"), contract, DAY).accepted


def test_bronze_file_has_contract_columns_then_lineage(paths, contract):
    batch = Batch.new("batch-1")
    path = write_bronze(paths, contract, DAY, accepted(contract, 3), batch)
    assert path == paths.bronze / "ticks/trades/business_date=2026-03-02/data.parquet"
    table = pq.read_table(path)
    assert table.schema.names[-4:] == ["_source_file", "_source_row", "_ingested_at", "_batch_id"]
    assert pq.read_schema(path).field("_ingested_at").type == pa.timestamp("us", tz="UTC")
    assert set(table.column("_batch_id").to_pylist()) == {"batch-1"}
    assert table.column("_source_row").to_pylist() == [1, 2, 3]
    assert table.column("_source_file")[0].as_py() == "landing/ticks/2026-03-02/trades.csv"
    assert pq.ParquetFile(path).metadata.row_group(0).column(0).compression == "ZSTD"


def test_zero_rows_still_write_a_typed_file(paths, contract):
    result = empty_result(contract)
    bronze = write_bronze(paths, contract, DAY, result.accepted, Batch.new())
    quarantine = write_quarantine(paths, contract, DAY, result.quarantined, Batch.new())
    assert pq.read_table(bronze).num_rows == 0
    assert [(f.name, f.type) for f in pq.read_schema(bronze)] == [
        (f.name, f.type) for f in bronze_schema(contract)
    ]
    assert pq.read_schema(quarantine).names[:5] == ["source", "table", "rule", "reason", "raw_record"]


def test_a_failure_mid_write_leaves_the_previous_file_intact(paths, contract, monkeypatch):
    path = write_bronze(paths, contract, DAY, accepted(contract, 5), Batch.new("good"))
    before = path.read_bytes()

    def crash_half_way(table, where, **kwargs):
        Path(where).write_bytes(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(bronze_writer.pq, "write_table", crash_half_way)
    with pytest.raises(OSError, match="disk full"):
        write_bronze(paths, contract, DAY, accepted(contract, 7), Batch.new("crashed"))

    assert path.read_bytes() == before
    assert pq.read_table(path).num_rows == 5
    assert [p.name for p in path.parent.iterdir()] == ["data.parquet"]


def test_a_rewrite_replaces_the_partition_whole(paths, contract):
    write_bronze(paths, contract, DAY, accepted(contract, 5), Batch.new("first"))
    path = write_bronze(paths, contract, DAY, accepted(contract, 2), Batch.new("second"))
    table = pq.read_table(path)
    assert table.num_rows == 2 and set(table.column("_batch_id").to_pylist()) == {"second"}


def test_batch_time_is_utc():
    assert Batch.new().ingested_at.tzinfo == dt.UTC
