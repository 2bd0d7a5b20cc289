"""Client orders filled against the day's exchange prints, with commission and taxes in fen."""

from __future__ import annotations

import numpy as np

from simulator.accounting import Platform
from simulator.clients import Client
from simulator.clock import Clock
from simulator.devices import DeviceLog
from simulator.instruments import Universe
from simulator.market import MarketDay
from simulator.money import div_half_up, fen_str
from simulator.ticks import TickDay

FILL_COLUMNS = (
    "fill_id",
    "order_id",
    "account_id",
    "instrument_id",
    "txn_id",
    "side",
    "quantity",
    "price",
    "gross_amount",
    "commission",
    "taxes",
    "is_forced_liquidation",
    "trade_date",
    "executed_at",
    "recorded_at",
)
MIN_COMMISSION = 500  # 5 CNY


def trade_costs(side: str, gross: int) -> tuple[int, int]:
    """Broker commission (2.5 bp, at least 5 CNY); taxes: transfer fee 0.1 bp, stamp duty 5 bp on sells."""
    commission = max(MIN_COMMISSION, div_half_up(gross * 25, 100_000))
    taxes = div_half_up(gross, 100_000) + (div_half_up(gross * 5, 10_000) if side == "sell" else 0)
    return commission, taxes


Fill = tuple[int, int, int]  # local time, price (cents), quantity


class Trading:
    def __init__(self, platform: Platform, universe: Universe, devices: DeviceLog) -> None:
        self.platform = platform
        self.universe = universe
        self.devices = devices
        self.fill_count = 0
        self.order_count = 0
        self.rows: list[tuple] = []
        self.ticks: TickDay | None = None
        self.mday: MarketDay | None = None
        self.clock: Clock | None = None

    def begin_day(self, clock: Clock, mday: MarketDay, ticks: TickDay) -> None:
        self.clock, self.mday, self.ticks, self.rows = clock, mday, ticks, []

    def can_trade(self, i: int, side: str) -> bool:
        """Suspended names do not trade; a name locked limit-down all day takes no sellers."""
        assert self.mday is not None
        if self.mday.suspended[i]:
            return False
        return not (side == "sell" and self.mday.locked_down[i])

    def plan(
        self, rng: np.random.Generator, i: int, qty: int, after_us: int, before_us: int | None = None
    ) -> list[Fill]:
        """One or two fills at real prints of the day after the order time (none if nothing trades later)."""
        assert self.ticks is not None
        ticks = self.ticks
        start, length = int(ticks.seg_start[i]), int(ticks.seg_len[i])
        times = ticks.time_us[start : start + length]
        lo = int(np.searchsorted(times, after_us, side="left"))
        if qty <= 0 or lo >= length:
            return []  # nothing trades in this name after the order time
        hi = length if before_us is None else max(lo + 1, int(np.searchsorted(times, before_us, side="left")))
        lot = int(self.universe.lot[i])
        parts = [qty]
        if qty >= 2 * lot and rng.random() < 0.25:
            first = (qty // lot // 2) * lot
            parts = [first, qty - first]
        fills = []
        cursor = lo
        for part in parts:
            k = start + int(rng.integers(cursor, max(cursor + 1, hi)))
            fills.append((int(ticks.time_us[k]), int(ticks.price[k]), part))
            cursor = min(k - start, length - 1)
        return sorted(fills)

    @staticmethod
    def cash_effect(side: str, fills: list[Fill]) -> int:
        """Signed change of client cash if the fills are booked (buys negative)."""
        total = 0
        for _, price, qty in fills:
            gross = price * qty
            commission, taxes = trade_costs(side, gross)
            total += -(gross + commission + taxes) if side == "buy" else gross - commission - taxes
        return total

    def book(self, c: Client, i: int, side: str, fills: list[Fill], forced: bool = False) -> list[str]:
        assert self.clock is not None
        self.order_count += 1
        order_id = f"OR{self.order_count:010d}"
        if not forced:
            self.devices.event(c, "order", fills[0][0] - 1_500_000)
        instrument_id = self.universe.instrument_id[i]
        txns = []
        for time_us, price, qty in fills:
            gross = price * qty
            commission, taxes = trade_costs(side, gross)
            txn = self.platform.settle_trade(
                c, side, gross, commission, taxes, time_us, forced, instrument_id
            )
            self.fill_count += 1
            self.rows.append(
                (
                    f"FL{self.fill_count:010d}",
                    order_id,
                    c.account_id,
                    instrument_id,
                    txn,
                    side,
                    str(qty),
                    fen_str(price),
                    fen_str(gross),
                    fen_str(commission),
                    fen_str(taxes),
                    "true" if forced else "false",
                    self.clock.day.isoformat(),
                    self.clock.utc(time_us),
                    self.clock.utc(time_us + 40_000),
                )
            )
            held = c.positions.get(i, 0) + (qty if side == "buy" else -qty)
            if held:
                c.positions[i] = held
            else:
                c.positions.pop(i, None)
            txns.append(txn)
        return txns

    def day_rows(self) -> list[tuple]:
        return sorted(self.rows, key=lambda r: (r[14], r[0]))
