"""Cross-row rules quarantine whole groups: an unbalanced transaction, a statement that does not add up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from assets.bank_statements.ingest import rows_to_table
from assets.common.balance_rules import apply_ledger_balance, apply_statement_balance
from assets.common.contracts import load_contract
from assets.common.validate import validate_batch
from tests.ingest.helpers import DAY, raw_batch, reasons_by_row, rules_by_row

RECORDED = "2026-03-02T02:00:00Z"


def posting(posting_id: str, txn_id: str, direction: str, amount: str) -> dict[str, str | None]:
    return {
        "posting_id": posting_id,
        "txn_id": txn_id,
        "line_no": posting_id[-1],
        "gl_code": "1001",
        "account_id": None,
        "direction": direction,
        "amount": amount,
        "currency": "CNY",
        "recorded_at": RECORDED,
    }


def header(txn_id: str) -> dict[str, str | None]:
    return {
        "txn_id": txn_id,
        "idempotency_key": f"K-{txn_id}",
        "txn_type": "deposit",
        "reference": f"R-{txn_id}",
        "status": "posted",
        "booking_date": DAY,
        "effective_at": RECORDED,
        "recorded_at": RECORDED,
    }


def test_unbalanced_transaction_is_quarantined_whole_with_its_header():
    postings_contract = load_contract("platform", "ledger_postings")
    headers_contract = load_contract("platform", "ledger_transactions")
    raw_postings = raw_batch(
        [
            posting("P1", "T1", "D", "100.00"),
            posting("P2", "T1", "C", "100.00"),
            posting("P3", "T2", "D", "100.00"),
            posting("P4", "T2", "C", "90.00"),
            posting("P5", "T3", "D", "50.00"),
            posting("P6", "T3", "C", "-50.00"),  # broken row: T3 no longer balances without it
        ]
    )
    postings = validate_batch(raw_postings, postings_contract, DAY)
    headers = validate_batch(raw_batch([header("T1"), header("T2"), header("T3")]), headers_contract, DAY)
    postings, headers = apply_ledger_balance(postings, headers, postings_contract, headers_contract)

    assert postings.accepted.column("posting_id").to_pylist() == ["P1", "P2"]
    assert headers.accepted.column("txn_id").to_pylist() == ["T1"]
    assert postings.rows_in == 6 and headers.rows_in == 3
    assert rules_by_row(postings.quarantined) == {3: "balanced", 4: "balanced", 5: "balanced", 6: "range"}
    reason = reasons_by_row(postings.quarantined)[3]
    assert "transaction T2 does not balance (CNY debits 100.00 vs credits 90.00)" in reason
    assert rules_by_row(headers.quarantined) == {2: "balanced", 3: "balanced"}
    assert reasons_by_row(headers.quarantined)[2] == reason


def _statement(statement_id: str, opening: str, closing: str, entries: int) -> dict:
    return {
        "statement_id": statement_id,
        "account_number": "6222000011112222",
        "currency": "CNY",
        "statement_date": dt.date(2026, 3, 2),
        "opening_balance": Decimal(opening),
        "closing_balance": Decimal(closing),
        "entry_count": entries,
        "source_format": "camt053",
        "message_id": None,
        "created_at": dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC),
        "_source_row": 1,
    }


def _line(statement_id: str, line_no: int, amount: str) -> dict:
    return {
        "line_id": f"{statement_id}:{line_no}",
        "statement_id": statement_id,
        "line_no": line_no,
        "account_number": "6222000011112222",
        "amount": Decimal(amount),
        "currency": "CNY",
        "credit_debit": "CRDT" if Decimal(amount) > 0 else "DBIT",
        "is_reversal": False,
        "booking_date": dt.date(2026, 3, 2),
        "value_date": dt.date(2026, 3, 2),
        "_source_row": line_no,
    }


def test_statement_that_does_not_add_up_is_quarantined_with_its_lines():
    s_contract = load_contract("bank_statements", "bank_statements")
    l_contract = load_contract("bank_statements", "bank_statement_lines")
    statements = [_statement("S1", "1000.00", "1150.00", 2), _statement("S2", "500.00", "600.00", 1)]
    lines = [_line("S1", 1, "200.00"), _line("S1", 2, "-50.00"), _line("S2", 1, "99.99")]
    s = validate_batch(rows_to_table(statements, s_contract, "landing/bank/f.xml"), s_contract, DAY)
    ln = validate_batch(rows_to_table(lines, l_contract, "landing/bank/f.xml"), l_contract, DAY)
    s, ln = apply_statement_balance(s, ln, s_contract, l_contract)

    assert s.accepted.column("statement_id").to_pylist() == ["S1"]
    assert ln.accepted.column("line_id").to_pylist() == ["S1:1", "S1:2"]
    reason = s.quarantined.column("reason")[0].as_py()
    assert (
        "statement S2 does not add up: opening 500.00 + lines 99.99 = 599.99, but closing is 600.00" in reason
    )
    assert ln.quarantined.column("reason").to_pylist() == [reason]
    assert ln.quarantined.column("rule").to_pylist() == ["balance_proof"]


def test_lines_of_a_rejected_statement_are_not_kept():
    s_contract = load_contract("bank_statements", "bank_statements")
    l_contract = load_contract("bank_statements", "bank_statement_lines")
    bad = dict(_statement("S1", "1000.00", "1200.00", 1), source_format="pdf")
    s = validate_batch(rows_to_table([bad], s_contract, "f"), s_contract, DAY)
    ln = validate_batch(rows_to_table([_line("S1", 1, "200.00")], l_contract, "f"), l_contract, DAY)
    s, ln = apply_statement_balance(s, ln, s_contract, l_contract)
    assert s.accepted.num_rows == 0 and ln.accepted.num_rows == 0
    assert "statement S1 of this line was not accepted" in ln.quarantined.column("reason")[0].as_py()
