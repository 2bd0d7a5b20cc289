"""Bank statement files through a stand-in parser: unreadable files are set aside, the rest ingests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pyarrow.parquet as pq
import pytest

from assets.bank_statements.ingest import ingest_bank_statements_day
from tests.ingest.helpers import DAY


class FakeStatementFileError(Exception):
    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{Path(path).name}: {message}")


def statement(statement_id: str, opening: str, closing: str, lines: list[str]) -> SimpleNamespace:
    head = {
        "statement_id": statement_id,
        "account_number": "6222000011112222",
        "currency": "CNY",
        "statement_date": dt.date(2026, 3, 2),
        "opening_balance": Decimal(opening),
        "closing_balance": Decimal(closing),
        "entry_count": len(lines),
        "source_format": "camt053",
        "message_id": "MSG1",
        "created_at": dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC),
        "_source_row": 1,
    }
    body = [
        {
            "line_id": f"{statement_id}:{i}",
            "statement_id": statement_id,
            "line_no": i,
            "account_number": "6222000011112222",
            "amount": Decimal(amount),
            "currency": "CNY",
            "credit_debit": "CRDT" if Decimal(amount) > 0 else "DBIT",
            "is_reversal": False,
            "bank_reference": f"REF{i}",
            "end_to_end_id": f"E2E{i}",
            "transaction_code": "PMNT",
            "counterparty_name": "Wang Fang",
            "counterparty_account": "6217000099998888",
            "remittance_info": "deposit",
            "booking_date": dt.date(2026, 3, 2),
            "value_date": dt.date(2026, 3, 2),
            "_source_row": i + 1,
        }
        for i, amount in enumerate(lines, 1)
    ]
    return SimpleNamespace(statements=[head], lines=body, notes=[])


def fake_parse(path: Path) -> SimpleNamespace:
    if path.name.startswith("broken"):
        raise FakeStatementFileError(path, "not well-formed XML at line 3")
    if path.name.startswith("OWN"):
        return statement("S-OWN", "1000.00", "1150.00", ["200.00", "-50.00"])
    return statement("S-SEG", "500.00", "600.00", ["99.99"])  # off by a cent


@pytest.fixture
def landing(paths):
    folder = paths.landing / "bank" / DAY
    folder.mkdir(parents=True)
    for name in ("OWN-ICBC.camt053.xml", "SEG-CMB.camt053.xml", "broken.camt053.xml"):
        (folder / name).write_text("<Document/>")
    return paths


def test_unreadable_file_is_set_aside_and_the_others_ingest(landing):
    report = ingest_bank_statements_day(landing, DAY, parser=(fake_parse, FakeStatementFileError))
    assert [u.path for u in report.unreadable_files] == [f"landing/bank/{DAY}/broken.camt053.xml"]
    assert "broken.camt053.xml: not well-formed XML at line 3" in report.unreadable_files[0].message
    folder = landing.quarantine / "_files" / "bank_statements" / DAY
    assert (folder / "broken.camt053.xml").read_text() == "<Document/>"
    assert "not well-formed XML" in (folder / "broken.camt053.xml.reason.txt").read_text()

    statements, lines = report.tables["bank_statements"], report.tables["bank_statement_lines"]
    assert (statements.rows_in, statements.rows_accepted, statements.rows_quarantined) == (2, 1, 1)
    assert (lines.rows_in, lines.rows_accepted, lines.rows_quarantined) == (3, 2, 1)
    assert len(statements.files) == 2


def test_statement_that_does_not_add_up_is_quarantined_and_pii_tokenized(landing):
    ingest_bank_statements_day(landing, DAY, parser=(fake_parse, FakeStatementFileError))
    bronze = pq.read_table(
        landing.bronze_partition("bank_statements", "bank_statement_lines", DAY) / "data.parquet"
    )
    assert bronze.column("amount").to_pylist() == [Decimal("200.00"), Decimal("-50.00")]
    assert all(v.startswith("tok_") for v in bronze.column("counterparty_name").to_pylist())
    assert bronze.column("_source_file")[0].as_py() == f"landing/bank/{DAY}/OWN-ICBC.camt053.xml"
    rejected = pq.read_table(
        landing.quarantine_partition("bank_statements", "bank_statements", DAY) / "data.parquet"
    )
    assert "statement S-SEG does not add up" in rejected.column("reason")[0].as_py()
    for path in landing.bronze.rglob("*.parquet"):
        assert b"Wang Fang" not in path.read_bytes()


def test_a_file_that_is_readable_again_leaves_quarantine(landing):
    ingest_bank_statements_day(landing, DAY, parser=(fake_parse, FakeStatementFileError))
    (landing.landing / "bank" / DAY / "broken.camt053.xml").rename(
        landing.landing / "bank" / DAY / "OWN-X.xml"
    )
    report = ingest_bank_statements_day(landing, DAY, parser=(fake_parse, FakeStatementFileError))
    assert report.unreadable_files == []
    assert list((landing.quarantine / "_files" / "bank_statements" / DAY).iterdir()) == []


def test_the_real_parser_is_found_where_ingest_imports_it():
    from assets.bank_statements.ingest import statement_parser

    parse, error = statement_parser()
    assert callable(parse) and issubclass(error, Exception)
