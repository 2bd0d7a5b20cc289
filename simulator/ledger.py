"""The platform's double-entry ledger: balanced journals in fen, their export rows and bank movements."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from simulator.clock import Clock
from simulator.money import fen_str
from simulator.seeds import BankAccount, Seeds

TRANSACTION_COLUMNS = (
    "txn_id",
    "idempotency_key",
    "txn_type",
    "account_id",
    "client_id",
    "reference",
    "external_ref",
    "reversal_of",
    "counterparty_name",
    "counterparty_account",
    "status",
    "description",
    "booking_date",
    "effective_at",
    "recorded_at",
)
POSTING_COLUMNS = (
    "posting_id",
    "txn_id",
    "line_no",
    "gl_code",
    "account_id",
    "direction",
    "amount",
    "currency",
    "recorded_at",
)
CLIENT_CASH, PRINCIPAL, INTEREST, DEFICIT, FEES = "2001", "1100", "1110", "1120", "1130"
CLEARING, AGENT_PAYABLE, CAPITAL = "1200", "2300", "3001"
INTEREST_INCOME, COMMISSION_INCOME, FEE_INCOME = "4001", "4002", "4003"
BANK_CHARGES, AGENT_EXPENSE = "5001", "5002"
PLATFORM_NAME = "Marginlake Securities Co., Ltd."

# How a client sub-ledger GL moves the client's running balances: (attribute, sign of a debit).
_SUBLEDGER = {
    CLIENT_CASH: ("cash", -1),
    PRINCIPAL: ("principal", 1),
    INTEREST: ("interest_accrued", 1),
    DEFICIT: ("deficit", 1),
    FEES: ("fees", 1),
}

Line = tuple[str, str | None, str, int]  # gl_code, account_id, D/C, fen


@dataclass
class BankMove:
    """One movement on a platform bank account, as the bank will report it."""

    bank: BankAccount
    local_us: int
    amount: int  # signed fen: credit (money in) positive
    end_to_end_id: str
    counterparty_name: str
    counterparty_account: str
    remittance: str
    tx_code: str
    txn_id: str


class Ledger:
    """Posts journals, keeps GL balances, and buffers one business day of export rows."""

    def __init__(self, seed: int, seeds: Seeds, subledger: Callable[[str], object]) -> None:
        self.seed = seed
        self.gl_codes = frozenset(seeds.gl_codes)
        self.bank_by_gl = seeds.bank_for_gl()
        self.subledger = subledger  # account_id -> object with the running balance attributes
        self.balances: dict[str, int] = {}  # debit-positive fen per GL code
        self.txn_count = 0
        self.posting_count = 0
        self.ref_count = 0
        self.day: dt.date | None = None
        self.clock: Clock | None = None
        self.txns: list[tuple] = []
        self.postings: list[tuple] = []
        self.bank_moves: list[BankMove] = []
        self._lines: dict[str, tuple[list[Line], int, dict]] = {}

    def begin_day(self, day: dt.date, clock: Clock) -> None:
        self.day, self.clock = day, clock
        self.txns, self.postings, self.bank_moves = [], [], []
        self._lines = {}

    def _idempotency_key(self, number: int) -> str:
        raw = hashlib.blake2b(f"{self.seed}:{number}".encode(), digest_size=16).hexdigest()
        return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"

    def post(
        self,
        txn_type: str,
        local_us: int,
        lines: list[Line],
        *,
        account_id: str | None = None,
        client_id: str | None = None,
        reference: str = "",
        description: str = "",
        counterparty: tuple[str, str] | None = None,
        remittance: str = "",
        tx_code: str = "NTRF",
        reversal_of: str | None = None,
        lag_us: int = 250_000,
    ) -> str | None:
        """Book one journal; zero lines are dropped, and a journal that is not balanced is refused."""
        lines = [line for line in lines if line[3] != 0]
        if not lines:
            return None
        debit = sum(a for _, _, d, a in lines if d == "D")
        credit = sum(a for _, _, d, a in lines if d == "C")
        if debit != credit or any(a < 0 for *_, a in lines):
            raise ValueError(f"Unbalanced or negative journal {txn_type}: {lines}")
        for gl, _, _, _ in lines:
            if gl not in self.gl_codes:
                raise ValueError(f"GL code {gl} is not in gl_accounts.csv")
        assert self.clock is not None and self.day is not None
        self.txn_count += 1
        txn_id = f"TX{self.txn_count:010d}"
        effective = self.clock.utc(local_us)
        recorded = self.clock.utc(local_us + lag_us)
        banks = [(self.bank_by_gl[gl], d, a) for gl, _, d, a in lines if gl in self.bank_by_gl]
        external_ref = None
        if banks:
            self.ref_count += 1
            external_ref = f"E{self.day:%y%m%d}{self.ref_count:08d}"
        reference = reference or f"{txn_type.upper()}/{self.day:%Y%m%d}/{self.txn_count}"
        name, acct = counterparty if counterparty else (None, None)
        self.txns.append(
            [
                txn_id,
                self._idempotency_key(self.txn_count),
                txn_type,
                account_id,
                client_id,
                reference,
                external_ref,
                reversal_of,
                name,
                acct,
                "posted",
                description,
                self.day.isoformat(),
                effective,
                recorded,
            ]
        )
        for line_no, (gl, acct_id, direction, amount) in enumerate(lines, start=1):
            self.posting_count += 1
            self.postings.append(
                (
                    f"PS{self.posting_count:011d}",
                    txn_id,
                    line_no,
                    gl,
                    acct_id,
                    direction,
                    fen_str(amount),
                    "CNY",
                    recorded,
                )
            )
            signed = amount if direction == "D" else -amount
            self.balances[gl] = self.balances.get(gl, 0) + signed
            if gl in _SUBLEDGER and acct_id is not None:
                attr, debit_sign = _SUBLEDGER[gl]
                holder = self.subledger(acct_id)
                setattr(holder, attr, getattr(holder, attr) + debit_sign * signed)
        for bank, direction, amount in banks:
            signed = amount if direction == "D" else -amount
            if len(banks) == 2:
                other = next(b for b, _, _ in banks if b is not bank)
                cp_name, cp_acct = PLATFORM_NAME, other.account_number
            else:
                cp_name, cp_acct = name or "", acct or ""
            self.bank_moves.append(
                BankMove(
                    bank,
                    local_us,
                    signed,
                    external_ref,
                    cp_name,
                    cp_acct,
                    remittance or description,
                    tx_code,
                    txn_id,
                )
            )
        self._lines[txn_id] = (lines, len(self.txns) - 1, {"account_id": account_id, "client_id": client_id})
        return txn_id

    def reverse(self, txn_id: str, local_us: int, description: str) -> str | None:
        """Book the mirror of a same-day journal and mark the original `reversed`."""
        lines, row, meta = self._lines[txn_id]
        flipped = [(gl, acct, "C" if d == "D" else "D", a) for gl, acct, d, a in lines]
        if any(gl in self.bank_by_gl for gl, *_ in lines):
            raise ValueError("Journals that moved bank money are not reversed in the ledger alone.")
        new_id = self.post(
            "reversal",
            local_us,
            flipped,
            account_id=meta["account_id"],
            client_id=meta["client_id"],
            description=description,
            reversal_of=txn_id,
        )
        self.txns[row][10] = "reversed"
        return new_id

    def day_rows(self) -> tuple[list[tuple], list[tuple]]:
        """This day's journal headers and postings, ordered by recorded time then id."""
        txns = sorted((tuple(t) for t in self.txns), key=lambda t: (t[14], t[0]))
        postings = sorted(self.postings, key=lambda p: (p[8], p[0]))
        return txns, postings
