"""Rows read from PostgreSQL keep exact numerics and are judged by the contract like export rows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assets.common.paths import LakePaths
from assets.platform.ingest import ingest_platform_day
from assets.platform.postgres_schema import create_platform_tables, load_exports_into_postgres
from tests.postgres.helpers import insert, query, read_bronze, read_quarantine, run, write_export

pytestmark = pytest.mark.postgres
DAY = "2026-03-02"  # a trading day on XSHG
AT = "2026-03-02T02:00:00.000000Z"  # 10:00 in Shanghai


def posting(
    pid: str, txn: str, line: int, direction: str, amount: str, at: str = AT
) -> dict[str, str | None]:
    return {
        "posting_id": pid,
        "txn_id": txn,
        "line_no": str(line),
        "gl_code": "1001" if direction == "D" else "2001",
        "account_id": "MA00000001" if direction == "D" else None,
        "direction": direction,
        "amount": amount,
        "currency": "CNY",
        "recorded_at": at,
    }


def client(cid: str, client_type: str) -> dict[str, str | None]:
    return {
        "client_id": cid,
        "full_name": f"Client {cid}",
        "id_number": f"11010119900307{cid[-4:]}",
        "phone": f"1380013{cid[-4:]}",
        "client_type": client_type,
        "kyc_level": "2",
        "risk_rating": "low",
        "city": "Shanghai",
        "birth_year": "1990",
        "acquisition_channel": "organic",
        "campaign_id": None,
        "agent_id": None,
        "registered_at": AT,
        "recorded_at": AT,
    }


def test_numerics_arrive_exact(new_database, tmp_path):
    uri = new_database("numerics")
    create_platform_tables(uri)
    run(
        uri,
        "INSERT INTO platform.ledger_postings VALUES "
        "('P1', 'T1', 1, '1001', 'MA1', 'D', 12345678901234.56, 'CNY', '2026-03-02T02:00:00Z'), "
        "('P2', 'T1', 2, '2001', NULL, 'C', 12345678901234.56, 'CNY', '2026-03-02T02:00:00Z'), "
        "('P3', 'T2', 1, '1001', 'MA1', 'D', 0.01, 'CNY', '2026-03-02T02:00:01Z'), "
        "('P4', 'T2', 2, '2001', NULL, 'C', 0.01, 'CNY', '2026-03-02T02:00:01Z'), "
        "('P5', 'T3', 1, '1001', 'MA1', 'D', 9999999999999999.99, 'CNY', '2026-03-02T02:00:02Z'), "
        "('P6', 'T3', 2, '2001', NULL, 'C', 9999999999999999.99, 'CNY', '2026-03-02T02:00:02Z')",
        "INSERT INTO platform.fills VALUES ('F1', 'O1', 'MA1', '600000.XSHG', 'T9', 'buy', "
        "1234567890.12345678, 0.00000001, 12.35, 0.01, 0.00, false, '2026-03-02', "
        "'2026-03-02T02:00:00.000001Z', '2026-03-02T02:00:00.000002Z')",
    )
    lake = LakePaths(tmp_path / "lake")
    report = ingest_platform_day(lake, DAY, database_uri=uri)
    assert report.tables["ledger_postings"].rows_quarantined == 0
    postings = read_bronze(lake, "ledger_postings", DAY).sort_by("posting_id")
    assert postings.column("amount").to_pylist() == [
        Decimal("12345678901234.56"),
        Decimal("12345678901234.56"),
        Decimal("0.01"),
        Decimal("0.01"),
        Decimal("9999999999999999.99"),
        Decimal("9999999999999999.99"),
    ]
    fills = read_bronze(lake, "fills", DAY)
    assert report.tables["fills"].rows_quarantined == 0, read_quarantine(lake, "fills", DAY).to_pylist()
    (fill,) = fills.to_pylist()
    assert fill["quantity"] == Decimal("1234567890.12345678")
    assert fill["price"] == Decimal("0.00000001")
    assert fill["executed_at"].microsecond == 1 and fill["recorded_at"].microsecond == 2


def test_bad_rows_are_quarantined_with_the_same_reasons_as_from_files(new_database, tmp_path):
    postings = [
        posting("P1", "T1", 1, "D", "100.00"),
        posting("P2", "T1", 2, "C", "100.00"),
        posting("P3", "T2", 1, "D", "100.00"),
        posting("P4", "T2", 2, "C", "99.99"),  # T2 does not balance
        posting("P5", "T3", 1, "D", "5.00"),
        posting("P6", "T3", 2, "X", "5.00"),  # not a direction
    ]
    clients = [client("C0001", "natural"), client("C0002", "robot")]
    files = LakePaths(tmp_path / "files")
    write_export(files.landing, DAY, "ledger_postings", postings)
    write_export(files.landing, DAY, "clients", clients)
    uri = new_database("bad_rows")
    create_platform_tables(uri)
    insert(uri, "ledger_postings", postings)
    insert(uri, "clients", clients)
    database = LakePaths(tmp_path / "database")

    from_files = ingest_platform_day(files, DAY, database_uri="")
    from_database = ingest_platform_day(database, DAY, database_uri=uri)

    for table in ("ledger_postings", "clients"):
        assert from_database.tables[table].rows_accepted == from_files.tables[table].rows_accepted
        columns = ["rule", "reason", "raw_record"]
        expected = read_quarantine(files, table, DAY).select(columns).sort_by("raw_record")
        actual = read_quarantine(database, table, DAY).select(columns).sort_by("raw_record")
        assert actual.equals(expected), table
    reasons = read_quarantine(database, "ledger_postings", DAY).column("reason").to_pylist()
    assert "direction value 'X' is not one of D, C" in reasons
    assert any(
        r.startswith("transaction T2 does not balance (CNY debits 100.00 vs credits 99.99)") for r in reasons
    )
    assert read_bronze(database, "ledger_postings", DAY).column("posting_id").to_pylist() == ["P1", "P2"]
    (reason,) = read_quarantine(database, "clients", DAY).column("reason").to_pylist()
    assert reason == "client_type value 'robot' is not one of natural, legal"
    quarantined = read_quarantine(database, "clients", DAY)
    assert "Client C0002" not in quarantined.column("raw_record")[0].as_py()  # PII tokenized
    assert quarantined.column("_source_file").to_pylist() == ["postgresql:platform.clients"]


def test_exports_loaded_twice_replace_not_duplicate(new_database, sample):
    uri = new_database("reload")
    first = load_exports_into_postgres(uri, sample.landing)
    second = load_exports_into_postgres(uri, sample.landing)
    assert first == second
    ((count,),) = query(uri, "SELECT count(*) FROM platform.ledger_postings")
    assert count == first["ledger_postings"]
