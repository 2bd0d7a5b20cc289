"""ISO 20022 camt.053.001.08 statements (one Stmt per file), written with lxml."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lxml import etree

from simulator.bank import Statement
from simulator.money import fen_str

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
_CREATED_LOCAL = dt.time(23, 30)


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    node = etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}", attrs)
    if text is not None:
        node.text = text
    return node


def _path(parent: etree._Element, tags: str, text: str) -> etree._Element:
    node = parent
    for tag in tags.split("/"):
        node = _el(node, tag)
    node.text = text
    return node


def _balance(stmt: etree._Element, code: str, amount: int, currency: str, day: dt.date) -> None:
    bal = _el(stmt, "Bal")
    _path(bal, "Tp/CdOrPrtry/Cd", code)
    _el(bal, "Amt", fen_str(abs(amount)), Ccy=currency)
    _el(bal, "CdtDbtInd", "CRDT" if amount >= 0 else "DBIT")
    _path(bal, "Dt/Dt", day.isoformat())


def camt053_bytes(statement: Statement, created: str) -> bytes:
    bank = statement.bank
    ccy = bank.currency
    root = etree.Element(f"{{{NAMESPACE}}}Document", nsmap={None: NAMESPACE})
    msg = _el(root, "BkToCstmrStmt")
    header = _el(msg, "GrpHdr")
    _el(header, "MsgId", f"MSG-{statement.statement_id}")
    _el(header, "CreDtTm", created)
    stmt = _el(msg, "Stmt")
    _el(stmt, "Id", statement.statement_id)
    _el(stmt, "ElctrncSeqNb", str(statement.sequence))
    _el(stmt, "CreDtTm", created)
    period = _el(stmt, "FrToDt")
    _el(period, "FrDtTm", f"{statement.day.isoformat()}T00:00:00+08:00")
    _el(period, "ToDtTm", f"{statement.day.isoformat()}T23:59:59+08:00")
    acct = _el(stmt, "Acct")
    _path(acct, "Id/Othr/Id", bank.account_number)
    _el(acct, "Ccy", ccy)
    _el(acct, "Nm", bank.bank_account_id)
    _path(acct, "Svcr/FinInstnId/BICFI", bank.bic)
    _balance(stmt, "OPBD", statement.opening, ccy, statement.day)
    _balance(stmt, "CLBD", statement.closing, ccy, statement.day)
    credits = [line.amount for line in statement.lines if line.amount > 0]
    debits = [-line.amount for line in statement.lines if line.amount < 0]
    summary = _el(stmt, "TxsSummry")
    total = _el(summary, "TtlNtries")
    _el(total, "NbOfNtries", str(len(statement.lines)))
    _el(total, "Sum", fen_str(sum(credits) + sum(debits)))
    net = _el(total, "TtlNetNtry")
    _el(net, "Amt", fen_str(abs(sum(credits) - sum(debits))))
    _el(net, "CdtDbtInd", "CRDT" if sum(credits) >= sum(debits) else "DBIT")
    for tag, values in (("TtlCdtNtries", credits), ("TtlDbtNtries", debits)):
        block = _el(summary, tag)
        _el(block, "NbOfNtries", str(len(values)))
        _el(block, "Sum", fen_str(sum(values)))
    for number, line in enumerate(statement.lines, start=1):
        entry = _el(stmt, "Ntry")
        _el(entry, "NtryRef", str(number))
        _el(entry, "Amt", fen_str(abs(line.amount)), Ccy=ccy)
        credit = line.amount >= 0
        _el(entry, "CdtDbtInd", "CRDT" if credit else "DBIT")
        if line.is_reversal:
            _el(entry, "RvslInd", "true")
        _path(entry, "Sts/Cd", "BOOK")
        _path(entry, "BookgDt/Dt", statement.day.isoformat())
        _path(entry, "ValDt/Dt", line.value_date.isoformat())
        _el(entry, "AcctSvcrRef", line.bank_reference)
        _path(entry, "BkTxCd/Prtry/Cd", line.tx_code)
        tx = _el(_el(entry, "NtryDtls"), "TxDtls")
        refs = _el(tx, "Refs")
        _el(refs, "AcctSvcrRef", line.bank_reference)
        if line.end_to_end_id:
            _el(refs, "EndToEndId", line.end_to_end_id)
        if line.counterparty_name or line.counterparty_account:
            parties = _el(tx, "RltdPties")
            # The counterparty pays us on a credit (debtor) and is paid by us on a debit (creditor).
            role = "Dbtr" if credit != line.is_reversal else "Cdtr"
            if line.counterparty_name:
                _path(parties, f"{role}/Pty/Nm", line.counterparty_name[:140])
            if line.counterparty_account:
                _path(parties, f"{role}Acct/Id/Othr/Id", line.counterparty_account[:34])
        if line.remittance:
            _path(tx, "RmtInf/Ustrd", line.remittance[:140])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_camt053(folder: Path, statement: Statement, created: str) -> Path:
    path = folder / f"{statement.bank.bank_account_id}.camt053.xml"
    path.write_bytes(camt053_bytes(statement, created))
    return path
