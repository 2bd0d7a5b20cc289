"""camt.053 files into statement and line rows, with hand-computed amounts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from assets.bank_statements.camt053_schemas import XSD_DIR, camt053_schema, supported_versions
from assets.bank_statements.model import StatementFileError
from assets.bank_statements.parse_camt053 import parse_camt053

V08 = "two_statements.camt053.xml"
V02 = "eur_account.v02.camt053.xml"


@pytest.fixture
def v08(fixtures: Path):
    return parse_camt053(fixtures / V08)


def test_two_statements_in_one_file(v08) -> None:
    seg, own = v08.statements
    assert seg == {
        "statement_id": "ICBC-SEG-20260302",
        "account_number": "6222020200011111111",
        "currency": "CNY",
        "statement_date": dt.date(2026, 3, 2),
        "opening_balance": Decimal("1000000.00"),
        "closing_balance": Decimal("1194499.50"),
        "entry_count": 4,
        "source_format": "camt053",
        "message_id": "ICBC-MSG-20260302-01",
        # 18:30 in Beijing
        "created_at": dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.UTC),
        "_source_row": 1,
    }
    # No Acct/Ccy: the currency comes from the balances; no Stmt/CreDtTm: the group header's.
    assert own["statement_id"] == "ICBC-OWN-20260302"
    assert own["currency"] == "CNY"
    assert own["opening_balance"] == Decimal("-2500.00")  # a DBIT opening balance
    assert own["closing_balance"] == Decimal("9745.68")
    assert own["created_at"] == dt.datetime(2026, 3, 2, 22, 0, tzinfo=dt.UTC)
    assert own["entry_count"] == 2


def test_amounts_are_signed_by_credit_debit(v08) -> None:
    amounts = [(line["statement_id"], line["amount"]) for line in v08.lines]
    assert amounts == [
        ("ICBC-SEG-20260302", Decimal("250000.00")),
        ("ICBC-SEG-20260302", Decimal("-75500.50")),
        ("ICBC-SEG-20260302", Decimal("-10000.00")),
        ("ICBC-SEG-20260302", Decimal("30000.00")),
        ("ICBC-OWN-20260302", Decimal("12345.67")),
        ("ICBC-OWN-20260302", Decimal("-99.99")),
    ]


@pytest.mark.parametrize("name", [V08, V02])
def test_opening_plus_lines_is_closing(fixtures: Path, balance_gaps, name: str) -> None:
    result = parse_camt053(fixtures / name)
    assert set(balance_gaps(result.statements, result.lines).values()) == {Decimal(0)}


def test_credit_with_references_and_debtor(v08) -> None:
    assert v08.lines[0] == {
        "line_id": "ICBC-SEG-20260302:1",
        "statement_id": "ICBC-SEG-20260302",
        "line_no": 1,
        "account_number": "6222020200011111111",
        "amount": Decimal("250000.00"),
        "currency": "CNY",
        "credit_debit": "CRDT",
        "is_reversal": False,
        "bank_reference": "ICBC20260302000001",
        "end_to_end_id": "E2E-DEP-0001",
        "transaction_code": "DEPOSIT",
        "counterparty_name": "Zhang Wei",
        "counterparty_account": "6217000010001234567",
        "remittance_info": "Margin deposit C000123",
        "booking_date": dt.date(2026, 3, 2),
        "value_date": dt.date(2026, 3, 2),
        "_source_row": 1,
    }


def test_debit_has_creditor_and_value_date_after_booking(v08) -> None:
    line = v08.lines[1]
    assert line["credit_debit"] == "DBIT"
    assert (line["counterparty_name"], line["counterparty_account"]) == ("Li Na", "6217000010007654321")
    assert line["remittance_info"] == "Withdrawal to client C000124"
    assert line["booking_date"] == dt.date(2026, 3, 2)
    assert line["value_date"] == dt.date(2026, 3, 3)


def test_reversal_is_signed_by_its_direction(v08) -> None:
    """RvslInd=true with DBIT undoes an earlier credit: negative, and the payer is the counterparty."""
    line = v08.lines[2]
    assert line["is_reversal"] is True
    assert line["credit_debit"] == "DBIT"
    assert line["amount"] == Decimal("-10000.00")
    assert line["counterparty_name"] == "Zhao Lei"
    assert line["counterparty_account"] == "6217000010002222333"
    assert line["end_to_end_id"] == "E2E-DEP-0000"


def test_pending_entry_is_left_out_and_counted(v08) -> None:
    assert "ICBC20260302000004" not in {line["bank_reference"] for line in v08.lines}
    assert v08.notes == ["statement ICBC-SEG-20260302: entries left out because not booked: PDNG: 1"]


def test_batch_entry_is_one_line_with_joined_references(v08) -> None:
    line = v08.lines[3]
    assert line["line_no"] == 4
    assert line["amount"] == Decimal("30000.00")
    assert line["end_to_end_id"] == "E2E-BATCH-A;E2E-BATCH-B"
    assert line["counterparty_name"] == "Sun Mei; Zhou Tao"
    assert line["remittance_info"] == "Top-up C000200; Top-up C000201"
    assert line["transaction_code"] == "PMNT/RCDT/BOOK"


def test_fallbacks_of_the_second_statement(v08) -> None:
    interest, fee = v08.lines[4:]
    assert interest["bank_reference"] == "ICBC20260302000101"
    assert interest["remittance_info"] == "Margin interest March"  # AddtlNtryInf
    assert interest["counterparty_name"] is None
    assert fee["bank_reference"] == "N0102"  # NtryRef when there is no AcctSvcrRef
    assert fee["end_to_end_id"] is None  # NOTPROVIDED
    assert fee["counterparty_account"] == "DE89370400440532013000"  # IBAN
    assert fee["transaction_code"] == "PMNT/ICDT/DMCT"
    assert fee["booking_date"] == fee["value_date"] == dt.date(2026, 3, 2)  # from DtTm


def test_source_rows_point_at_statements_and_entries(v08) -> None:
    assert [s["_source_row"] for s in v08.statements] == [1, 2]
    # Entry 4 of the file is the pending one.
    assert [line["_source_row"] for line in v08.lines] == [1, 2, 3, 5, 6, 7]
    assert [line["line_no"] for line in v08.lines] == [1, 2, 3, 4, 1, 2]


def test_version_02(fixtures: Path) -> None:
    result = parse_camt053(fixtures / V02)
    (statement,) = result.statements
    assert statement["account_number"] == "DE44500105175407324931"
    assert statement["currency"] == "EUR"
    assert statement["opening_balance"] == Decimal("50000.00")  # PRCD
    assert statement["closing_balance"] == Decimal("51000.00")
    assert statement["statement_date"] == dt.date(2026, 3, 2)
    assert statement["created_at"] == dt.datetime(2026, 3, 2, 21, 0, tzinfo=dt.UTC)
    credit, fee = result.lines
    assert credit["amount"] == Decimal("1234.56")
    assert credit["counterparty_name"] == "Müller Vermögensverwaltung GmbH"
    assert credit["counterparty_account"] == "DE02120300000000202051"
    assert credit["end_to_end_id"] is None
    assert credit["remittance_info"] == "RF18539007547034"
    assert fee["amount"] == Decimal("-234.56")
    assert fee["bank_reference"] == "DEUT0302B7"
    assert fee["booking_date"] == dt.date(2026, 3, 2)
    assert fee["value_date"] == dt.date(2026, 2, 28)
    assert fee["remittance_info"] == "Custody fee February"
    assert result.notes == ["statement DEUT-EUR-2026-061: entries left out because not booked: INFO: 1"]


@pytest.mark.parametrize(("name", "version"), [(V08, "08"), (V02, "02")])
def test_fixtures_are_valid_against_the_official_schema(fixtures: Path, name: str, version: str) -> None:
    root = etree.parse(str(fixtures / name)).getroot()
    errors = list(camt053_schema(version).iter_errors(xmlschema.XMLResource(root, allow="none")))
    assert errors == []


def test_schema_errors_are_notes_not_failures(fixtures: Path, tmp_path: Path) -> None:
    text = (fixtures / V08).read_text(encoding="utf-8")
    broken = tmp_path / "lax.camt053.xml"
    broken.write_text(text.replace("<ElctrncSeqNb>61</", "<ElctrncSeqNb>sixty-one</", 1), encoding="utf-8")
    result = parse_camt053(broken)
    assert len(result.lines) == 6
    assert any(note.startswith("camt.053.001.08 schema:") and "sixty-one" in note for note in result.notes)


def test_bundled_versions_match_their_namespaces() -> None:
    assert supported_versions() == tuple(f"{n:02d}" for n in range(2, 15))
    for version in supported_versions():
        xsd = etree.parse(str(XSD_DIR / f"camt.053.001.{version}.xsd")).getroot()
        assert xsd.get("targetNamespace") == f"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}"


def test_unknown_version_is_refused(fixtures: Path, tmp_path: Path) -> None:
    text = (fixtures / V08).read_text(encoding="utf-8").replace("camt.053.001.08", "camt.053.001.15")
    future = tmp_path / "future.camt053.xml"
    future.write_text(text, encoding="utf-8")
    with pytest.raises(
        StatementFileError, match=r"unknown camt.053 version camt.053.001.15; supported: 02, "
    ):
        parse_camt053(future)


def test_other_camt_message_is_refused(tmp_path: Path) -> None:
    notification = tmp_path / "notification.xml"
    notification.write_text(
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">'
        "<BkToCstmrDbtCdtNtfctn/></Document>",
        encoding="utf-8",
    )
    with pytest.raises(
        StatementFileError, match=r"not a camt\.053 statement: the document is a debit/credit"
    ):
        parse_camt053(notification)


def test_document_without_statement_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "no_stmt.camt053.xml"
    empty.write_text(
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr>'
        "<MsgId>M1</MsgId><CreDtTm>2026-03-02T10:00:00Z</CreDtTm></GrpHdr></BkToCstmrStmt></Document>",
        encoding="utf-8",
    )
    with pytest.raises(StatementFileError, match="without a statement"):
        parse_camt053(empty)
