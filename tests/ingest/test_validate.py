"""Row validation: a broken rule sends the row to quarantine with a reason naming column, value and rule."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pyarrow as pa
import pytest

from assets.common.contracts import load_contract
from assets.common.validate import LocalTimestamp, validate_batch
from tests.ingest.helpers import DAY, raw_batch, reasons_by_row, rules_by_row

FILL = {
    "fill_id": "F1",
    "order_id": "O1",
    "account_id": "A1",
    "instrument_id": "600519.XSHG",
    "txn_id": "T1",
    "side": "buy",
    "quantity": "100",
    "price": "10.50",
    "gross_amount": "1050.00",
    "commission": "1.05",
    "taxes": "0.00",
    "is_forced_liquidation": "false",
    "trade_date": DAY,
    "executed_at": "2026-03-02T01:31:05.123456Z",
    "recorded_at": "2026-03-02T01:31:06Z",
}


def fills(*changes: dict[str, str | None]) -> pa.Table:
    rows = []
    for i, change in enumerate(changes, 1):
        row = dict(FILL, fill_id=f"F{i}")
        row.update(change)
        rows.append(row)
    return raw_batch(rows, "landing/platform/2026-03-02/fills.csv")


@pytest.fixture(scope="module")
def contract():
    return load_contract("platform", "fills")


def test_good_rows_are_typed_per_contract(contract):
    result = validate_batch(fills({}), contract, DAY)
    assert result.quarantined.num_rows == 0
    row = result.accepted.to_pylist()[0]
    assert row["price"] == Decimal("10.50000000")
    assert row["gross_amount"] == Decimal("1050.00")
    assert row["is_forced_liquidation"] is False
    assert row["trade_date"] == dt.date(2026, 3, 2)
    assert row["executed_at"] == dt.datetime(2026, 3, 2, 1, 31, 5, 123456, tzinfo=dt.UTC)
    assert row["_source_file"] == "landing/platform/2026-03-02/fills.csv" and row["_source_row"] == 1
    assert result.accepted.schema.field("price").type == pa.decimal128(18, 8)


@pytest.mark.parametrize(
    ("change", "rule", "words"),
    [
        ({"order_id": None}, "required", "order_id is required but missing"),
        ({"order_id": "   "}, "required", "order_id is required but missing"),
        ({"side": "hold"}, "enum", "side value 'hold' is not one of buy, sell"),
        ({"price": "-0.0", "gross_amount": "0.00"}, "range", "price value '-0.0' must be greater than 0"),
        ({"commission": "1.055"}, "scale", "commission value '1.055' has more than 2 decimals"),
        ({"quantity": "abc"}, "type", "quantity value 'abc' is not a plain decimal number"),
        ({"quantity": "1e2"}, "type", "quantity value '1e2' is not a plain decimal number"),
        ({"is_forced_liquidation": "maybe"}, "type", "is_forced_liquidation value 'maybe' is not a boolean"),
        ({"executed_at": "2026-03-02 09:31:05"}, "type", "is not a UTC-aware timestamp"),
        (
            {"trade_date": "02/03/2026"},
            "type",
            "trade_date value '02/03/2026' is not a date written YYYY-MM-DD",
        ),
        ({"recorded_at": "2026-03-02T17:00:00Z"}, "business_date", "falls on 2026-03-03 in Asia/Shanghai"),
        ({"gross_amount": "999.00"}, "gross_amount", "gross_amount 999.00 is not quantity x price"),
    ],
)
def test_each_broken_rule_is_quarantined_with_its_reason(contract, change, rule, words):
    result = validate_batch(fills({}, change), contract, DAY)
    assert result.rows_in == 2
    assert result.accepted.column("fill_id").to_pylist() == ["F1"]
    assert rules_by_row(result.quarantined) == {2: rule}
    assert words in reasons_by_row(result.quarantined)[2]
    raw = json.loads(result.quarantined.column("raw_record")[0].as_py())
    assert raw["fill_id"] == "F2"
    assert result.quarantined.column("source").to_pylist() == ["platform"]
    assert result.quarantined.column("table").to_pylist() == ["fills"]


def test_a_row_breaking_several_rules_is_quarantined_once_with_every_reason(contract):
    result = validate_batch(fills({"side": "x", "price": "0", "account_id": None}), contract, DAY)
    assert result.quarantined.num_rows == 1
    assert set(result.quarantined.column("rule")[0].as_py().split(",")) >= {"required", "enum", "range"}
    reason = result.quarantined.column("reason")[0].as_py()
    assert "account_id is required" in reason and "side value 'x'" in reason and "price value '0'" in reason


def test_integers_are_not_rounded():
    agents = load_contract("platform", "agents")
    row = {
        "agent_id": "AG1",
        "parent_agent_id": None,
        "agent_name": "Agent One",
        "region": "east",
        "agent_level": "1.5",
        "commission_rate": "0.1",
        "created_at": "2026-03-02T01:00:00Z",
        "recorded_at": "2026-03-02T01:00:00Z",
    }
    result = validate_batch(raw_batch([row]), agents, DAY)
    assert "agent_level value '1.5' is not a whole number" in reasons_by_row(result.quarantined)[1]


def test_duplicate_key_keeps_the_first_row_and_names_it(contract):
    batch = raw_batch([dict(FILL), dict(FILL, order_id="O2"), dict(FILL, order_id="O3")], "landing/x.csv")
    result = validate_batch(batch, contract, DAY)
    assert result.accepted.column("order_id").to_pylist() == ["O1"]
    assert rules_by_row(result.quarantined) == {2: "duplicate_key", 3: "duplicate_key"}
    assert (
        "duplicate key: fill_id 'F1' repeats row 1 of landing/x.csv" in reasons_by_row(result.quarantined)[2]
    )


def test_a_broken_row_never_displaces_a_good_duplicate(contract):
    batch = raw_batch([dict(FILL, side="x"), dict(FILL)])
    result = validate_batch(batch, contract, DAY)
    assert result.accepted.column("_source_row").to_pylist() == [2]
    assert rules_by_row(result.quarantined) == {1: "enum"}


def test_unique_columns_other_than_the_key_are_enforced():
    contract = load_contract("platform", "ledger_transactions")
    base = {
        "txn_id": "T1",
        "idempotency_key": "K1",
        "txn_type": "deposit",
        "reference": "R",
        "status": "posted",
        "booking_date": DAY,
        "effective_at": "2026-03-02T01:00:00Z",
        "recorded_at": "2026-03-02T01:00:00Z",
    }
    result = validate_batch(raw_batch([base, dict(base, txn_id="T2")]), contract, DAY)
    assert rules_by_row(result.quarantined) == {2: "unique"}
    assert "duplicate idempotency_key (must be unique)" in reasons_by_row(result.quarantined)[2]


def test_business_date_window_for_sources_that_deliver_several_days():
    contract = load_contract("marketing", "marketing_spend")
    base = {
        "spend_id": "S1",
        "channel": "search_ads",
        "campaign_id": "C1",
        "agent_id": None,
        "currency": "CNY",
        "spend": "10.00",
        "impressions": "100",
        "clicks": "3",
        "spend_date": "2026-02-28",
    }
    batch = raw_batch([base, dict(base, spend_id="S2", spend_date="2026-02-27")])
    result = validate_batch(batch, contract, DAY, earliest_date="2026-02-28")
    assert result.accepted.column("spend_id").to_pylist() == ["S1"]
    assert "(2026-02-28..2026-03-02)" in reasons_by_row(result.quarantined)[2]


def test_pattern_rule():
    contract = load_contract("platform", "instruments")
    row = {
        "instrument_id": "600519.XSHG",
        "symbol": "60051X",
        "instrument_name": "Moutai",
        "exchange": "XSHG",
        "board": "main",
        "sector": "consumer",
        "currency": "CNY",
        "lot_size": "100",
        "price_limit_pct": "0.1",
        "haircut": "0.5",
        "is_marginable": "1",
        "shares_outstanding": "1256197800",
        "listed_date": "2001-08-27",
        "recorded_at": "2026-03-02T01:00:00Z",
    }
    result = validate_batch(raw_batch([row]), contract, DAY)
    assert rules_by_row(result.quarantined) == {1: "pattern"}
    assert (
        "symbol value '60051X' does not match the pattern ^[0-9]{6}$" in reasons_by_row(result.quarantined)[1]
    )


def test_pii_values_are_withheld_from_reasons_and_tokenized_in_raw_records():
    contract = load_contract("platform", "clients")
    row = {
        "client_id": "C1",
        "full_name": "Zhang Wei",
        "id_number": "110101199003077777",
        "phone": "+8613800138000",
        "client_type": "robot",
        "kyc_level": "2",
        "risk_rating": "low",
        "city": "Shanghai",
        "birth_year": "1990",
        "acquisition_channel": "organic",
        "registered_at": "2026-03-02T01:00:00Z",
        "recorded_at": "2026-03-02T01:00:00Z",
    }
    result = validate_batch(raw_batch([row, dict(row, client_id="C1")]), contract, DAY)
    text = json.dumps(result.quarantined.to_pylist(), default=str)
    for raw in ("Zhang Wei", "110101199003077777", "+8613800138000"):
        assert raw not in text
    assert json.loads(result.quarantined.column("raw_record")[0].as_py())["full_name"].startswith("tok_")


def test_local_time_columns_become_utc_and_out_of_session_ticks_are_quarantined():
    contract = load_contract("ticks", "trades")
    local = LocalTimestamp("Asia/Shanghai", "%Y-%m-%d %H:%M:%S.%f")
    base = {
        "trade_id": "T1",
        "instrument_id": "600519.XSHG",
        "seq": "1",
        "price": "1700.5",
        "quantity": "100",
        "aggressor_side": "B",
        "trade_date": "2026-03-02 09:30:00.000000",
        "exchange_ts": "2026-03-02 09:30:00.000000",
    }
    lunch = "2026-03-02 12:00:00.000000"
    batch = raw_batch([base, dict(base, trade_id="T2", trade_date=lunch, exchange_ts=lunch)])
    result = validate_batch(
        batch, contract, DAY, local_timestamps={"exchange_ts": local, "trade_date": local}
    )
    accepted = result.accepted.to_pylist()
    assert accepted[0]["exchange_ts"] == dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)
    assert accepted[0]["trade_date"] == dt.date(2026, 3, 2)
    assert rules_by_row(result.quarantined) == {2: "in_session"}
    assert "outside the trading sessions" in reasons_by_row(result.quarantined)[2]


def test_typed_input_from_a_parser_is_judged_by_the_same_rules(contract):
    typed = pa.table(
        {
            **{
                k: pa.array([v])
                for k, v in FILL.items()
                if k not in ("quantity", "executed_at", "trade_date")
            },
            "quantity": pa.array([Decimal("100.5")]),
            "trade_date": pa.array([dt.date(2026, 3, 2)]),
            "executed_at": pa.array([dt.datetime(2026, 3, 2, 1, 0)]),  # naive: not UTC-aware
            "_source_file": ["parser"],
            "_source_row": pa.array([1], pa.int64()),
        }
    )
    result = validate_batch(typed, contract, DAY)
    assert (
        "executed_at value '2026-03-02 01:00:00.000000' is not a UTC-aware timestamp"
        in (reasons_by_row(result.quarantined)[1])
    )


def test_empty_batch_gives_empty_typed_tables(contract):
    result = validate_batch(fills({}).slice(0, 0), contract, DAY)
    assert result.rows_in == 0
    assert result.accepted.schema.field("price").type == pa.decimal128(18, 8)
