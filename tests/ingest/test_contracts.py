"""Contracts load into typed objects, and their Arrow schema follows the type mapping."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
import pytest

from assets.common.contracts import ContractError, arrow_type, contracts_for, load_contract, parse_contract


def test_every_source_has_its_tables():
    tables = {
        s: [c.table for c in contracts_for(s)] for s in ("ticks", "platform", "bank_statements", "marketing")
    }
    assert sorted(tables["ticks"]) == ["eod_prices", "quotes", "trades"]
    assert len(tables["platform"]) == 8
    assert sorted(tables["bank_statements"]) == ["bank_statement_lines", "bank_statements"]
    assert tables["marketing"] == ["marketing_spend"]


def test_trades_schema_and_rules():
    trades = load_contract("ticks", "trades")
    assert trades.key == "ticks.trades"
    assert trades.primary_key == ("trade_id",)
    assert trades.business_date_column == "trade_date"
    assert trades.rules == ("in_session",)
    schema = trades.arrow_schema()
    assert schema.field("price").type == pa.decimal128(18, 8)
    assert schema.field("seq").type == pa.int64()
    assert schema.field("trade_date").type == pa.date32()
    assert schema.field("exchange_ts").type == pa.timestamp("us", tz="UTC")
    assert not schema.field("trade_id").nullable
    price = trades.column("price")
    assert price.exclusive_minimum == Decimal(0) and price.decimal_scale == 8 and price.kind == "decimal"
    assert trades.column("aggressor_side").enum == ("B", "S", "N")


def test_composite_key_follows_key_positions():
    assert load_contract("ticks", "quotes").primary_key == ("instrument_id", "seq", "trade_date")
    assert load_contract("ticks", "eod_prices").primary_key == ("instrument_id", "trade_date")


def test_pii_pattern_ranges_and_unique_are_read():
    clients = load_contract("platform", "clients")
    assert clients.pii_columns == ("full_name", "id_number", "phone")
    assert clients.column("kyc_level").minimum == 1 and clients.column("kyc_level").maximum == 3
    assert clients.column("kyc_level").arrow_type == pa.int32()
    assert load_contract("platform", "instruments").column("symbol").pattern == "^[0-9]{6}$"
    assert load_contract("platform", "ledger_transactions").column("idempotency_key").unique
    assert load_contract("platform", "fills").column("is_forced_liquidation").arrow_type == pa.bool_()


def test_type_mapping():
    assert arrow_type("decimal(9,6)") == pa.decimal128(9, 6)
    assert arrow_type("varchar") == pa.string()
    assert arrow_type("integer") == pa.int32()
    with pytest.raises(ContractError, match="money"):
        arrow_type("money")


def test_contracts_are_loaded_once():
    assert load_contract("platform", "fills") is load_contract("platform", "fills")


def test_unknown_contract_is_a_clear_error():
    with pytest.raises(ContractError, match=r"No contract for platform\.nope"):
        load_contract("platform", "nope")


@pytest.mark.parametrize(
    ("kind", "window", "refused"), [("fact", "31", False), ("reference", "31", True), ("fact", "0", True)]
)
def test_a_duplicate_window_is_for_facts_and_at_least_a_day(tmp_path, kind, window, refused):
    source = load_contract("ticks", "trades").path.read_text(encoding="utf-8")
    edited = source.replace("  value: fact", f"  value: {kind}").replace("  value: 31", f"  value: {window}")
    path = tmp_path / "trades.odcs.yaml"
    path.write_text(edited, encoding="utf-8")
    if refused:
        with pytest.raises(ContractError, match=r"trades\.odcs\.yaml: duplicateWindowDays applies to fact"):
            parse_contract(path)
    else:
        assert parse_contract(path).duplicate_window_days == 31
