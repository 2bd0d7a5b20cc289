"""Quality gates built from a contract: they pass on good data and say why they fail on bad data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest

from assets.common.contracts import load_contract
from assets.common.quality_gates import (
    PartitionProfile,
    allowed_null_rate,
    mean_band,
    profile_partition,
    row_count_band,
    run_quality_gate,
)

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


def test_a_sell_off_passes_but_a_unit_slip_fails(contract):
    history = _history(contract)
    assert run_quality_gate(contract, _trades(100, price="20.00"), history).passed
    outcome = run_quality_gate(contract, _trades(100, price="1000.00"), history)
    assert any(f.startswith("column mean to be between on price") for f in outcome.failures)


def test_reference_tables_may_have_quiet_days():
    clients = load_contract("platform", "clients")
    history = [PartitionProfile(f"2026-03-0{i + 2}", 40, {}, {}) for i in range(6)]
    assert row_count_band(clients, history) == (0, 210)
    trades = load_contract("ticks", "trades")
    assert row_count_band(trades, history)[0] == 8  # a fifth of the median 40


def test_mean_bands_widen_for_small_partitions():
    means, spread = [100.0] * 6, 50.0
    one_row = mean_band(means, spread, rows=1)
    many_rows = mean_band(means, spread, rows=10_000)
    assert one_row[0] < many_rows[0] and one_row[1] > many_rows[1]
    # factor 4 x (1 + 4 sigma / sqrt(n) / center) = 4 x (1 + 4 x 50 / 100 / 100) = 4.08
    assert many_rows == pytest.approx((100.0 / 4.08, 100.0 * 4.08))
    signed = mean_band([-5.0, 5.0, 0.0, 1.0, -1.0], 10.0, rows=100, non_negative=False)
    assert signed[0] < 0 < signed[1]


def test_null_rate_allowance_covers_the_sampling_error_of_small_partitions():
    assert allowed_null_rate([0.1], rows=1) >= 1.0  # one row: any null rate is possible
    assert allowed_null_rate([0.1], rows=10_000) == pytest.approx(0.37)


def test_empty_partition_is_judged_by_its_row_count_only(contract):
    outcome = run_quality_gate(contract, _trades(0), _history(contract))
    assert not outcome.passed
    assert [r["expectation"] for r in outcome.results if not r["success"]] == [
        "expect_table_row_count_to_be_between"
    ]
