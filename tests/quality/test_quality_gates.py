"""Quality gates built from a contract: they pass on good data and say why they fail on bad data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest

from assets.common.contracts import load_contract
from assets.common.quality_gates import PartitionProfile, profile_partition, run_quality_gate

UTC = dt.UTC


def _trades(n: int, price: str = "10.00", side: str = "B", dup: bool = False) -> pa.Table:
    contract = load_contract("ticks", "trades")
    ids = [f"T{i}" for i in range(n)]
    if dup:
        ids[-1] = ids[0]
    rows = {
        "trade_id": ids,
        "instrument_id": ["600000.XSHG"] * n,
        "seq": list(range(n)),
        "price": [Decimal(price)] * n,
        "quantity": [Decimal("100")] * n,
        "aggressor_side": [side] * n,
        "trade_date": [dt.date(2026, 3, 3)] * n,
        "exchange_ts": [dt.datetime(2026, 3, 3, 2, 0, tzinfo=UTC)] * n,
    }
    return pa.table(rows, schema=contract.arrow_schema())


@pytest.fixture(scope="module")
def contract():
    return load_contract("ticks", "trades")


def _history(contract, n_rows: int = 100, days: int = 6) -> list[PartitionProfile]:
    return [profile_partition(contract, f"2026-03-0{i + 1}", _trades(n_rows)) for i in range(days)]


def test_good_partition_passes(contract):
    outcome = run_quality_gate(contract, _trades(100), _history(contract))
    assert outcome.passed, outcome.failures


def test_enum_and_duplicate_key_fail_with_reasons(contract):
    outcome = run_quality_gate(contract, _trades(50, side="X", dup=True), [])
    assert not outcome.passed
    text = " | ".join(outcome.failures)
    assert "aggressor_side" in text
    assert "trade_id" in text


def test_row_count_far_below_history_fails(contract):
    outcome = run_quality_gate(contract, _trades(5), _history(contract, n_rows=100))
    assert not outcome.passed
    assert any("row count" in f for f in outcome.failures)


def test_mean_price_far_outside_history_fails(contract):
    outcome = run_quality_gate(contract, _trades(100, price="5000.00"), _history(contract))
    assert not outcome.passed
    assert any("price" in f and "mean" in f for f in outcome.failures)


def test_history_bands_need_enough_partitions(contract):
    outcome = run_quality_gate(contract, _trades(5), _history(contract, days=2))
    assert outcome.passed, outcome.failures
