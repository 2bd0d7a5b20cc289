"""MT940 statements and MT942 interim reports into statement and line rows, with hand-computed amounts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from assets.bank_statements.model import StatementFileError
from assets.bank_statements.parse_mt940 import parse_mt940

MT940_FILE = "two_statements.mt940"
MT942_FILE = "interim.mt942"


@pytest.fixture
def mt940_result(fixtures: Path):
    return parse_mt940(fixtures / MT940_FILE)


def test_two_statements_in_one_file(mt940_result) -> None:
    cmb, boc = mt940_result.statements
    assert cmb == {
        "statement_id": "CMB20260302",
        "account_number": "6225880100022222222",
        "currency": "CNY",
        "statement_date": dt.date(2026, 3, 2),  # the :62F: date
        "opening_balance": Decimal("-2500.00"),  # :60F:D
        "closing_balance": Decimal("357499.50"),
        "entry_count": 3,
        "source_format": "mt940",
        "message_id": None,
        "created_at": None,
        "_source_row": 1,
    }
    assert boc["statement_id"] == "BOC20260303"
    assert boc["account_number"] == "6013820100044444444"
    assert boc["statement_date"] == dt.date(2026, 3, 3)
    assert (boc["opening_balance"], boc["closing_balance"]) == (Decimal("80000.00"), Decimal("84249.75"))
    assert boc["_source_row"] == 16
    assert mt940_result.notes == []


def test_amounts_and_reversal_marks(mt940_result) -> None:
    marks = [(line["amount"], line["credit_debit"], line["is_reversal"]) for line in mt940_result.lines]
    assert marks == [
        (Decimal("500000.00"), "CRDT", False),
        (Decimal("-120000.50"), "DBIT", False),
        (Decimal("-20000.00"), "DBIT", True),  # RC: reversal of a credit takes money out
        (Decimal("1500.00"), "CRDT", True),  # RD: reversal of a debit puts money back
        (Decimal("-250.25"), "DBIT", False),
        (Decimal("3000.00"), "CRDT", False),
    ]


def test_opening_plus_lines_is_closing(mt940_result, balance_gaps) -> None:
    gaps = balance_gaps(mt940_result.statements, mt940_result.lines)
    assert gaps == {"CMB20260302": Decimal(0), "BOC20260303": Decimal(0)}


def test_structured_narrative_line(mt940_result) -> None:
    assert mt940_result.lines[0] == {
        "line_id": "CMB20260302:1",
        "statement_id": "CMB20260302",
        "line_no": 1,
        "account_number": "6225880100022222222",
        "amount": Decimal("500000.00"),
        "currency": "CNY",
        "credit_debit": "CRDT",
        "is_reversal": False,
        "bank_reference": "CMB0302000001",
        "end_to_end_id": "E2E-DEP-0101",
        "transaction_code": "NTRF",
        "counterparty_name": "Wang Fang",
        "counterparty_account": "6217000010009876543",
        # the :86: wraps inside "Margin"; the wrap is not part of the text
        "remittance_info": "Margin deposit C000456",
        "booking_date": dt.date(2026, 3, 2),
        "value_date": dt.date(2026, 3, 2),
        "_source_row": 5,
    }


def test_value_date_and_entry_date(mt940_result) -> None:
    withdrawal, top_up = mt940_result.lines[1], mt940_result.lines[5]
    assert (withdrawal["value_date"], withdrawal["booking_date"]) == (
        dt.date(2026, 3, 3),
        dt.date(2026, 3, 2),
    )
    assert (top_up["value_date"], top_up["booking_date"]) == (dt.date(2026, 3, 4), dt.date(2026, 3, 3))
    assert withdrawal["remittance_info"] == "Withdrawal to client 2026/03"


def test_reversal_takes_end_to_end_id_from_the_narrative(mt940_result) -> None:
    reversal = mt940_result.lines[2]
    assert reversal["end_to_end_id"] == "E2E-DEP-0099"  # :61: says NONREF
    assert reversal["counterparty_name"] == "Wang Fang"
    assert reversal["remittance_info"] == "Return of deposit"


def test_free_text_narrative(mt940_result) -> None:
    fee = mt940_result.lines[4]
    assert fee["end_to_end_id"] is None
    assert fee["transaction_code"] == "NCHG"
    assert fee["counterparty_name"] is None
    assert fee["remittance_info"] == "Account maintenance fee March"


def test_source_rows_are_file_line_numbers(mt940_result) -> None:
    assert [line["_source_row"] for line in mt940_result.lines] == [5, 8, 11, 20, 23, 25]
    assert [line["line_id"] for line in mt940_result.lines[3:]] == [
        "BOC20260303:1",
        "BOC20260303:2",
        "BOC20260303:3",
    ]


def test_mt942_interim_reports(fixtures: Path) -> None:
    result = parse_mt940(fixtures / MT942_FILE)
    first, second = result.statements
    assert first["statement_id"] == "CMB942-0302-1"
    assert first["statement_date"] == dt.date(2026, 3, 2)
    assert first["created_at"] == dt.datetime(2026, 3, 2, 3, 30, tzinfo=dt.UTC)  # 11:30 +08:00
    assert second["created_at"] == dt.datetime(2026, 3, 2, 7, 30, tzinfo=dt.UTC)
    assert first["currency"] == "CNY"  # from :34F:
    assert (first["opening_balance"], first["closing_balance"]) == (None, None)
    assert [(line["statement_id"], line["amount"]) for line in result.lines] == [
        ("CMB942-0302-1", Decimal("8800.00")),
        ("CMB942-0302-1", Decimal("-1200.00")),
        ("CMB942-0302-2", Decimal("300.00")),
    ]
    assert result.lines[2]["is_reversal"] is True
    # The :90D:/:90C: totals agree with the lines, so the only notes are the missing balances.
    assert result.notes == [
        "statement CMB942-0302-1: interim report (MT942) without opening balance (:60F:/:60M:)",
        "statement CMB942-0302-1: interim report (MT942) without closing balance (:62F:/:62M:)",
        "statement CMB942-0302-2: interim report (MT942) without opening balance (:60F:/:60M:)",
        "statement CMB942-0302-2: interim report (MT942) without closing balance (:62F:/:62M:)",
    ]


def test_mt942_totals_that_disagree_are_noted(fixtures: Path, tmp_path: Path) -> None:
    report = tmp_path / "off.mt942"
    text = (fixtures / MT942_FILE).read_text(encoding="utf-8")
    report.write_text(text.replace(":90C:1CNY8800,00", ":90C:1CNY8900,00"), encoding="utf-8")
    notes = parse_mt940(report).notes
    assert "statement CMB942-0302-1: CRDT lines sum to 8800.00, :90: says 8900.00" in notes


def test_repeated_reference_is_made_unique_with_the_statement_number(tmp_path: Path) -> None:
    block = (
        ":20:STATEMENT\n:25:6013820100044444444\n:28C:{n}/1\n"
        ":60F:C26030{d}CNY0,00\n:62F:C26030{d}CNY0,00\n-\n"
    )
    path = tmp_path / "repeated.mt940"
    path.write_text(block.format(n=61, d=2) + block.format(n=62, d=3), encoding="utf-8")
    result = parse_mt940(path)
    assert [s["statement_id"] for s in result.statements] == ["STATEMENT/61/1", "STATEMENT/62/1"]
    assert [s["entry_count"] for s in result.statements] == [0, 0]


def test_intermediate_balances_are_used(tmp_path: Path) -> None:
    path = tmp_path / "page.mt940"
    path.write_text(
        ":20:P2\n:25:6013820100044444444\n:28C:61/2\n:60M:C260302CNY100,00\n"
        ":61:2603020302D40,00NTRFNONREF//B1\n:62M:C260302CNY60,00\n-\n",
        encoding="utf-8",
    )
    (statement,) = parse_mt940(path).statements
    assert (statement["opening_balance"], statement["closing_balance"]) == (
        Decimal("100.00"),
        Decimal("60.00"),
    )


def test_non_utf8_file_is_read_as_cp852(tmp_path: Path) -> None:
    path = tmp_path / "cp852.sta"
    text = (
        ":20:PKO1\r\n:25:PL61109010140000071219812874\r\n:28C:1/1\r\n:60F:C260302PLN0,00\r\n"
        ":61:2603020302C10,00NTRFNONREF//B1\r\n:86:/NAME/Łukasz Żółć/REMI/Zwrot\r\n"
        ":62F:C260302PLN10,00\r\n-\r\n"
    )
    path.write_bytes(text.encode("cp852"))
    result = parse_mt940(path)
    assert result.lines[0]["counterparty_name"] == "Łukasz Żółć"
    assert result.notes == ["file is not UTF-8; read as cp852"]


def test_byte_order_mark_does_not_hide_the_first_statement(fixtures: Path, tmp_path: Path) -> None:
    path = tmp_path / "bom.mt940"
    path.write_bytes(b"\xef\xbb\xbf" + (fixtures / MT940_FILE).read_bytes())
    assert [s["statement_id"] for s in parse_mt940(path).statements] == ["CMB20260302", "BOC20260303"]


def test_statement_without_account_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "no_account.mt940"
    path.write_text(":20:X1\n:28C:1/1\n:60F:C260302CNY0,00\n:62F:C260302CNY0,00\n-\n", encoding="utf-8")
    with pytest.raises(StatementFileError, match=r"statement 1 \(:20: X1\) has no account identification"):
        parse_mt940(path)


def test_malformed_statement_line_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad_line.mt940"
    path.write_text(
        ":20:X1\n:25:1\n:28C:1/1\n:60F:C260302CNY0,00\n:61:not a statement line\n:62F:C260302CNY0,00\n-\n",
        encoding="utf-8",
    )
    with pytest.raises(StatementFileError, match=r"bad_line\.mt940: malformed MT940/MT942 content"):
        parse_mt940(path)


def test_fully_repeated_statements_get_their_position(tmp_path: Path) -> None:
    block = ":20:SAME\n:25:1\n:28C:7/1\n:60F:C260302CNY0,00\n:62F:C260302CNY0,00\n-\n"
    path = tmp_path / "thrice.mt940"
    path.write_text(block * 3, encoding="utf-8")
    result = parse_mt940(path)
    assert [s["statement_id"] for s in result.statements] == ["SAME/7/1#1", "SAME/7/1#2", "SAME/7/1#3"]
    assert len(result.notes) == 3


def test_empty_reference_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blank_ref.mt940"
    path.write_text(":20:\n:25:1\n:28C:1/1\n:60F:C260302CNY0,00\n:62F:C260302CNY0,00\n-\n", encoding="utf-8")
    with pytest.raises(StatementFileError, match=r"statement 1 has an empty reference \(:20:\)"):
        parse_mt940(path)
