"""ISO 20022 camt.053 (bank-to-customer statement) files into statement and line rows.

The document is decoded against the official XSD of the version it declares, in lax mode:
real bank files often break a facet of the schema (a boolean written YES, a bad country
code) while their money fields are fine, so schema errors become notes instead of a
rejected file. Only booked entries (status BOOK) are statement lines; pending and
information-only entries do not move the booked balance and are counted in the notes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import xmlschema
from lxml import etree

from assets.bank_statements import camt053_fields as f
from assets.bank_statements.camt053_schemas import camt053_schema, supported_versions, version_of
from assets.bank_statements.model import (
    DEFAULT_MAX_BYTES,
    SOURCE_ROW,
    ParsedStatementFile,
    StatementFileError,
    line_id,
)
from assets.bank_statements.safe_xml import load_xml
from assets.bank_statements.source_file import read_statement_bytes

SOURCE_FORMAT = "camt053"
BOOKED = "BOOK"
# Placeholder the SEPA rulebook prescribes when the payer gave no end-to-end id.
NOT_PROVIDED = "NOTPROVIDED"
MAX_SCHEMA_NOTES = 20
_OPENING_TYPES = ("OPBD", "PRCD")
_CLOSING_TYPES = ("CLBD",)
_ISO20022_PREFIX = "urn:iso:std:iso:20022:tech:xsd:"
_OTHER_MESSAGES = {"camt.052": "an account report", "camt.054": "a debit/credit notification"}


def parse_camt053(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedStatementFile:
    """Every statement and booked entry of a camt.053 file (versions .02 to .14).

    Raises StatementFileError when the file is not a readable camt.053 document.
    """
    path = Path(path)
    data = read_statement_bytes(path, max_bytes)
    root = load_xml(data, path)
    version = _camt053_version(root, path)
    try:
        # An already parsed tree: the resource may not open any location (allow="none").
        resource = xmlschema.XMLResource(root, allow="none")
        decoded, errors = camt053_schema(version).to_dict(resource, validation="lax")
    except Exception as exc:  # xmlschema raises many types; any of them means an unreadable file
        raise StatementFileError(path, f"cannot decode the camt.053.001.{version} document: {exc}") from None
    result = ParsedStatementFile(notes=_schema_notes(errors, version))
    try:
        _flatten(decoded, path, result)
    except StatementFileError:
        raise
    except Exception as exc:  # an unexpected shape must still name the file, never escape as a traceback
        raise StatementFileError(
            path, f"unexpected camt.053.001.{version} content: {type(exc).__name__}: {exc}"
        ) from None
    return result


def _camt053_version(root: etree._Element, path: Path) -> str:
    name = etree.QName(root)
    namespace = name.namespace or ""
    version = version_of(namespace)
    if version is None:
        message_type = namespace.removeprefix(_ISO20022_PREFIX)[:8]
        if namespace.startswith(_ISO20022_PREFIX) and message_type in _OTHER_MESSAGES:
            kind = _OTHER_MESSAGES[message_type]
            raise StatementFileError(path, f"not a camt.053 statement: the document is {kind} ({namespace})")
        raise StatementFileError(
            path, f"not a camt.053 document: the root element is {root.tag!r}, expected a camt.053 Document"
        )
    if version not in supported_versions():
        raise StatementFileError(
            path,
            f"unknown camt.053 version camt.053.001.{version}; supported: {', '.join(supported_versions())}",
        )
    if name.localname != "Document":
        raise StatementFileError(path, f"not a camt.053 document: the root element is {name.localname!r}")
    return version


def _schema_notes(errors: list[Any], version: str) -> list[str]:
    notes = [
        f"camt.053.001.{version} schema: {getattr(err, 'reason', None) or err} "
        f"(at {getattr(err, 'path', None) or 'document'})"
        for err in errors[:MAX_SCHEMA_NOTES]
    ]
    if len(errors) > MAX_SCHEMA_NOTES:
        unlisted = len(errors) - MAX_SCHEMA_NOTES
        notes.append(f"camt.053.001.{version} schema: {unlisted} more errors not listed")
    return notes


def _flatten(decoded: Any, path: Path, result: ParsedStatementFile) -> None:
    document = f.get(decoded, "BkToCstmrStmt")
    statements = f.as_list(f.get(document, "Stmt"))
    if not statements:
        raise StatementFileError(path, "camt.053 document without a statement (no BkToCstmrStmt/Stmt)")
    header = f.get(document, "GrpHdr")
    entry_row = 0
    for statement_row, statement in enumerate(statements, start=1):
        row, lines, entry_row = _statement(statement, header, statement_row, entry_row, result.notes)
        result.statements.append(row)
        result.lines.extend(lines)


def _statement(
    statement: dict[str, Any],
    header: Any,
    statement_row: int,
    entry_row: int,
    notes: list[str],
) -> tuple[dict[str, Any], list[dict[str, Any]], int]:
    statement_id = f.text(statement.get("Id"))
    label = statement_id or f"number {statement_row}"
    account_number = f.account_id(statement.get("Acct"))
    balances = f.as_list(statement.get("Bal"))
    opening, opening_ccy, _ = _balance(balances, _OPENING_TYPES)
    closing, closing_ccy, closing_date = _balance(balances, _CLOSING_TYPES)
    entries = f.as_list(statement.get("Ntry"))
    currency = (
        f.text(f.get(statement, "Acct", "Ccy"))
        or closing_ccy
        or opening_ccy
        or next((f.amount_and_currency(e.get("Amt"))[1] for e in entries if isinstance(e, dict)), None)
    )
    created = f.parse_datetime(statement.get("CreDtTm")) or f.parse_datetime(f.get(header, "CreDtTm"))
    period_end = f.parse_datetime(f.get(statement, "FrToDt", "ToDtTm"))
    statement_date = (
        closing_date or (period_end.date() if period_end else None) or (created.date() if created else None)
    )
    if opening is None:
        notes.append(f"statement {label}: no opening booked balance (OPBD or PRCD)")
    if closing is None:
        notes.append(f"statement {label}: no closing booked balance (CLBD)")
    if created is not None and created.tzinfo is None:
        notes.append(f"statement {label}: creation time {created.isoformat()} has no UTC offset, read as UTC")

    context = {
        "statement_id": statement_id,
        "account_number": account_number,
        "statement_date": statement_date,
        "label": label,
    }
    lines: list[dict[str, Any]] = []
    not_booked: Counter[str] = Counter()
    for entry in entries:
        entry_row += 1
        status = f.entry_status(entry)
        if status != BOOKED:
            not_booked[status or "no status"] += 1
            continue
        lines.append(_line(entry, context, len(lines) + 1, entry_row, notes))
    if not_booked:
        counts = ", ".join(f"{status}: {count}" for status, count in sorted(not_booked.items()))
        notes.append(f"statement {label}: entries left out because not booked: {counts}")

    row = {
        "statement_id": statement_id,
        "account_number": account_number,
        "currency": currency,
        "statement_date": statement_date,
        "opening_balance": opening,
        "closing_balance": closing,
        "entry_count": len(lines),
        "source_format": SOURCE_FORMAT,
        "message_id": f.text(f.get(header, "MsgId")),
        "created_at": f.to_utc(created),
        SOURCE_ROW: statement_row,
    }
    return row, lines, entry_row


def _balance(
    balances: list[Any], types: tuple[str, ...]
) -> tuple[Decimal | None, str | None, dt.date | None]:
    """The first balance of the preferred type, signed by its CdtDbtInd."""
    for wanted in types:
        for balance in balances:
            if f.balance_type(balance) == wanted:
                amount, currency = f.amount_and_currency(f.get(balance, "Amt"))
                signed = f.signed(amount, f.text(f.get(balance, "CdtDbtInd")))
                return signed, currency, f.date_choice(f.get(balance, "Dt"))
    return None, None, None


def _line(
    entry: dict[str, Any],
    context: dict[str, Any],
    line_no: int,
    entry_row: int,
    notes: list[str],
) -> dict[str, Any]:
    amount, currency = f.amount_and_currency(entry.get("Amt"))
    credit_debit = f.text(entry.get("CdtDbtInd"))
    if credit_debit not in ("CRDT", "DBIT"):
        where = f"statement {context['label']}, entry {entry_row}"
        notes.append(f"{where}: credit/debit mark {credit_debit!r} is not CRDT or DBIT")
        credit_debit = None
    is_reversal = f.boolean(entry.get("RvslInd"))
    details = [
        tx
        for block in f.as_list(entry.get("NtryDtls"))
        for tx in f.as_list(f.get(block, "TxDtls"))
        if isinstance(tx, dict)
    ]
    booking_date = (
        f.date_choice(entry.get("BookgDt")) or f.date_choice(entry.get("ValDt")) or context["statement_date"]
    )
    single = details[0] if len(details) == 1 else None
    names, accounts = _counterparties(details, credit_debit, is_reversal)
    return {
        "line_id": line_id(context["statement_id"], line_no) if context["statement_id"] else None,
        "statement_id": context["statement_id"],
        "line_no": line_no,
        "account_number": context["account_number"],
        "amount": f.signed(amount, credit_debit),
        "currency": currency,
        "credit_debit": credit_debit,
        "is_reversal": is_reversal,
        "bank_reference": (
            f.text(entry.get("AcctSvcrRef"))
            or f.text(entry.get("NtryRef"))
            or f.text(f.get(single, "Refs", "AcctSvcrRef"))
        ),
        "end_to_end_id": _join(
            [f.text(f.get(tx, "Refs", "EndToEndId")) for tx in details], skip=NOT_PROVIDED, sep=";"
        ),
        "transaction_code": (
            f.transaction_code(entry.get("BkTxCd")) or f.transaction_code(f.get(single, "BkTxCd"))
        ),
        "counterparty_name": _join(names),
        "counterparty_account": _join(accounts),
        "remittance_info": _join([_remittance(tx) for tx in details]) or f.text(entry.get("AddtlNtryInf")),
        "booking_date": booking_date,
        "value_date": f.date_choice(entry.get("ValDt")) or booking_date,
        SOURCE_ROW: entry_row,
    }


def _counterparties(
    details: list[dict[str, Any]], credit_debit: str | None, is_reversal: bool
) -> tuple[list[str | None], list[str | None]]:
    """Names and accounts of the other side of each transaction.

    The counterparty of a credit is its debtor and of a debit its creditor. A reversal books
    the opposite direction of the payment it undoes but carries that payment's parties, so
    for a reversal the roles flip. When the expected role is missing the other one is used.
    """
    underlying_credit = (credit_debit == "CRDT") != is_reversal
    roles = [("Dbtr", "DbtrAcct"), ("Cdtr", "CdtrAcct")]
    if not underlying_credit:
        roles.reverse()
    names: list[str | None] = []
    accounts: list[str | None] = []
    for tx in details:
        parties = f.get(tx, "RltdPties")
        for party_key, account_key in roles:
            name = f.party_name(f.get(parties, party_key))
            account = f.account_id(f.get(parties, account_key))
            if name or account:
                names.append(name)
                accounts.append(account)
                break
    return names, accounts


def _remittance(tx: dict[str, Any]) -> str | None:
    unstructured = [f.text(line) for line in f.as_list(f.get(tx, "RmtInf", "Ustrd"))]
    structured = [f.text(f.get(s, "CdtrRefInf", "Ref")) for s in f.as_list(f.get(tx, "RmtInf", "Strd"))]
    return _join(unstructured, sep=" ") or _join(structured)


def _join(values: list[str | None], skip: str | None = None, sep: str = "; ") -> str | None:
    """Distinct present values in order, joined; batch entries carry one value per transaction."""
    kept = list(dict.fromkeys(v for v in values if v is not None and v != skip))
    return sep.join(kept) or None
