"""Platform exports: every table ingests, raw PII never reaches bronze, the ledger balances."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from assets.common.contracts import contracts_for
from assets.platform.ingest import ingest_platform_day
from tests.ingest.helpers import DAY, write_landing

RECORDED = "2026-03-02T02:00:00.000000Z"
CLIENTS_HEADER = (
    "client_id,full_name,id_number,phone,client_type,kyc_level,risk_rating,city,birth_year,"
    "acquisition_channel,campaign_id,agent_id,registered_at,recorded_at"
)
CLIENTS = [
    f"C1,Zhang Wei,110101199003077777,+8613800138000,natural,2,low,Shanghai,1990,organic,,,{RECORDED},"
    f"{RECORDED}",
    f'C2,"Li, Na",110101198506061234,+8613900139000,natural,9,low,Beijing,1985,organic,,,{RECORDED},'
    f"{RECORDED}",
]
POSTINGS_HEADER = "posting_id,txn_id,line_no,gl_code,account_id,direction,amount,currency,recorded_at"
POSTINGS = [
    f"P1,T1,1,1001,A1,D,100.00,CNY,{RECORDED}",
    f"P2,T1,2,2001,,C,100.00,CNY,{RECORDED}",
    f"P3,T2,1,1001,A1,D,100.00,CNY,{RECORDED}",
    f"P4,T2,2,2001,,C,99.99,CNY,{RECORDED}",
]
TXN_HEADER = (
    "txn_id,idempotency_key,txn_type,account_id,client_id,reference,external_ref,reversal_of,"
    "counterparty_name,counterparty_account,status,description,booking_date,effective_at,recorded_at"
)
TXNS = [
    f'T1,K1,deposit,A1,C1,R1,E2E1,,Zhang Wei,6222020200112233,posted,"multi-line\nnarrative",{DAY},'
    f"{RECORDED},{RECORDED}",
    f"T2,K2,deposit,A1,C1,R2,E2E2,,Zhang Wei,6222020200112233,posted,,{DAY},{RECORDED},{RECORDED}",
]
RAW_PII = ["Zhang Wei", "Li, Na", "110101199003077777", "+8613800138000", "6222020200112233"]


@pytest.fixture
def landing(paths):
    write_landing(paths, "platform", DAY, "clients.csv", CLIENTS_HEADER, CLIENTS)
    write_landing(paths, "platform", DAY, "ledger_postings.csv", POSTINGS_HEADER, POSTINGS)
    write_landing(paths, "platform", DAY, "ledger_transactions.csv", TXN_HEADER, TXNS)
    return paths


def test_every_table_gets_a_partition_even_without_a_file(landing):
    report = ingest_platform_day(landing, DAY)
    assert set(report.tables) == {c.table for c in contracts_for("platform")}
    for contract in contracts_for("platform"):
        assert (landing.bronze_partition("platform", contract.table, DAY) / "data.parquet").is_file()
    assert report.tables["fills"].rows_in == 0


def test_raw_pii_never_reaches_bronze_or_quarantine(landing):
    ingest_platform_day(landing, DAY)
    written = list(landing.bronze.rglob("*.parquet")) + list(landing.quarantine.rglob("*.parquet"))
    assert written
    for path in written:
        data = path.read_bytes() + pq.read_table(path).to_string(preview_cols=50).encode()
        for raw in RAW_PII:
            assert raw.encode() not in data, f"{raw} found in {path}"
    clients = pq.read_table(landing.bronze_partition("platform", "clients", DAY) / "data.parquet").to_pylist()
    assert clients[0]["full_name"].startswith("tok_") and clients[0]["client_id"] == "C1"


def test_tokens_link_the_same_person_across_tables(landing):
    ingest_platform_day(landing, DAY)
    clients = pq.read_table(landing.bronze_partition("platform", "clients", DAY) / "data.parquet")
    txns = pq.read_table(landing.bronze_partition("platform", "ledger_transactions", DAY) / "data.parquet")
    assert clients.column("full_name")[0] == txns.column("counterparty_name")[0]


def test_bad_client_row_and_unbalanced_transaction(landing):
    report = ingest_platform_day(landing, DAY)
    assert (report.tables["clients"].rows_accepted, report.tables["clients"].rows_quarantined) == (1, 1)
    assert (
        report.tables["ledger_postings"].rows_accepted,
        report.tables["ledger_postings"].rows_quarantined,
    ) == (2, 2)
    assert report.tables["ledger_transactions"].rows_quarantined == 1
    txns = pq.read_table(landing.bronze_partition("platform", "ledger_transactions", DAY) / "data.parquet")
    assert txns.column("txn_id").to_pylist() == ["T1"]
    assert txns.column("description").to_pylist() == ["multi-line\nnarrative"]
    reasons = pq.read_table(landing.quarantine_partition("platform", "clients", DAY) / "data.parquet")
    assert reasons.column("reason").to_pylist() == ["kyc_level value '9' must be at most 3"]
