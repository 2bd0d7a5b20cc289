"""Margin supervision after each close: line crossings, margin calls, forced liquidation and deficits."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import numpy as np

from simulator.accounting import Platform
from simulator.clients import LINES, Client
from simulator.clock import Clock, local_us
from simulator.ledger import DEFICIT
from simulator.market import MarketDay
from simulator.money import fen_str
from simulator.schedule import Schedule
from simulator.ticks import GRID_US, TickDay
from simulator.trading import Trading
from simulator.truth import Truth

LIQUIDATION_CUTOFF = local_us(10, 30)


def line_value(c: Client, line: str) -> float:
    return {"warning": c.product.warning, "call": c.product.call, "close": c.product.close}[line]


class Risk:
    def __init__(
        self,
        platform: Platform,
        trading: Trading,
        truth: Truth,
        schedule: Schedule,
        days: list[dt.date],
        touch_account: Callable[[Client, int], None],
    ) -> None:
        self.platform = platform
        self.trading = trading
        self.truth = truth
        self.schedule = schedule
        self.days = days
        self.touch_account = touch_account
        self.call_count = 0
        self.breach_count = 0
        self.k = 0
        self.clock: Clock | None = None
        self.mday: MarketDay | None = None

    def begin_day(self, k: int, clock: Clock, mday: MarketDay) -> None:
        self.k, self.clock, self.mday = k, clock, mday

    # -- morning: deadlines and forced sales --------------------------------------------------------
    def morning(self, c: Client, rng: np.random.Generator, t: int) -> int:
        """Enforce a call whose deadline is today, then run any pending liquidation; returns the new time."""
        assert self.mday is not None
        call = c.open_call
        if call is not None and call["deadline"] <= self.k and c.state == "call":
            if c.mcr(self.mday.prev_close) >= c.product.call:
                self._close_call(c, "topped_up" if call["topped_up"] else "recovered")
                c.state = "normal"
            else:
                c.state = "liquidating"
        if c.state == "liquidating":
            t = self.liquidate(c, rng, max(t, local_us(9, 30)))
        return t

    def liquidate(self, c: Client, rng: np.random.Generator, t: int) -> int:
        assert self.mday is not None
        prices = self.mday.prev_close
        debt = c.liabilities
        assets = c.cash + c.market_value(prices)
        target = c.product.target
        sell_all = debt <= 0 or assets <= debt * 1.03
        need = math.inf if sell_all else (target * debt - assets) / (target - 1) * 1.05
        sold = 0
        holdings = sorted(c.positions.items(), key=lambda kv: (-kv[1] * int(prices[kv[0]]), kv[0]))
        for i, qty in holdings:
            if sold >= need:
                break
            if not self.trading.can_trade(i, "sell"):
                continue
            lot = int(self.trading.universe.lot[i])
            if need == math.inf:
                q = qty
            else:
                q = min(qty, math.ceil((need - sold) / max(int(prices[i]), 1) / lot) * lot)
            fills = self.trading.plan(rng, i, q, t, LIQUIDATION_CUTOFF)
            if not fills:
                continue
            self.trading.book(c, i, "sell", fills, forced=True)
            sold += sum(p * n for _, p, n in fills)
            t = max(f[0] for f in fills) + 2_000_000
            for record in self._open_breaches(c):
                record[11] = "liquidated"
        t = self.pay_down(c, t)
        if c.liabilities == 0 or (c.positions and c.mcr(prices) >= target):
            self._end_liquidation(c, "liquidated")
        return t

    def pay_down(self, c: Client, t: int) -> int:
        """Use whatever cash the account holds against principal, interest and fees, in that order."""
        if c.principal and c.cash > 0:
            self.platform.repay(c, min(c.cash, c.principal), t)
            t += 1_000_000
        if c.interest_accrued and c.cash > 0:
            amount = min(c.cash, c.interest_accrued)
            self.platform.charge_interest(c, amount, t)
            c.interest_due = max(0, c.interest_due - amount)
            t += 1_000_000
        if c.fees and c.cash > 0:
            self.platform.collect_fees(c, min(c.cash, c.fees), t)
            t += 1_000_000
        return t

    def pay_down_dues(self, c: Client, t: int) -> None:
        """Collect billed interest and fees receivable once the client has cash again."""
        if c.interest_due and c.cash > 0:
            amount = min(c.cash, c.interest_due, c.interest_accrued)
            if amount > 0:
                self.platform.charge_interest(c, amount, t)
            c.interest_due -= amount
        if c.fees and c.cash > 0:
            self.platform.collect_fees(c, min(c.cash, c.fees), t + 500_000)

    def _end_liquidation(self, c: Client, resolution: str) -> None:
        c.state = "normal"
        if c.open_call is not None:
            self._close_call(c, resolution)

    # -- close: measure every leveraged account -----------------------------------------------------
    def close(self, clients: list[Client], ticks: TickDay, rng: np.random.Generator) -> None:
        assert self.mday is not None and self.clock is not None
        prices = self.mday.close
        grid: np.ndarray | None = None
        for c in clients:
            if not c.active or c.state == "deficit" or (c.liabilities == 0 and not any(c.below.values())):
                continue
            if c.state == "liquidating" and not c.positions and c.liabilities > 0:
                self._book_deficit(c, rng)
                continue
            mcr = c.mcr(prices)
            crossed = [line for line in LINES if mcr < line_value(c, line) and c.below[line] is None]
            for line in LINES:
                if c.below[line] is not None and mcr >= line_value(c, line):
                    self._resolve_breach(c, line)
            if crossed:
                if grid is None:
                    grid = ticks.grid_prices(self.mday.prev_close)
                for line in crossed:
                    self._open_breach(c, line, mcr, self._first_crossed_at(c, line, grid))
            if c.state == "liquidating":
                continue
            if mcr < c.product.close:
                c.state = "liquidating"
            elif mcr < c.product.call:
                if c.open_call is None:
                    self._issue_call(c, mcr, rng)
                c.state = "call"
            elif c.open_call is not None:
                c.state = "call"
            else:
                c.state = "warning" if mcr < c.product.warning else "normal"

    def _first_crossed_at(self, c: Client, line: str, grid: np.ndarray) -> str:
        assert self.clock is not None
        debt = c.liabilities
        values = np.full(grid.shape[1], float(c.cash))
        for i, qty in c.positions.items():
            values += qty * grid[i].astype(float)
        below = np.nonzero(values / debt < line_value(c, line))[0]
        slot = int(below[0]) if below.size else grid.shape[1] - 1
        return self.clock.utc(int(GRID_US[slot]))

    def _open_breach(self, c: Client, line: str, mcr: float, at: str) -> None:
        self.breach_count += 1
        record = [
            f"LB{self.breach_count:07d}",
            c.account_id,
            c.client_id,
            c.product.product_id,
            line,
            f"{line_value(c, line):.4f}",
            self.days[self.k].isoformat(),
            at,
            f"{mcr:.4f}",
            None,
            None,
            "open",
            None,
        ]
        self.truth.line_breaches.append(record)
        c.below[line] = record

    def _open_breaches(self, c: Client) -> list[list]:
        return [r for r in c.below.values() if r is not None]

    def _resolve_breach(self, c: Client, line: str) -> None:
        record = c.below[line]
        if record is None:
            return
        if record[11] == "open":
            record[11] = "recovered"
        record[12] = self.days[self.k].isoformat()
        c.below[line] = None

    def _issue_call(self, c: Client, mcr: float, rng: np.random.Generator) -> None:
        self.call_count += 1
        deadline = self.k + c.product.call_deadline_days
        call = {"id": f"MC{self.call_count:07d}", "deadline": deadline, "topped_up": False}
        c.open_call = call
        record = c.below["call"]
        if record is not None:
            record[9] = call["id"]
            record[10] = self.days[deadline].isoformat() if deadline < len(self.days) else None
        debt = c.liabilities
        assets = c.cash + c.market_value(self.mday.close) if self.mday is not None else 0
        amount = math.ceil((c.product.target * debt - assets) / 10_000.0) * 10_000
        if amount > 0 and rng.random() < c.traits.topup and amount <= c.reserve:
            same_evening = rng.random() < 0.4
            day = self.k if same_evening else self.k + 1
            when = (
                local_us(19, 0) + int(rng.integers(0, 150 * 60)) * 1_000_000
                if same_evening
                else local_us(8, 0) + int(rng.integers(0, 80 * 60)) * 1_000_000
            )
            self.schedule.add(day, c.index, when, "margin_topup", amount)

    def topped_up(self, c: Client, amount: int) -> None:
        c.reserve -= amount
        if c.open_call is not None:
            c.open_call["topped_up"] = True
            if (
                c.mcr(self.mday.prev_close if self.mday is not None else np.zeros(0))
                >= c.product.target * 0.98
            ):
                self._close_call(c, "topped_up")
                c.state = "normal"
        for record in self._open_breaches(c):
            if record[11] == "open":
                record[11] = "topped_up"

    def _close_call(self, c: Client, resolution: str) -> None:
        c.open_call = None
        for record in self._open_breaches(c):
            if record[11] in ("open", "recovered"):
                record[11] = resolution

    def _book_deficit(self, c: Client, rng: np.random.Generator) -> None:
        t = local_us(15, 40)
        amount = c.principal + c.interest_accrued + c.fees
        self.platform.book_deficit(c, t)
        c.state = "deficit"
        c.status = "suspended"
        c.open_call = None
        self.touch_account(c, t + 60_000_000)
        for record in self._open_breaches(c):
            record[11] = "deficit"
        remaining = len(self.days) - 1 - self.k
        if c.will_repay_deficit and remaining > 0:
            day = self.k + int(rng.integers(1, min(8, remaining) + 1))
            self.schedule.add(
                day,
                c.index,
                local_us(10, 0) + int(rng.integers(0, 300)) * 60_000_000,
                "deficit_repayment",
                amount,
            )
        else:
            self.truth.defaults.append(
                [
                    c.account_id,
                    c.client_id,
                    self.days[self.k].isoformat(),
                    "deficit_unpaid",
                    c.product.product_id,
                    c.profile,
                    fen_str(amount),
                ]
            )

    def repay_deficit(self, c: Client, t: int) -> int:
        """The client brings the money and the deficit receivable is settled; the account is closed."""
        amount = c.deficit
        self.platform.deposit(c, amount, t)
        self.platform.repay(c, amount, t + 30_000_000, gl=DEFICIT)
        c.state = "closed"
        c.status = "closed"
        self.touch_account(c, t + 90_000_000)
        return t + 120_000_000
