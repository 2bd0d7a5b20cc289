"""Daily closes from a factor model clamped to the board limits, with one planted market-wide sell-off."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.instruments import SECTORS, Universe
from simulator.money import limit_prices, round_cents
from simulator.rng import stream

SELLOFF_LENGTH = 5


def selloff_window(days: int, enabled: bool = True) -> range:
    """The planted crash: SELLOFF_LENGTH sessions centred around 65% of the period."""
    if not enabled or days < 4:
        return range(0)
    length = min(SELLOFF_LENGTH, max(1, days - 3))
    start = min(max(1, round(days * 0.65) - length // 2), days - length - 1)
    return range(start, start + length)


@dataclass
class MarketDay:
    """One session's reference prices (cents) for every instrument."""

    index: int
    prev_close: np.ndarray
    open: np.ndarray
    close: np.ndarray
    limit_up: np.ndarray
    limit_down: np.ndarray
    suspended: np.ndarray
    locked_down: np.ndarray  # traded all day at limit-down: sell orders cannot fill
    market_return: float
    is_selloff: bool


class Market:
    """Steps prices day by day; only the previous close is kept between days."""

    def __init__(self, seed: int, universe: Universe, days: int, selloff: bool = True) -> None:
        self.seed = seed
        self.universe = universe
        self.days = days
        self.window = selloff_window(days, selloff)
        self.prev_close = universe.initial_close.copy()
        self.prev_locked = np.zeros(len(universe), dtype=bool)
        rng = stream(seed, "market", "selloff")
        self.hit_sectors = rng.choice(len(SECTORS), size=2, replace=False)
        self.selloff_moves = rng.uniform(-0.07, -0.04, size=len(self.window))

    def step(self, index: int) -> MarketDay:
        u = self.universe
        n = len(u)
        rng = stream(self.seed, "market", index)
        prev = self.prev_close
        up, down = limit_prices(prev, u.limit_pct)
        in_selloff = index in self.window
        if in_selloff:
            market = float(self.selloff_moves[index - self.window.start])
        elif self.window and index in (self.window.stop, self.window.stop + 1):
            market = float(rng.uniform(0.01, 0.03))  # relief rally after the crash
        else:
            market = float(0.0004 + 0.011 * rng.standard_t(5) / np.sqrt(5 / 3))
        sector_move = rng.normal(0.0, 0.006, len(SECTORS))
        if in_selloff:
            sector_move[self.hit_sectors] -= 0.02
        idio = u.sigma * rng.standard_t(4, n) / np.sqrt(2.0)
        ret = u.beta * market + sector_move[u.sector] + idio
        locked = np.zeros(n, dtype=bool)
        if in_selloff:
            # Panic locks names at limit-down all day; a locked name tends to stay locked (a streak of
            # one-price limit-down days), which is what traps leveraged holders.
            panic_p = np.array([0.1 if b == "star" else 0.22 for b in u.board])
            panic_p[np.isin(u.sector, self.hit_sectors)] += 0.1
            panic_p = np.where(self.prev_locked, 0.65, panic_p)
            locked = rng.random(n) < panic_p
        close = np.clip(round_cents(prev * np.exp(ret)), down, up)
        gap = 0.35 * ret + rng.normal(0.0, 0.25, n) * u.sigma
        open_ = np.clip(round_cents(prev * np.exp(gap)), down, up)
        suspended = (rng.random(n) < 0.002) if index > 0 else np.zeros(n, dtype=bool)
        locked &= ~suspended
        close[locked] = down[locked]
        open_[locked] = down[locked]
        close[suspended] = prev[suspended]
        open_[suspended] = prev[suspended]
        day = MarketDay(
            index=index,
            prev_close=prev.copy(),
            open=open_,
            close=close,
            limit_up=up,
            limit_down=down,
            suspended=suspended,
            locked_down=locked,
            market_return=market,
            is_selloff=in_selloff,
        )
        self.prev_close = close
        self.prev_locked = locked
        return day
