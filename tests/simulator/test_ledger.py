"""The generated ledger is a proper double-entry ledger on the seeded chart of accounts."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from assets.common.calendar import EXCHANGE_TZ
from simulator.seeds import DEFAULT_SEEDS_DIR
from tests.simulator.conftest import read_all, read_csv

CLIENT_SUBLEDGER = {"2001", "1100", "1110", "1120", "1130"}


def test_every_transaction_balances_per_currency(landing: Path) -> None:
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    postings = read_all(landing, "platform", "ledger_postings")
    assert postings
    for p in postings:
        amount = Decimal(p["amount"])
        assert amount > 0 and amount == amount.quantize(Decimal("0.01")), p
        assert p["direction"] in ("D", "C")
        totals[(p["txn_id"], p["currency"])] += amount if p["direction"] == "D" else -amount
    unbalanced = {key: value for key, value in totals.items() if value != 0}
    assert not unbalanced


def test_postings_use_seeded_gl_codes_and_subledger_accounts(landing: Path) -> None:
    with (DEFAULT_SEEDS_DIR / "gl_accounts.csv").open(newline="") as handle:
        codes = {row["gl_code"] for row in csv.DictReader(handle)}
    for p in read_all(landing, "platform", "ledger_postings"):
        assert p["gl_code"] in codes, p
        assert bool(p["account_id"]) == (p["gl_code"] in CLIENT_SUBLEDGER), p


def test_headers_keys_and_links(landing: Path) -> None:
    txns = read_all(landing, "platform", "ledger_transactions")
    ids = [t["txn_id"] for t in txns]
    assert len(ids) == len(set(ids))
    assert len({t["idempotency_key"] for t in txns}) == len(txns)
    by_id = {t["txn_id"]: t for t in txns}
    posted = {p["txn_id"] for p in read_all(landing, "platform", "ledger_postings")}
    assert posted == set(ids)
    for t in txns:
        if t["reversal_of"]:
            assert t["txn_type"] == "reversal"
            assert by_id[t["reversal_of"]]["status"] == "reversed"
    for f in read_all(landing, "platform", "fills"):
        assert by_id[f["txn_id"]]["txn_type"] in ("trade_settlement", "forced_liquidation")
        assert Decimal(f["gross_amount"]) == (Decimal(f["quantity"]) * Decimal(f["price"])).quantize(
            Decimal("0.01")
        )


def test_bank_journals_carry_an_external_ref(landing: Path) -> None:
    bank_gl = {"1001-01", "1001-02", "1002-01", "1002-02"}
    bank_txns = {
        p["txn_id"] for p in read_all(landing, "platform", "ledger_postings") if p["gl_code"] in bank_gl
    }
    for t in read_all(landing, "platform", "ledger_transactions"):
        assert bool(t["external_ref"]) == (t["txn_id"] in bank_txns), t


def test_recorded_at_falls_on_the_business_date(landing: Path) -> None:
    for folder in sorted((landing / "platform").iterdir()):
        for table in (
            "agents",
            "clients",
            "accounts",
            "instruments",
            "fills",
            "ledger_transactions",
            "ledger_postings",
            "device_events",
        ):
            for row in read_csv(folder / f"{table}.csv"):
                moment = dt.datetime.strptime(row["recorded_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
                    tzinfo=dt.UTC
                )
                assert moment.astimezone(EXCHANGE_TZ).date().isoformat() == folder.name, (table, row)
