"""Daily bank statements built from the ledger's bank movements, with planted reconciliation breaks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np

from simulator.ledger import PLATFORM_NAME, BankMove
from simulator.money import fen_str
from simulator.seeds import BankAccount, Seeds
from simulator.truth import Truth

BREAK_TYPES = ("ledger_only", "timing", "fee_variance", "duplicate", "reversal", "bank_only")


@dataclass
class StatementLine:
    local_us: int
    amount: int  # signed fen, credit positive
    end_to_end_id: str
    counterparty_name: str
    counterparty_account: str
    remittance: str
    tx_code: str
    value_date: dt.date
    is_reversal: bool = False
    bank_reference: str = ""
    txn_id: str = ""
    external: bool = True  # the counterparty is outside the platform (not one of its own accounts)
    deferred: bool = False  # booked by the bank on the next business day
    truth_row: list | None = None


@dataclass
class Statement:
    bank: BankAccount
    day: dt.date
    sequence: int
    opening: int
    lines: list[StatementLine] = field(default_factory=list)

    @property
    def closing(self) -> int:
        return self.opening + sum(line.amount for line in self.lines)

    @property
    def statement_id(self) -> str:
        return f"{self.bank.bank_account_id}-{self.day:%Y%m%d}"


class BankStatements:
    """Keeps each account's running bank balance so consecutive statements chain."""

    def __init__(self, seeds: Seeds, truth: Truth, break_rate: float) -> None:
        self.banks = seeds.banks
        self.truth = truth
        self.break_rate = break_rate
        self.balance = {b.bank_account_id: 0 for b in self.banks}
        self.sequence = {b.bank_account_id: 0 for b in self.banks}
        self.references = {b.bank_account_id: 0 for b in self.banks}
        self.carried: dict[str, list[StatementLine]] = {b.bank_account_id: [] for b in self.banks}
        self.break_count = 0

    def _reference(self, bank: BankAccount, day: dt.date) -> str:
        self.references[bank.bank_account_id] += 1
        kind = "S" if bank.purpose == "client_segregated" else "O"
        return f"{bank.bic[:4]}{kind}{day:%y%m%d}{self.references[bank.bank_account_id] % 100000:05d}"

    def build(
        self, day: dt.date, moves: list[BankMove], rng: np.random.Generator, last_day: bool
    ) -> list[Statement]:
        statements = []
        for bank in self.banks:
            key = bank.bank_account_id
            lines = [
                StatementLine(
                    m.local_us,
                    m.amount,
                    m.end_to_end_id,
                    m.counterparty_name,
                    m.counterparty_account,
                    m.remittance,
                    m.tx_code,
                    day,
                    txn_id=m.txn_id,
                    external=m.counterparty_name != PLATFORM_NAME,
                )
                for m in moves
                if m.bank.bank_account_id == key
            ]
            lines.sort(key=lambda line: (line.local_us, line.txn_id))
            lines = self._plant_breaks(bank, day, lines, rng, last_day)
            carried = self.carried[key]
            self.carried[key] = [line for line in lines if line.deferred]
            lines = [*carried, *(line for line in lines if not line.deferred)]
            for line in lines:
                line.bank_reference = self._reference(bank, day)
                if line.truth_row is not None:
                    line.truth_row[4] = day.isoformat()
                    line.truth_row[8] = line.bank_reference
            self.sequence[key] += 1
            statement = Statement(bank, day, self.sequence[key], self.balance[key], lines)
            self.balance[key] = statement.closing
            statements.append(statement)
        return statements

    def _record(
        self,
        kind: str,
        bank: BankAccount,
        ledger_day: dt.date | None,
        bank_day: dt.date | None,
        amount: int | None,
        bank_amount: int | None,
        line: StatementLine | None,
        description: str,
    ) -> list:
        self.break_count += 1
        row = [
            f"RB{self.break_count:06d}",
            kind,
            bank.bank_account_id,
            ledger_day.isoformat() if ledger_day else None,
            bank_day.isoformat() if bank_day else None,
            fen_str(amount) if amount is not None else None,
            fen_str(bank_amount) if bank_amount is not None else None,
            line.end_to_end_id if line and line.end_to_end_id else None,
            None,
            line.txn_id if line and line.txn_id else None,
            description,
        ]
        self.truth.recon_breaks.append(row)
        return row

    def _plant_breaks(
        self,
        bank: BankAccount,
        day: dt.date,
        lines: list[StatementLine],
        rng: np.random.Generator,
        last_day: bool,
    ) -> list[StatementLine]:
        untouched = list(range(len(lines)))
        out = list(lines)
        for kind in BREAK_TYPES:
            if rng.random() >= self.break_rate:
                continue
            if kind == "bank_only":
                self._bank_only(bank, day, out, rng)
                continue
            if kind == "timing" and last_day:
                continue
            candidates = [i for i in untouched if kind != "reversal" or self._returnable(lines[i])]
            if not candidates:
                continue
            index = candidates[int(rng.integers(len(candidates)))]
            untouched.remove(index)
            line = lines[index]
            if kind == "ledger_only":
                out.remove(line)
                self._record(
                    kind, bank, day, None, line.amount, None, line, "Booked in the ledger, never at the bank"
                )
            elif kind == "timing":
                line.deferred = True
                line.truth_row = self._record(
                    kind,
                    bank,
                    day,
                    None,
                    line.amount,
                    line.amount,
                    line,
                    "Bank booked the movement on the next business day",
                )
            elif kind == "fee_variance":
                fee = int(rng.integers(2, 26)) * 100
                line.amount -= fee
                line.truth_row = self._record(
                    kind,
                    bank,
                    day,
                    day,
                    line.amount + fee,
                    line.amount,
                    line,
                    f"Bank deducted a {fee // 100} CNY charge from the movement",
                )
            elif kind == "duplicate":
                copy = replace(line, local_us=line.local_us + 1)
                out.insert(out.index(line) + 1, copy)
                copy.truth_row = self._record(
                    kind,
                    bank,
                    day,
                    day,
                    line.amount,
                    line.amount,
                    copy,
                    "Bank posted the same movement twice",
                )
            elif kind == "reversal":
                back = replace(
                    line,
                    local_us=line.local_us + 3_600_000_000,
                    amount=-line.amount,
                    is_reversal=True,
                    remittance=f"Returned {line.remittance}"[:140],
                )
                out.insert(out.index(line) + 1, back)
                back.truth_row = self._record(
                    kind,
                    bank,
                    day,
                    day,
                    line.amount,
                    0,
                    back,
                    "Payment returned by the beneficiary bank and reversed",
                )
        return out

    @staticmethod
    def _returnable(line: StatementLine) -> bool:
        """Only outgoing transfers to outside accounts come back as returned payments."""
        return line.amount < 0 and line.external and line.tx_code == "NTRF"

    def _bank_only(
        self, bank: BankAccount, day: dt.date, out: list[StatementLine], rng: np.random.Generator
    ) -> None:
        if bank.purpose == "client_segregated":
            amount = int(rng.integers(50, 600)) * 100 + int(rng.integers(0, 100))
            line = StatementLine(
                82_800_000_000,
                amount,
                "",
                bank.bank_name,
                bank.bic,
                "Interest on deposit balance",
                "NINT",
                day,
            )
            text = "Bank credited deposit interest the ledger has not booked"
        else:
            amount = -(int(rng.integers(5, 60)) * 100)
            line = StatementLine(
                82_800_000_000, amount, "", bank.bank_name, bank.bic, "SMS alert service charge", "NCHG", day
            )
            text = "Bank charge the ledger has not booked"
        out.append(line)
        line.truth_row = self._record("bank_only", bank, None, day, None, amount, line, text)
