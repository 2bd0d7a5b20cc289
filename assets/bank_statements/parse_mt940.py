"""SWIFT MT940 statements and MT942 interim reports into statement and line rows.

The mt-940 library does the parsing; this module maps its output onto the contract. The
library's opt-in fixes (Options.all()) are required: without them a reversal of a credit
(RC) keeps a positive amount, long `:86:` texts are cut and a byte-order mark hides the
first `:20:`. parse_statements() keeps each `:20:` block apart, where parse() would merge
a multi-statement file and keep only the last block's balances.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import mt940
from mt940.models import Amount, Balance, Transactions

from assets.bank_statements.model import (
    DEFAULT_MAX_BYTES,
    SOURCE_ROW,
    ParsedStatementFile,
    StatementFileError,
    line_id,
)
from assets.bank_statements.mt940_narrative import split_narrative
from assets.bank_statements.source_file import read_statement_bytes

SOURCE_FORMAT = "mt940"
# The customer-reference placeholder of field 61 when the payer gave none.
NO_REFERENCE = "NONREF"
DEFAULT_FALLBACK_ENCODING = "cp852"
_OPENING = ("final_opening_balance", "intermediate_opening_balance", "opening_balance")
_CLOSING = ("final_closing_balance", "intermediate_closing_balance", "closing_balance")
# Fields only an MT942 interim report carries (:13D:, :34F:, :90D:, :90C:).
_REPORT_FIELDS = ("date", "c_floor_limit", "d_floor_limit", "sum_debit_entries", "sum_credit_entries")
_DEBIT_MARKS = {"D": False, "RC": True}
_CREDIT_MARKS = {"C": False, "RD": True}


def parse_mt940(
    path: Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    fallback_encoding: str = DEFAULT_FALLBACK_ENCODING,
) -> ParsedStatementFile:
    """Every statement (`:20:` block) and `:61:` line of an MT940 or MT942 file.

    Text is read as UTF-8, and as `fallback_encoding` (cp852 by default, as the Central
    European banks that send non-UTF-8 MT940 use) when it is not valid UTF-8.
    Raises StatementFileError when the file holds no readable MT940/MT942 statement.
    """
    path = Path(path)
    result = ParsedStatementFile()
    text = _decode(read_statement_bytes(path, max_bytes), fallback_encoding, path, result.notes)
    try:
        # A StringIO, not the str: the library would open a str that happens to name a file.
        blocks = mt940.parse_statements(io.StringIO(text), options=mt940.Options.all())
    except Exception as exc:  # the library raises RuntimeError/ValueError/KeyError on malformed tags
        raise StatementFileError(path, f"malformed MT940/MT942 content: {_library_message(exc)}") from None
    if not blocks:
        raise StatementFileError(path, "not an MT940/MT942 file: no statement (no line starting with :20:)")
    try:
        _flatten(blocks, text, path, result)
    except StatementFileError:
        raise
    except Exception as exc:  # an unexpected shape must still name the file, never escape as a traceback
        raise StatementFileError(
            path, f"unexpected MT940/MT942 content: {type(exc).__name__}: {_library_message(exc)}"
        ) from None
    return result


def _decode(data: bytes, fallback_encoding: str, path: Path, notes: list[str]) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode(fallback_encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise StatementFileError(path, f"text is neither UTF-8 nor {fallback_encoding}: {exc}") from None
    notes.append(f"file is not UTF-8; read as {fallback_encoding}")
    return text


def _library_message(exc: Exception) -> str:
    """The library's error in words: a tag it could not read comes as (message, tag, value)."""
    if len(exc.args) == 3 and hasattr(exc.args[1], "id"):
        _, tag, value = exc.args
        return f"field :{tag.id}: cannot be read: {value!r}"
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, str) else str(exc)


def _tag_lines(text: str, tag: str) -> list[int]:
    """File line numbers of the lines that open `tag`, only to point a reader at a statement or line."""
    lines = enumerate(text.split("\n"), start=1)
    return [number for number, line in lines if line.lstrip("\ufeff").startswith(tag)]


