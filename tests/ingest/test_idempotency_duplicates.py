"""A fact key already in bronze under another business date is quarantined; reference tables re-export."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pyarrow.parquet as pq

from assets.common.bronze_checks import rows_accounted_for
from assets.common.bronze_duplicates import DUPLICATE_IN_BRONZE, bronze_duplicates
from assets.common.contracts import load_contract
from assets.common.validate import validate_batch
from assets.platform.ingest import ingest_platform_day
from tests.ingest.helpers import DAY, NEXT_DAY, raw_batch, write_landing

EVENTS_HEADER = "event_id,client_id,event_type,device_id,ip_address,occurred_at,recorded_at"
CLIENTS_HEADER = (
    "client_id,full_name,id_number,phone,client_type,kyc_level,risk_rating,city,birth_year,"
    "acquisition_channel,campaign_id,agent_id,registered_at,recorded_at"
)


def event(event_id: str, day: str) -> str:
    return f"{event_id},C1,login,dev-1,10.0.0.1,{day}T01:30:00Z,{day}T01:30:01Z"


def client(day: str, city: str) -> str:
    return (
        f"C1,Yang Mindan,320102197310077770,17641448415,natural,2,low,{city},1973,partner_app,"
        f"PRT-FINAPP,,2026-03-02T00:05:32Z,{day}T02:00:00Z"
    )


def _read(paths, kind: str, table: str, day: str):
    folder = paths.bronze_partition if kind == "bronze" else paths.quarantine_partition
    return pq.read_table(folder("platform", table, day) / "data.parquet")


def test_a_fact_re_exported_on_a_later_day_is_quarantined_naming_the_first_day(paths):
    write_landing(
        paths, "platform", DAY, "device_events.csv", EVENTS_HEADER, [event("EV1", DAY), event("EV2", DAY)]
    )
    ingest_platform_day(paths, DAY)
    write_landing(
        paths,
        "platform",
        NEXT_DAY,
        "device_events.csv",
        EVENTS_HEADER,
        [event("EV2", NEXT_DAY), event("EV3", NEXT_DAY)],
    )
    report = ingest_platform_day(paths, NEXT_DAY)

    table = report.tables["device_events"]
    assert (table.rows_in, table.rows_accepted, table.rows_quarantined) == (2, 1, 1)
    assert _read(paths, "bronze", "device_events", NEXT_DAY).column("event_id").to_pylist() == ["EV3"]
    rejected = _read(paths, "quarantine", "device_events", NEXT_DAY)
    assert rejected.column("rule").to_pylist() == [DUPLICATE_IN_BRONZE]
    assert rejected.column("reason").to_pylist() == [
        f"duplicate of a row already in bronze (business_date={DAY}): event_id 'EV2'"
    ]
    assert rejected.column("_source_row").to_pylist() == [1]
    assert "dev-1" not in rejected.column("raw_record")[0].as_py()  # PII stays tokenized in quarantine
    contract = load_contract("platform", "device_events")
    assert rows_accounted_for(paths, contract, [DAY, NEXT_DAY]).passed


def test_re_running_a_day_does_not_count_its_own_rows_as_duplicates(paths):
    write_landing(paths, "platform", DAY, "device_events.csv", EVENTS_HEADER, [event("EV1", DAY)])
    ingest_platform_day(paths, DAY)
    report = ingest_platform_day(paths, DAY)
    assert report.tables["device_events"].rows_accepted == 1


def test_a_reference_table_re_exports_its_keys(paths):
    write_landing(paths, "platform", DAY, "clients.csv", CLIENTS_HEADER, [client(DAY, "Nanjing")])
    ingest_platform_day(paths, DAY)
    write_landing(paths, "platform", NEXT_DAY, "clients.csv", CLIENTS_HEADER, [client(NEXT_DAY, "Suzhou")])
    report = ingest_platform_day(paths, NEXT_DAY)
    assert report.tables["clients"].rows_accepted == 1
    assert _read(paths, "bronze", "clients", NEXT_DAY).column("city").to_pylist() == ["Suzhou"]


def test_the_exemption_is_the_contracts_table_kind(paths):
    write_landing(paths, "platform", DAY, "device_events.csv", EVENTS_HEADER, [event("EV1", DAY)])
    ingest_platform_day(paths, DAY)
    facts = load_contract("platform", "device_events")
    rows = [dict(zip(EVENTS_HEADER.split(","), event("EV1", NEXT_DAY).split(","), strict=True))]
    accepted = validate_batch(raw_batch(rows), facts, NEXT_DAY).accepted
    mask, _ = bronze_duplicates(paths, facts, NEXT_DAY, accepted)
    assert mask.to_pylist() == [True]
    as_reference = dataclasses.replace(facts, table_kind="reference")
    assert bronze_duplicates(paths, as_reference, NEXT_DAY, accepted) is None


def test_a_duplicate_window_bounds_which_dates_are_compared(paths):
    # EV1 is in bronze on DAY; the same key delivered 40 days later is outside a 31-day window.
    write_landing(paths, "platform", DAY, "device_events.csv", EVENTS_HEADER, [event("EV1", DAY)])
    ingest_platform_day(paths, DAY)
    facts = load_contract("platform", "device_events")
    windowed = dataclasses.replace(facts, duplicate_window_days=31)
    for later, flagged in ((NEXT_DAY, True), (_days_after(DAY, 31), True), (_days_after(DAY, 40), False)):
        rows = [dict(zip(EVENTS_HEADER.split(","), event("EV1", later).split(","), strict=True))]
        accepted = validate_batch(raw_batch(rows), facts, later).accepted
        verdict = bronze_duplicates(paths, windowed, later, accepted)
        assert (verdict is not None and verdict[0].to_pylist() == [True]) is flagged, later
        assert bronze_duplicates(paths, facts, later, accepted)[0].to_pylist() == [True]  # no window


def test_the_tick_trades_contract_bounds_its_duplicate_check():
    assert load_contract("ticks", "trades").duplicate_window_days == 31
    assert load_contract("platform", "ledger_postings").duplicate_window_days is None


def _days_after(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()
