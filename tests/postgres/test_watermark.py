"""The per-table watermark: which business dates have rows not yet ingested from the database."""

from __future__ import annotations

import datetime as dt

import pytest

from assets.common.calendar import next_trading_days
from assets.common.contracts import contracts_for
from assets.common.paths import LakePaths
from assets.platform.ingest import ingest_platform_day
from assets.platform.postgres_schema import load_exports_into_postgres
from assets.platform.postgres_source import (
    advance_watermarks,
    new_business_dates,
    read_platform_day,
    read_watermark,
    watermark_path,
)
from tests.postgres.helpers import insert, query, read_bronze

pytestmark = pytest.mark.postgres


def later_rows(day: str, account: dict) -> dict[str, list[dict[str, str | None]]]:
    """A balanced journal, a login and a changed version of an existing account, recorded on `day`."""
    at = f"{day}T03:00:00.000000Z"
    return {
        "ledger_postings": [
            {"posting_id": "PSX1", "txn_id": "TXX1", "line_no": "1", "gl_code": "1001", "account_id": None,
             "direction": "D", "amount": "0.01", "currency": "CNY", "recorded_at": at},
            {"posting_id": "PSX2", "txn_id": "TXX1", "line_no": "2", "gl_code": "2001", "account_id": None,
             "direction": "C", "amount": "0.01", "currency": "CNY", "recorded_at": at},
        ],
        "device_events": [
            {"event_id": "EVX1", "client_id": account["client_id"], "event_type": "login",
             "device_id": "d0d0d0d0d0d0d0d0", "ip_address": "10.0.0.1", "occurred_at": at, "recorded_at": at},
        ],
        "accounts": [{**account, "status": "suspended", "recorded_at": at}],
    }  # fmt: skip


def account_text(uri: str) -> dict:
    """One account as export text, read back from the database."""
    columns = [c.name for c in next(c for c in contracts_for("platform") if c.table == "accounts").columns]
    (row,) = query(
        uri,
        "SELECT account_id, client_id, product_id, currency, credit_limit::text, interest_rate_annual::text, "
        "leverage_cap::text, status, to_char(opened_at AT TIME ZONE 'UTC', "
        '\'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\'), maturity_date::text, recorded_at::text '
        "FROM platform.accounts ORDER BY account_id LIMIT 1",
    )
    return dict(zip(columns, row, strict=True))


def test_new_dates_follow_the_watermark(new_database, sample, sample_days, tmp_path):
    uri = new_database("watermark")
    load_exports_into_postgres(uri, sample.landing)
    lake = LakePaths(tmp_path / "lake")
    assert new_business_dates(uri, lake) == sample_days  # nothing ingested yet

    for day in sample_days:
        ingest_platform_day(lake, day, database_uri=uri)
    assert new_business_dates(uri, lake) == []  # nothing changed

    mark = read_watermark(lake, "ledger_postings")
    ((last_at, last_key),) = query(
        uri,
        "SELECT recorded_at, posting_id FROM platform.ledger_postings "
        'ORDER BY recorded_at DESC, posting_id COLLATE "C" DESC LIMIT 1',
    )
    assert mark is not None and (mark.recorded_at, mark.key) == (last_at, (last_key,))
    assert mark.business_date == sample_days[-1]

    before = watermark_path(lake, "ledger_postings").read_text()
    ingest_platform_day(lake, sample_days[0], database_uri=uri)  # a re-run of an old day
    assert watermark_path(lake, "ledger_postings").read_text() == before  # never moves back
    assert new_business_dates(uri, lake) == []

    later = next_trading_days(dt.date.fromisoformat(sample_days[-1]) + dt.timedelta(days=1), 1)[0].isoformat()
    account = account_text(uri)
    for table, rows in later_rows(later, account).items():
        insert(uri, table, rows)
    assert new_business_dates(uri, lake) == [later]
    assert new_business_dates(uri, lake, tables=["fills", "clients"]) == []

    report = ingest_platform_day(lake, later, database_uri=uri)
    assert new_business_dates(uri, lake) == []
    assert report.tables["accounts"].rows_accepted == 1  # a new version of a known account
    versions = read_bronze(lake, "accounts", later).to_pylist()
    assert [(v["account_id"], v["status"]) for v in versions] == [(account["account_id"], "suspended")]


def test_rows_younger_than_the_safety_lag_wait(new_database, sample, tmp_path):
    uri = new_database("safety_lag")
    load_exports_into_postgres(uri, sample.landing)
    lake = LakePaths(tmp_path / "lake")
    for day in new_business_dates(uri, lake):
        ingest_platform_day(lake, day, database_uri=uri)
    insert_now = (
        "INSERT INTO platform.device_events VALUES ('EVNOW', 'C0000001', 'login', 'feedfeedfeedfeed', "
        "'10.0.0.2', clock_timestamp(), clock_timestamp()) "
        "RETURNING CAST(timezone('Asia/Shanghai', recorded_at) AS date)"
    )
    ((today,),) = query(uri, insert_now)
    today = today.isoformat()

    assert new_business_dates(uri, lake) == []  # may still be committing elsewhere: wait
    assert new_business_dates(uri, lake, safety_lag=dt.timedelta(0)) == [today]

    ingest_platform_day(lake, today, database_uri=uri)  # read now, but not counted as settled
    assert read_bronze(lake, "device_events", today).column("event_id").to_pylist() == ["EVNOW"]
    assert new_business_dates(uri, lake, safety_lag=dt.timedelta(0)) == [today]

    advance_watermarks(lake, read_platform_day(uri, today, safety_lag=dt.timedelta(0)))
    assert new_business_dates(uri, lake, safety_lag=dt.timedelta(0)) == []


def test_a_watermark_of_another_database_is_ignored(new_database, sample, sample_days, tmp_path):
    first, second = new_database("first"), new_database("second")
    load_exports_into_postgres(first, sample.landing)
    load_exports_into_postgres(second, sample.landing)
    lake = LakePaths(tmp_path / "lake")
    ingest_platform_day(lake, sample_days[0], database_uri=first)
    assert new_business_dates(first, lake) == sample_days[1:]
    assert new_business_dates(second, lake) == sample_days
