"""What each client does on a trading day: fund, trade towards a target leverage, top up, withdraw, leave."""

from __future__ import annotations

import numpy as np

from simulator.accounting import Platform
from simulator.clients import Client
from simulator.clock import US_PER_MINUTE, US_PER_SECOND, local_us
from simulator.devices import DeviceLog
from simulator.margin import Risk
from simulator.market import MarketDay
from simulator.schedule import Action, Schedule
from simulator.trading import Trading

YUAN = 100  # fen
MIN_ORDER = 5_000 * YUAN
WITHDRAWAL_LINE = 3.0  # collateral above MCR 300% may be withdrawn


class Behaviour:
    def __init__(
        self,
        platform: Platform,
        trading: Trading,
        risk: Risk,
        devices: DeviceLog,
        schedule: Schedule,
        marginable: np.ndarray,
    ) -> None:
        self.platform = platform
        self.trading = trading
        self.risk = risk
        self.devices = devices
        self.schedule = schedule
        self.marginable = marginable
        self.k = 0
        self.mday: MarketDay | None = None

    def begin_day(self, k: int, mday: MarketDay) -> None:
        self.k, self.mday = k, mday

    # -- scheduled cash movements ---------------------------------------------------------------------
    def run_actions(self, c: Client, actions: list[Action]) -> None:
        for action in actions:
            t = action.local_us
            if action.kind == "deficit_repayment":
                if c.state == "deficit":
                    self.devices.event(c, "deposit_request", t - 90 * US_PER_SECOND)
                    self.risk.repay_deficit(c, t)
                continue
            if not c.active:
                continue
            if action.kind in ("deposit", "margin_topup"):
                self.devices.event(c, "deposit_request", t - 60 * US_PER_SECOND)
                txn = self.platform.deposit(c, action.amount, t, action.kind, action.counterparty)
                if action.kind == "margin_topup":
                    self.risk.topped_up(c, action.amount)
            else:
                amount = min(action.amount, c.cash)
                if amount <= 0:
                    continue
                self.devices.event(c, "withdrawal_request", t - 60 * US_PER_SECOND)
                txn = self.platform.withdraw(c, amount, t, action.counterparty)
            if action.evidence is not None and txn:
                action.evidence.append(txn)

    # -- the trading day ------------------------------------------------------------------------------
    def client_day(self, c: Client, rng: np.random.Generator) -> None:
        k = self.k
        if k < c.reg_day or not c.active:
            return
        actions = self.schedule.take(k, c.index)
        if c.dormant and not actions:
            return
        if actions:
            self.run_actions(c, actions)
        if c.state == "deficit" or not c.active:
            return
        t = local_us(8, 30) + int(rng.integers(0, 50)) * US_PER_MINUTE
        if k == c.reg_day:
            t = max(t, c.opened_local_us + 5 * US_PER_MINUTE)  # nothing happens before the account exists
        if c.fund_day == k and not c.funded:
            self.devices.event(c, "login", t - 5 * US_PER_MINUTE)
            self.devices.event(c, "deposit_request", t - 60 * US_PER_SECOND)
            self.platform.deposit(c, c.wealth, t)
            c.funded = True
        if not c.funded:
            if rng.random() < 0.05:
                browse = local_us(int(rng.integers(9, 22)), int(rng.integers(0, 60)))
                self.devices.event(c, "login", max(t, browse))
            return
        t = self.risk.morning(c, rng, t)
        if c.state in ("liquidating", "deficit") or k in c.aml_quiet:
            return
        traits = c.traits
        if c.interest_due > c.cash and rng.random() < traits.deposit_for_dues * 0.3:
            amount = -(-(c.interest_due - c.cash) // 10_000) * 10_000 + 10_000
            self.devices.event(c, "deposit_request", t - 60 * US_PER_SECOND)
            self.platform.deposit(c, amount, t)
            t += 2 * US_PER_MINUTE
            self.risk.pay_down_dues(c, t)
        if c.churn_day is not None and c.churn_day <= k:
            self.churn(c, rng, t)
            return
        trades_today = rng.random() < traits.p_trade or (c.fund_day == k)
        if trades_today or rng.random() < 0.08:
            self.devices.event(c, "login", max(t, local_us(9, 0)) + int(rng.integers(0, 30)) * US_PER_MINUTE)
        if trades_today:
            t = max(t, local_us(9, 30)) + int(rng.integers(0, 240)) * US_PER_MINUTE
            self.trade(c, rng, t)
        if rng.random() < 0.012:
            self.extra_deposit(c, rng)
        if rng.random() < 0.012:
            self.withdraw_excess(c, rng)

    def trade(self, c: Client, rng: np.random.Generator, t: int) -> None:
        assert self.mday is not None
        prices = self.mday.prev_close
        mv = c.market_value(prices)
        equity = c.cash + mv - c.liabilities
        if equity <= 0:
            return
        leverage = (c.cash + mv) / equity
        sell_p = 0.4 if c.positions else 0.0
        if leverage > c.target_leverage + 0.35 and c.profile in ("conservative", "normal"):
            sell_p = 0.9
        if rng.random() < sell_p:
            t = self.sell_one(c, rng, t)
            if c.principal and c.cash > MIN_ORDER and rng.random() < c.traits.repays_idle_cash:
                self.platform.repay(c, min(c.principal, c.cash - MIN_ORDER // 5), t)
                t += US_PER_MINUTE
        if c.state == "normal" and rng.random() < 0.85:
            self.buy_towards_target(c, rng, t)

    def sell_one(self, c: Client, rng: np.random.Generator, t: int) -> int:
        held = [i for i in c.positions if self.trading.can_trade(i, "sell")]
        if not held:
            return t
        i = held[int(rng.integers(len(held)))]
        lot = int(self.trading.universe.lot[i])
        qty = c.positions[i]
        if rng.random() < 0.5 and qty >= 2 * lot:
            qty = (qty // 2 // lot) * lot
        fills = self.trading.plan(rng, i, qty, t)
        if not fills:
            return t
        self.trading.book(c, i, "sell", fills)
        return max(f[0] for f in fills) + int(rng.integers(1, 20)) * US_PER_MINUTE

    def buy_towards_target(self, c: Client, rng: np.random.Generator, t: int) -> None:
        assert self.mday is not None
        prices = self.mday.prev_close
        mv = c.market_value(prices)
        equity = c.cash + mv - c.liabilities
        target_mv = equity * c.target_leverage * 0.97
        want = target_mv - mv
        if equity <= 0 or want < max(MIN_ORDER, 0.03 * equity):
            return
        order_value = min(want, target_mv / c.max_positions * rng.uniform(0.8, 1.3))
        needs_financing = order_value > c.cash and c.principal < c.credit_limit
        candidates = [i for i in c.watchlist if self.trading.can_trade(i, "buy")]
        if len(c.positions) >= c.max_positions:
            candidates = [i for i in candidates if i in c.positions]
        elif rng.random() < 0.7:
            fresh = [i for i in candidates if i not in c.positions]
            candidates = fresh or candidates
        if needs_financing:
            financed = [i for i in candidates if self.marginable[i]]
            if financed:
                candidates = financed
            else:
                order_value = min(order_value, c.cash * 0.98)
                needs_financing = False
        if not candidates:
            return
        i = candidates[int(rng.integers(len(candidates)))]
        lot = int(self.trading.universe.lot[i])
        price = max(int(prices[i]), 1)
        qty = int(order_value // (price * 1.02) // lot) * lot
        if qty <= 0:
            return
        fills = self.trading.plan(rng, i, qty, t)
        if not fills:
            return
        cost = -self.trading.cash_effect("buy", fills)
        if cost > c.cash:
            headroom = 0
            if needs_financing or self.marginable[i]:
                assets = c.cash + mv
                headroom = int(min(c.credit_limit - c.principal, c.leverage_cap * equity - assets))
            need = cost - c.cash
            if need > headroom:
                budget = c.cash + max(headroom, 0)
                qty = int(budget * 0.97 // max(f[1] for f in fills) // lot) * lot
                if qty <= 0:
                    return
                fills = self.trading.plan(rng, i, qty, t)
                if not fills:
                    return
                cost = -self.trading.cash_effect("buy", fills)
                need = cost - c.cash
            if need > 0:
                draw = -(-need // 10_000) * 10_000
                self.platform.drawdown(c, draw, fills[0][0] - 2 * US_PER_SECOND)
        self.trading.book(c, i, "buy", fills)

    # -- cash in and out ------------------------------------------------------------------------------
    def extra_deposit(self, c: Client, rng: np.random.Generator) -> None:
        amount = int(c.wealth * rng.uniform(0.05, 0.3) / 10_000) * 10_000
        if amount <= 0:
            return
        t = local_us(int(rng.integers(8, 15)), int(rng.integers(0, 60)))  # before the day's withdrawals
        if self.k == c.reg_day:
            t = max(t, c.opened_local_us + 10 * US_PER_MINUTE)
        self.devices.event(c, "deposit_request", t - 60 * US_PER_SECOND)
        self.platform.deposit(c, amount, t)

    def withdraw_excess(self, c: Client, rng: np.random.Generator) -> None:
        assert self.mday is not None
        room = c.cash - MIN_ORDER // 5
        if c.liabilities:
            room = min(room, int(c.cash + c.market_value(self.mday.close) - WITHDRAWAL_LINE * c.liabilities))
        amount = min(room, int(c.wealth * rng.uniform(0.05, 0.3)))
        amount = amount // 10_000 * 10_000
        if amount < 1_000 * YUAN:
            return
        t = local_us(15, 10) + int(rng.integers(0, 300)) * US_PER_MINUTE
        self.devices.event(c, "withdrawal_request", t - 60 * US_PER_SECOND)
        self.platform.withdraw(c, amount, t)

    def churn(self, c: Client, rng: np.random.Generator, t: int) -> None:
        """Sell out, repay, withdraw everything and go quiet; retried tomorrow if a name cannot be sold."""
        t = max(t, local_us(9, 35))
        for i in list(c.positions):
            fills = self.trading.plan(rng, i, c.positions[i], t) if self.trading.can_trade(i, "sell") else []
            if fills:
                self.trading.book(c, i, "sell", fills)
                t = max(f[0] for f in fills) + US_PER_MINUTE
        if c.positions:
            c.churn_day = self.k + 1
            return
        t = max(t, local_us(15, 5))
        t = self.risk.pay_down(c, t)
        if c.liabilities:
            c.churn_day = self.k + 1
            return
        if c.cash > 0:
            self.devices.event(c, "withdrawal_request", t)
            self.platform.withdraw(c, c.cash, t + US_PER_MINUTE)
        c.dormant = True