def _flatten(blocks: list[Transactions], text: str, path: Path, result: ParsedStatementFile) -> None:
    statement_lines = _tag_lines(text, ":20:")
    entry_lines = _tag_lines(text, ":61:")
    entry_count = sum(len(block) for block in blocks)
    if len(statement_lines) != len(blocks) or len(entry_lines) != entry_count:
        result.notes.append("file line numbers not found; _source_row is the position in the file instead")
        statement_lines = list(range(1, len(blocks) + 1))
        entry_lines = list(range(1, entry_count + 1))
    for number, block in enumerate(blocks, start=1):
        if _text(block.data.get("transaction_reference")) is None:
            raise StatementFileError(path, f"statement {number} has an empty reference (:20:)")
    statement_ids = _unique_statement_ids(blocks, result.notes)
    entry_index = 0
    for number, (block, statement_id) in enumerate(zip(blocks, statement_ids, strict=True), start=1):
        account = _text(block.data.get("account_identification"))
        if account is None:
            raise StatementFileError(
                path, f"statement {number} (:20: {statement_id}) has no account identification (:25:)"
            )
        lines = []
        for line_no, transaction in enumerate(block, start=1):
            source_row = entry_lines[entry_index]
            lines.append(_line(transaction.data, block, statement_id, account, line_no, source_row))
            entry_index += 1
        source_row = statement_lines[number - 1]
        result.statements.append(_statement(block, statement_id, account, lines, source_row))
        result.lines.extend(lines)
        result.notes.extend(_checks(block, statement_id, lines))


def _unique_statement_ids(blocks: list[Transactions], notes: list[str]) -> list[str]:
    """`:20:`, extended by `:28C:` when two statements of the file share their `:20:`."""
    references = [str(block.data["transaction_reference"]).strip() for block in blocks]
    ids = []
    for block, reference in zip(blocks, references, strict=True):
        if references.count(reference) > 1:
            number = _text(block.data.get("statement_number"))
            sequence = _text(block.data.get("sequence_number"))
            reference = "/".join(part for part in (reference, number, sequence) if part)
        ids.append(reference)
    repeated = Counter(ids)
    for position, statement_id in enumerate(ids):
        if repeated[statement_id] > 1:
            ids[position] = f"{statement_id}#{position + 1}"
            notes.append(
                f"statement {position + 1}: :20: and :28C: repeat another statement's; id {ids[position]}"
            )
    return ids


def _statement(
    block: Transactions, statement_id: str, account: str, lines: list[dict[str, Any]], source_row: int
) -> dict[str, Any]:
    opening = _first_balance(block, _OPENING)
    closing = _first_balance(block, _CLOSING)
    report_time = block.data.get("date")
    statement_date = (
        _plain_date(closing.date if closing else None)
        or (report_time.date() if isinstance(report_time, dt.datetime) else None)
        or max((line["booking_date"] for line in lines if line["booking_date"]), default=None)
    )
    return {
        "statement_id": statement_id,
        "account_number": account,
        "currency": _text(block.currency),
        "statement_date": statement_date,
        "opening_balance": _balance_amount(opening),
        "closing_balance": _balance_amount(closing),
        "entry_count": len(lines),
        "source_format": SOURCE_FORMAT,
        "message_id": None,
        "created_at": _utc(report_time),
        SOURCE_ROW: source_row,
    }


