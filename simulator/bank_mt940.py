"""SWIFT MT940 statements with a structured :86: narrative (/EREF/ /NAME/ /ACCT/ /REMI/)."""

from __future__ import annotations

from pathlib import Path

from simulator.bank import Statement
from simulator.money import mt940_amount

_SWIFT_SAFE = str.maketrans({"/": "-", "'": " ", ":": " ", "\n": " "})


def _balance(tag: str, amount: int, statement: Statement) -> str:
    mark = "C" if amount >= 0 else "D"
    return f":{tag}:{mark}{statement.day:%y%m%d}{statement.bank.currency}{mt940_amount(amount)}"


def _text(value: str) -> str:
    return value.translate(_SWIFT_SAFE)


def mt940_text(statement: Statement) -> str:
    bank = statement.bank
    reference = f"{statement.day:%y%m%d}{bank.bank_account_id.replace('-', '')}"[:16]
    out = [
        f":20:{reference}",
        f":25:{bank.account_number}",
        f":28C:{statement.sequence:05d}/001",
        _balance("60F", statement.opening, statement),
    ]
    for line in statement.lines:
        credit = line.amount >= 0
        # A reversal of a debit is booked as a credit (RD), a reversal of a credit as a debit (RC).
        mark = ("RD" if credit else "RC") if line.is_reversal else ("C" if credit else "D")
        customer_ref = line.end_to_end_id or "NONREF"
        out.append(
            f":61:{line.value_date:%y%m%d}{statement.day:%m%d}{mark}{mt940_amount(line.amount)}"
            f"N{line.tx_code[1:4]}{customer_ref[:16]}//{line.bank_reference}"
        )
        narrative = (
            f"/EREF/{_text(line.end_to_end_id)}/NAME/{_text(line.counterparty_name)}"
            f"/ACCT/{_text(line.counterparty_account)}/REMI/{_text(line.remittance)}"
        )
        out.append(f":86:{narrative}")
    out.append(_balance("62F", statement.closing, statement))
    out.append("-")
    return "\r\n".join(out) + "\r\n"


def write_mt940(folder: Path, statement: Statement) -> Path:
    path = folder / f"{statement.bank.bank_account_id}.mt940"
    path.write_bytes(mt940_text(statement).encode("utf-8"))
    return path
