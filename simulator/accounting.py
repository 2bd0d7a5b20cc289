"""The platform's money operations, each one balanced journal in the chart of accounts from the seed."""

from __future__ import annotations

from simulator.clients import Client
from simulator.ledger import (
    AGENT_EXPENSE,
    AGENT_PAYABLE,
    BANK_CHARGES,
    CAPITAL,
    CLEARING,
    CLIENT_CASH,
    COMMISSION_INCOME,
    DEFICIT,
    FEE_INCOME,
    FEES,
    INTEREST,
    INTEREST_INCOME,
    PLATFORM_NAME,
    PRINCIPAL,
    Ledger,
)
from simulator.seeds import BankAccount, Seeds

CSDC = ("China Securities Depository and Clearing Corp. Shanghai", "0200081319000000001")
HOLDING = ("Marginlake Holdings Ltd.", "6222020200099999999")


class Platform:
    """Client money in segregated banks, the platform's own money in operating banks, clearing via 1200.

    Income the platform earns from client cash (commission, interest, fees) sits in the segregated
    bank until the daily sweep; trades settle with the exchange on the next trading day.
    """

    def __init__(self, ledger: Ledger, seeds: Seeds) -> None:
        self.ledger = ledger
        self.seeds = seeds
        self.sweep_pool = {b.bank_account_id: 0 for b in seeds.segregated}
        self.clearing_today = {b.bank_account_id: 0 for b in seeds.segregated}
        self.clearing_due = dict(self.clearing_today)

    def begin_day(self) -> None:
        self.clearing_due = self.clearing_today
        self.clearing_today = {key: 0 for key in self.clearing_today}

    # -- platform funding ---------------------------------------------------------------------------
    def capital(self, own: BankAccount, amount: int, t: int) -> str | None:
        return self.ledger.post(
            "deposit",
            t,
            [(own.gl_code, None, "D", amount), (CAPITAL, None, "C", amount)],
            description="Paid-in capital",
            counterparty=HOLDING,
            remittance="Capital injection",
        )

    # -- client cash ----------------------------------------------------------------------------------
    def deposit(
        self, c: Client, amount: int, t: int, kind: str = "deposit", payer: tuple[str, str] | None = None
    ) -> str | None:
        seg = c.seg_bank
        payer = payer or (c.full_name, c.card)
        label = "Margin top-up" if kind == "margin_topup" else "Client deposit"
        return self.ledger.post(
            kind,
            t,
            [(seg.gl_code, None, "D", amount), (CLIENT_CASH, c.account_id, "C", amount)],
            account_id=c.account_id,
            client_id=c.client_id,
            description=label,
            counterparty=payer,
            remittance=f"{label} {c.account_id}",
        )

    def withdraw(self, c: Client, amount: int, t: int, payee: tuple[str, str] | None = None) -> str | None:
        seg = c.seg_bank
        payee = payee or (c.full_name, c.card)
        return self.ledger.post(
            "withdrawal",
            t,
            [(CLIENT_CASH, c.account_id, "D", amount), (seg.gl_code, None, "C", amount)],
            account_id=c.account_id,
            client_id=c.client_id,
            description="Client withdrawal",
            counterparty=payee,
            remittance=f"Withdrawal {c.account_id}",
        )

    # -- financing ------------------------------------------------------------------------------------
    def drawdown(self, c: Client, amount: int, t: int) -> str | None:
        seg = c.seg_bank
        own = self.seeds.own_for(seg)
        return self.ledger.post(
            "loan_drawdown",
            t,
            [
                (PRINCIPAL, c.account_id, "D", amount),
                (CLIENT_CASH, c.account_id, "C", amount),
                (seg.gl_code, None, "D", amount),
                (own.gl_code, None, "C", amount),
            ],
            account_id=c.account_id,
            client_id=c.client_id,
            description="Margin financing drawdown",
            counterparty=(PLATFORM_NAME, own.account_number),
            remittance=f"Financing {c.account_id}",
        )

    def repay(self, c: Client, amount: int, t: int, gl: str = PRINCIPAL) -> str | None:
        seg = c.seg_bank
        own = self.seeds.own_for(seg)
        label = "Deficit repayment" if gl == DEFICIT else "Financing repayment"
        return self.ledger.post(
            "loan_repayment",
            t,
            [
                (CLIENT_CASH, c.account_id, "D", amount),
                (gl, c.account_id, "C", amount),
                (own.gl_code, None, "D", amount),
                (seg.gl_code, None, "C", amount),
            ],
            account_id=c.account_id,
            client_id=c.client_id,
            description=label,
            counterparty=(PLATFORM_NAME, seg.account_number),
            remittance=f"{label} {c.account_id}",
        )

    # -- trading --------------------------------------------------------------------------------------
    def settle_trade(
        self,
        c: Client,
        side: str,
        gross: int,
        commission: int,
        taxes: int,
        t: int,
        forced: bool,
        instrument_id: str,
    ) -> str:
        if side == "buy":
            lines = [
                (CLIENT_CASH, c.account_id, "D", gross + commission + taxes),
                (CLEARING, None, "C", gross + taxes),
                (COMMISSION_INCOME, None, "C", commission),
            ]
            self.clearing_today[c.seg_bank.bank_account_id] += gross + taxes
        else:
            lines = [
                (CLEARING, None, "D", gross - taxes),
                (CLIENT_CASH, c.account_id, "C", gross - commission - taxes),
                (COMMISSION_INCOME, None, "C", commission),
            ]
            self.clearing_today[c.seg_bank.bank_account_id] -= gross - taxes
        self.sweep_pool[c.seg_bank.bank_account_id] += commission
        c.revenue_month += commission
        kind = "forced_liquidation" if forced else "trade_settlement"
        what = "Forced sale" if forced else side.capitalize()
        txn = self.ledger.post(
            kind,
            t,
            lines,
            account_id=c.account_id,
            client_id=c.client_id,
            description=f"{what} {instrument_id}",
            lag_us=40_000,
        )
        assert txn is not None
        return txn

    def exchange_settlement(self, t: int) -> list[str]:
        """Settle yesterday's net clearing balance per segregated bank (T+1), one bank line each."""
        out = []
        for seg in self.seeds.segregated:
            net = self.clearing_due[seg.bank_account_id]
            if net == 0:
                continue
            if net > 0:
                lines = [(CLEARING, None, "D", net), (seg.gl_code, None, "C", net)]
            else:
                lines = [(seg.gl_code, None, "D", -net), (CLEARING, None, "C", -net)]
            txn = self.ledger.post(
                "exchange_settlement",
                t,
                lines,
                description="Exchange settlement T+1",
                counterparty=CSDC,
                remittance="CSDC net settlement",
                tx_code="NMSC",
            )
            if txn:
                out.append(txn)
        self.clearing_due = {key: 0 for key in self.clearing_due}
        return out

    # -- interest and fees ----------------------------------------------------------------------------
    def accrue_interest(self, c: Client, amount: int, t: int) -> str | None:
        c.revenue_month += amount
        return self.ledger.post(
            "interest_accrual",
            t,
            [(INTEREST, c.account_id, "D", amount), (INTEREST_INCOME, None, "C", amount)],
            account_id=c.account_id,
            client_id=c.client_id,
            description="Daily interest accrual",
            lag_us=5_000,
        )

    def charge_interest(self, c: Client, amount: int, t: int) -> str | None:
        self.sweep_pool[c.seg_bank.bank_account_id] += amount
        return self.ledger.post(
            "interest_charge",
            t,
            [(CLIENT_CASH, c.account_id, "D", amount), (INTEREST, c.account_id, "C", amount)],
            account_id=c.account_id,
            client_id=c.client_id,
            description="Interest charged",
        )

    def charge_fee(self, c: Client, amount: int, t: int, description: str) -> tuple[str | None, bool]:
        """Debit the fee to client cash, or to fees receivable (1130) when the cash is not there."""
        c.revenue_month += amount
        if c.cash >= amount:
            self.sweep_pool[c.seg_bank.bank_account_id] += amount
            debit = (CLIENT_CASH, c.account_id, "D", amount)
            paid = True
        else:
            debit = (FEES, c.account_id, "D", amount)
            paid = False
        txn = self.ledger.post(
            "fee",
            t,
            [debit, (FEE_INCOME, None, "C", amount)],
            account_id=c.account_id,
            client_id=c.client_id,
            description=description,
        )
        return txn, paid

    def collect_fees(self, c: Client, amount: int, t: int) -> str | None:
        self.sweep_pool[c.seg_bank.bank_account_id] += amount
        return self.ledger.post(
            "fee",
            t,
            [(CLIENT_CASH, c.account_id, "D", amount), (FEES, c.account_id, "C", amount)],
            account_id=c.account_id,
            client_id=c.client_id,
            description="Fees receivable collected",
        )

    def reverse_fee(self, c: Client, txn_id: str, amount: int, paid: bool, t: int) -> str | None:
        if paid:
            self.sweep_pool[c.seg_bank.bank_account_id] -= amount
        c.revenue_month -= amount
        return self.ledger.reverse(txn_id, t, "Fee charged in error")

    # -- losses ---------------------------------------------------------------------------------------
    def book_deficit(self, c: Client, t: int) -> str | None:
        """Move what the client still owes after losing all collateral into the deficit receivable."""
        total = c.principal + c.interest_accrued + c.fees
        return self.ledger.post(
            "deficit",
            t,
            [
                (DEFICIT, c.account_id, "D", total),
                (PRINCIPAL, c.account_id, "C", c.principal),
                (INTEREST, c.account_id, "C", c.interest_accrued),
                (FEES, c.account_id, "C", c.fees),
            ],
            account_id=c.account_id,
            client_id=c.client_id,
            description="Shortfall after forced liquidation",
        )

    # -- platform housekeeping ------------------------------------------------------------------------
    def sweep(self, t: int) -> list[str]:
        out = []
        for seg in self.seeds.segregated:
            amount = self.sweep_pool[seg.bank_account_id]
            if amount <= 0:
                continue
            own = self.seeds.own_for(seg)
            txn = self.ledger.post(
                "sweep",
                t,
                [(own.gl_code, None, "D", amount), (seg.gl_code, None, "C", amount)],
                description="Sweep of platform income from client money",
                remittance="Income sweep",
            )
            if txn:
                out.append(txn)
            self.sweep_pool[seg.bank_account_id] = 0
        return out

    def bank_fee(self, own: BankAccount, amount: int, t: int) -> str | None:
        return self.ledger.post(
            "bank_fee",
            t,
            [(BANK_CHARGES, None, "D", amount), (own.gl_code, None, "C", amount)],
            description="Bank account charges",
            counterparty=(own.bank_name, own.bic),
            remittance="Monthly account maintenance and transfer charges",
            tx_code="NCHG",
        )

    def accrue_agent_commission(self, agent_id: str, amount: int, t: int) -> str | None:
        return self.ledger.post(
            "agent_commission",
            t,
            [(AGENT_EXPENSE, None, "D", amount), (AGENT_PAYABLE, None, "C", amount)],
            reference=f"AGC/{agent_id}",
            description=f"Agent commission accrued {agent_id}",
        )

    def pay_agent_commission(self, agent_id: str, name: str, card: str, amount: int, t: int) -> str | None:
        own = self.seeds.own[0]
        return self.ledger.post(
            "agent_commission",
            t,
            [(AGENT_PAYABLE, None, "D", amount), (own.gl_code, None, "C", amount)],
            reference=f"AGP/{agent_id}",
            description=f"Agent commission paid {agent_id}",
            counterparty=(name, card),
            remittance=f"Commission {agent_id}",
        )