def _line(
    data: dict[str, Any],
    block: Transactions,
    statement_id: str,
    account: str,
    line_no: int,
    source_row: int,
) -> dict[str, Any]:
    mark = (_text(data.get("status")) or "").upper()
    credit_debit = "DBIT" if mark in _DEBIT_MARKS else "CRDT" if mark in _CREDIT_MARKS else None
    amount = data.get("amount")
    value_date = _plain_date(data.get("date"))
    booking_date = _plain_date(data.get("entry_date")) or value_date
    details = data.get("transaction_details")
    narrative = split_narrative(details) if isinstance(details, str) else None
    customer_reference = _text(data.get("customer_reference"))
    if customer_reference == NO_REFERENCE:
        customer_reference = None
    if narrative is not None:
        remittance = narrative.get("REMI")
    elif isinstance(details, str):
        remittance = " ".join(part.strip() for part in details.splitlines() if part.strip()) or None
    else:
        remittance = _text(data.get("purpose"))
    return {
        "line_id": line_id(statement_id, line_no),
        "statement_id": statement_id,
        "line_no": line_no,
        "account_number": account,
        "amount": amount.amount if isinstance(amount, Amount) else None,
        "currency": _text(data.get("currency")) or _text(block.currency),
        "credit_debit": credit_debit,
        "is_reversal": _DEBIT_MARKS.get(mark, False) or _CREDIT_MARKS.get(mark, False),
        "bank_reference": _text(data.get("bank_reference")),
        # EREF first: the :61: customer reference is cut at 16 characters.
        "end_to_end_id": (
            (narrative or {}).get("EREF") or _text(data.get("end_to_end_reference")) or customer_reference
        ),
        "transaction_code": _text(data.get("id")),
        "counterparty_name": (narrative or {}).get("NAME") or _text(data.get("applicant_name")),
        "counterparty_account": (narrative or {}).get("ACCT") or _text(data.get("applicant_iban")),
        "remittance_info": remittance,
        "booking_date": booking_date,
        "value_date": value_date,
        SOURCE_ROW: source_row,
    }


def _checks(block: Transactions, statement_id: str, lines: list[dict[str, Any]]) -> list[str]:
    """Notes on what the file itself shows to be missing or inconsistent."""
    label = f"statement {statement_id}"
    notes = []
    is_report = any(block.data.get(key) is not None for key in _REPORT_FIELDS)
    missing = "interim report (MT942) without" if is_report else "no"
    if _first_balance(block, _OPENING) is None:
        notes.append(f"{label}: {missing} opening balance (:60F:/:60M:)")
    if _first_balance(block, _CLOSING) is None:
        notes.append(f"{label}: {missing} closing balance (:62F:/:62M:)")
    for line in lines:
        amount, credit_debit = line["amount"], line["credit_debit"]
        if amount is None or credit_debit is None:
            notes.append(f"{label}, line {line['line_no']}: no amount or credit/debit mark")
        elif amount != 0 and (amount < 0) != (credit_debit == "DBIT"):
            notes.append(f"{label}, line {line['line_no']}: sign of {amount} is not {credit_debit}")
    for key, direction in (("sum_debit_entries", "DBIT"), ("sum_credit_entries", "CRDT")):
        total = block.data.get(key)
        if isinstance(total, Amount):
            found = sum(
                (abs(line["amount"]) for line in lines if _has_direction(line, direction)), Decimal(0)
            )
            if found != abs(total.amount):
                notes.append(f"{label}: {direction} lines sum to {found}, :90: says {abs(total.amount)}")
    return notes


def _has_direction(line: dict[str, Any], direction: str) -> bool:
    return line["credit_debit"] == direction and line["amount"] is not None


def _first_balance(block: Transactions, keys: tuple[str, ...]) -> Balance | None:
    for key in keys:
        balance = block.data.get(key)
        if isinstance(balance, Balance):
            return balance
    return None


def _balance_amount(balance: Balance | None) -> Decimal | None:
    """The signed balance (a D mark is negative), or None when absent or empty."""
    if balance is None or not isinstance(balance.amount, Amount):
        return None
    return balance.amount.amount


def _plain_date(value: Any) -> dt.date | None:
    """The library's Date subclass as a plain datetime.date."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    return None


def _utc(value: Any) -> dt.datetime | None:
    """The :13D: report time in UTC; without an offset it is taken to be UTC already."""
    if not isinstance(value, dt.datetime):
        return None
    moment = dt.datetime.combine(value.date(), value.timetz()).replace(tzinfo=value.tzinfo or dt.UTC)
    return moment.astimezone(dt.UTC)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    stripped = str(value).strip()
    return stripped or None
