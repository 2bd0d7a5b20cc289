"""Which source the platform asset reads, and the errors a wrong database gives before anything is written."""

from __future__ import annotations

import socket

import pyarrow as pa
import pytest

from assets.common.contracts import load_contract
from assets.common.paths import LakePaths
from assets.platform.ingest import ingest_platform_day
from assets.platform.postgres_connection import PlatformDatabaseError, describe_uri, redact
from assets.platform.postgres_schema import create_platform_tables, load_exports_into_postgres
from assets.platform.postgres_source import PLATFORM_DB_URI_ENV, as_export_strings
from tests.postgres.helpers import read_bronze, run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_uri_descriptions_never_show_the_password():
    uri = "postgresql://risk:p%40ss%20word@db.internal:6543/platform?sslmode=require"
    assert describe_uri(uri) == "risk@db.internal:6543/platform"
    assert redact("auth failed for p@ss word and p%40ss%20word", uri) == "auth failed for *** and ***"


def test_an_unreachable_database_fails_naming_the_server_and_writes_nothing(tmp_path):
    port = free_port()
    lake = LakePaths(tmp_path / "lake")
    with pytest.raises(PlatformDatabaseError) as caught:
        ingest_platform_day(
            lake, "2026-03-02", database_uri=f"postgresql://risk:s3cr3t-pw@127.0.0.1:{port}/x"
        )
    message = str(caught.value)
    assert f"Cannot connect to the platform database at risk@127.0.0.1:{port}/x" in message
    assert "s3cr3t-pw" not in message
    assert not lake.bronze.exists()


def test_a_non_uri_is_refused(tmp_path):
    with pytest.raises(PlatformDatabaseError, match="postgresql://"):
        ingest_platform_day(LakePaths(tmp_path), "2026-03-02", database_uri="host=db dbname=platform")


def test_export_text_matches_the_files():
    contract = load_contract("platform", "fills")
    batch = pa.table(
        {
            "quantity": pa.array(["1234567890.12345678"], pa.string()),
            "is_forced_liquidation": pa.array([False]),
            "trade_date": pa.array([20514], pa.date32()),
            "executed_at": pa.array([1772418600000001], pa.timestamp("us", tz="UTC")),
        }
    )
    row = as_export_strings(batch, contract).to_pylist()[0]
    assert row["quantity"] == "1234567890.12345678"
    assert row["is_forced_liquidation"] == "false"
    assert row["trade_date"] == "2026-03-02"
    assert row["executed_at"] == "2026-03-02T02:30:00.000001Z"
    assert row["price"] is None
    with pytest.raises(PlatformDatabaseError, match="floating-point"):
        as_export_strings(pa.table({"price": pa.array([1.5])}), contract)


@pytest.mark.postgres
def test_the_environment_variable_selects_the_database(
    new_database, sample, sample_days, tmp_path, monkeypatch
):
    uri = new_database("environment")
    load_exports_into_postgres(uri, sample.landing)
    day = sample_days[0]
    from_files = LakePaths(tmp_path / "files")
    ingest_platform_day(from_files, day)  # no setting: export files, and there are none here
    assert read_bronze(from_files, "device_events", day).num_rows == 0

    monkeypatch.setenv(PLATFORM_DB_URI_ENV, uri)
    from_database = LakePaths(tmp_path / "database")
    report = ingest_platform_day(from_database, day)
    assert report.tables["device_events"].files == ["postgresql:platform.device_events"]
    assert read_bronze(from_database, "device_events", day).num_rows > 0


@pytest.mark.postgres
def test_a_database_that_drifted_from_the_contracts_fails_listing_every_problem(new_database, tmp_path):
    uri = new_database("drift")
    create_platform_tables(uri)
    run(
        uri,
        "ALTER TABLE platform.fills DROP COLUMN taxes",
        "ALTER TABLE platform.ledger_postings ALTER COLUMN amount TYPE double precision",
        "DROP TABLE platform.agents",
    )
    lake = LakePaths(tmp_path / "lake")
    with pytest.raises(PlatformDatabaseError) as caught:
        ingest_platform_day(lake, "2026-03-02", database_uri=uri)
    message = str(caught.value)
    assert "table platform.agents does not exist" in message
    assert "platform.fills lacks column(s) taxes" in message
    assert "platform.ledger_postings.amount is double precision; money must be numeric" in message
    assert not lake.bronze.exists()
