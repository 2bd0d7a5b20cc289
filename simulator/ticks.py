"""Intraday trade prints and L1 quotes along a bridge from open to close, vectorised per day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from simulator.clock import SESSION_LENGTH_US, local_us, session_offset_to_local
from simulator.instruments import Universe
from simulator.market import MarketDay
from simulator.money import decimal_array, round_cents
from simulator.writer import write_arrow_csv

SIDES = np.array(["B", "S", "N"])
SIDE_B, SIDE_S, SIDE_N = 0, 1, 2
# A 5-minute grid over both sessions (09:35 .. 11:30, 13:05 .. 15:00), for intraday risk snapshots.
GRID_US = np.array(
    [local_us(9, 30) + k * 5 * 60_000_000 for k in range(1, 25)]
    + [local_us(13, 0) + k * 5 * 60_000_000 for k in range(1, 25)],
    dtype=np.int64,
)
_EDGE = 3e-4  # share of the session kept free for the opening and closing prints


@dataclass
class TickDay:
    """One day of prints, grouped by instrument and ordered by time inside each group."""

    instr: np.ndarray
    time_us: np.ndarray  # local time of day, microseconds
    seq: np.ndarray
    price: np.ndarray  # cents
    qty: np.ndarray
    side: np.ndarray
    bid: np.ndarray
    ask: np.ndarray
    bid_size: np.ndarray
    ask_size: np.ndarray
    seg_start: np.ndarray
    seg_len: np.ndarray
    high: np.ndarray
    low: np.ndarray
    volume: np.ndarray
    turnover_fen: np.ndarray

    def __len__(self) -> int:
        return int(self.instr.size)

    def pick(self, rng: np.random.Generator, i: int, before_us: int | None = None) -> int | None:
        """A random print of instrument i (optionally before a time of day), or None if it did not trade."""
        start, length = int(self.seg_start[i]), int(self.seg_len[i])
        if length == 0:
            return None
        if before_us is not None:
            times = self.time_us[start : start + length]
            length = max(1, int(np.searchsorted(times, before_us, side="left")))
        return start + int(rng.integers(length))

    def grid_prices(self, fallback: np.ndarray) -> np.ndarray:
        """Last print at or before each grid time: shape (instruments, len(GRID_US)), in cents."""
        n = self.seg_start.size
        key = self.instr.astype(np.int64) * (1 << 37) + self.time_us
        probe = np.arange(n, dtype=np.int64)[:, None] * (1 << 37) + GRID_US[None, :]
        pos = np.searchsorted(key, probe, side="right") - 1
        valid = pos >= self.seg_start[:, None]
        prices = self.price[np.clip(pos, 0, None)] if key.size else np.zeros_like(pos)
        return np.where(valid, prices, fallback[:, None])


def simulate_ticks(
    rng: np.random.Generator, universe: Universe, mday: MarketDay, trades_per_day: int
) -> TickDay:
    n_instr = len(universe)
    intensity = trades_per_day * universe.liquidity * (1.6 if mday.is_selloff else 1.0)
    counts = np.maximum(rng.poisson(intensity), 2)
    counts = np.where(mday.locked_down, rng.poisson(6, n_instr) + 2, counts)
    counts = np.where(mday.suspended, 0, counts)
    total = int(counts.sum())
    seg_start = np.cumsum(counts) - counts
    seg_end = seg_start + counts - 1
    instr = np.repeat(np.arange(n_instr, dtype=np.int32), counts)
    traded = counts > 0

    raw = np.where(rng.random(total) < 0.6, rng.random(total), rng.beta(0.5, 0.5, total))
    u = np.sort(instr + (_EDGE + raw * (1 - 3 * _EDGE))) - instr
    u[seg_start[traded]] = rng.uniform(0, _EDGE * 0.5, int(traded.sum()))
    u[seg_end[traded]] = 1 - rng.uniform(0, _EDGE, int(traded.sum()))
    offset = np.minimum((u * SESSION_LENGTH_US).astype(np.int64), SESSION_LENGTH_US - 1)
    time_us = session_offset_to_local(offset)

    # Brownian bridge in log price, pinned at the open (first print) and the close (last print).
    # Gathers go through clipped indices: instruments without prints are never looked up by `instr`.
    head = np.clip(seg_start, 0, max(total - 1, 0))
    tail = np.clip(seg_end, 0, max(total - 1, 0))
    first = u[head][instr] if total else u
    last = u[tail][instr] if total else u
    frac = np.where(last > first, (u - first) / np.maximum(last - first, 1e-12), 0.0)
    step = np.diff(u, prepend=0.0)
    step[seg_start[traded]] = 0.0
    walk = np.cumsum(rng.standard_normal(total) * np.sqrt(np.maximum(step, 0.0)))
    walk -= walk[head][instr] if total else 0
    bridge = walk - frac * (walk[tail][instr] if total else 0)
    vol = universe.sigma * (1.8 if mday.is_selloff else 0.9)
    log_open = np.log(mday.open.astype(float))
    log_close = np.log(mday.close.astype(float))
    path = log_open[instr] + frac * (log_close - log_open)[instr] + vol[instr] * bridge
    price = np.clip(round_cents(np.exp(path)), mday.limit_down[instr], mday.limit_up[instr])
    price[seg_start[traded]] = mday.open[traded]
    price[seg_end[traded]] = mday.close[traded]
    locked_rows = mday.locked_down[instr]
    price[locked_rows] = mday.limit_down[instr][locked_rows]

    move = np.diff(price, prepend=0)
    draw = rng.random(total)
    side = np.where(move > 0, SIDE_B, np.where(move < 0, SIDE_S, np.where(draw < 0.475, SIDE_B, SIDE_S)))
    side = np.where(draw > 0.95, SIDE_N, side)
    side[seg_start[traded]] = SIDE_N
    side = np.where(locked_rows & (side == SIDE_B), SIDE_S, side).astype(np.int8)

    lot = universe.lot[instr]
    lots = 1 + np.minimum(np.floor(np.exp(rng.normal(1.2, 1.1, total))), 3000).astype(np.int64)
    qty = lots * lot

    tick_scale = 1 + price // 5000
    spread_a = rng.geometric(0.55, total) * tick_scale
    spread_b = rng.geometric(0.55, total) * tick_scale
    bid = np.where(side == SIDE_S, price, price - spread_b)
    ask = np.where(side == SIDE_B, price, price + spread_a)
    bid = np.clip(bid, mday.limit_down[instr], price)
    ask = np.clip(ask, price, mday.limit_up[instr])
    bid_size = (1 + rng.geometric(0.08, total)) * lot
    ask_size = (1 + rng.geometric(0.08, total)) * lot
    ask_size = np.where(locked_rows, ask_size * 50, ask_size)

    high = mday.prev_close.copy()
    low = mday.prev_close.copy()
    volume = np.zeros(n_instr, dtype=np.int64)
    turnover = np.zeros(n_instr, dtype=np.int64)
    if total:
        starts = seg_start[traded]
        high[traded] = np.maximum.reduceat(price, starts)
        low[traded] = np.minimum.reduceat(price, starts)
        volume[traded] = np.add.reduceat(qty, starts)
        turnover[traded] = np.add.reduceat(price * qty, starts)
    position = np.arange(total, dtype=np.int64) - seg_start[instr]
    return TickDay(
        instr=instr,
        time_us=time_us,
        seq=2 * position + 1,
        price=price,
        qty=qty,
        side=side,
        bid=bid,
        ask=ask,
        bid_size=bid_size,
        ask_size=ask_size,
        seg_start=seg_start,
        seg_len=counts,
        high=high,
        low=low,
        volume=volume,
        turnover_fen=turnover,
    )


def _symbols(universe: Universe, instr: np.ndarray) -> pa.Array:
    dictionary = pa.array(universe.instrument_id, pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(instr, pa.int32()), dictionary).cast(pa.string())


def _timestamps(day: dt.date, time_us: np.ndarray) -> pa.Array:
    midnight = np.datetime64(day.isoformat(), "us")
    return pa.array(midnight + time_us.astype("timedelta64[us]"), pa.timestamp("us"))


def write_ticks(
    folder: Path, day: dt.date, universe: Universe, mday: MarketDay, ticks: TickDay
) -> dict[str, int]:
    """trades.csv, quotes.csv and eod_prices.csv in the vendor layout (exchange-local time)."""
    order = np.lexsort((ticks.instr, ticks.time_us))
    instr = ticks.instr[order]
    symbols = _symbols(universe, instr)
    stamps = _timestamps(day, ticks.time_us[order])
    seq = ticks.seq[order]
    prefix = pa.DictionaryArray.from_arrays(
        pa.array(instr, pa.int32()), pa.array([f"{s}{day:%Y%m%d}" for s in universe.symbol], pa.string())
    ).cast(pa.string())
    trade_id = pc.binary_join_element_wise(prefix, pc.utf8_lpad(pa.array(seq).cast(pa.string()), 7, "0"), "")
    sides = pa.DictionaryArray.from_arrays(
        pa.array(ticks.side[order], pa.int8()), pa.array(SIDES.tolist(), pa.string())
    ).cast(pa.string())
    trades = pa.table(
        {
            "symbol": symbols,
            "exchange_time": stamps,
            "seq": pa.array(seq),
            "price": decimal_array(ticks.price[order]),
            "volume": pa.array(ticks.qty[order]),
            "side": sides,
            "trade_id": trade_id,
        }
    )
    quotes = pa.table(
        {
            "symbol": symbols,
            "exchange_time": stamps,
            "seq": pa.array(seq - 1),
            "bid_px": decimal_array(ticks.bid[order]),
            "bid_sz": pa.array(ticks.bid_size[order]),
            "ask_px": decimal_array(ticks.ask[order]),
            "ask_sz": pa.array(ticks.ask_size[order]),
        }
    )
    n = len(universe)
    eod = pa.table(
        {
            "symbol": pa.array(universe.instrument_id),
            "trade_date": pa.array([day] * n, pa.date32()),
            "open": decimal_array(mday.open),
            "high": decimal_array(ticks.high),
            "low": decimal_array(ticks.low),
            "close": decimal_array(mday.close),
            "prev_close": decimal_array(mday.prev_close),
            "limit_up": decimal_array(mday.limit_up),
            "limit_down": decimal_array(mday.limit_down),
            "volume": pa.array(ticks.volume),
            "turnover": decimal_array(ticks.turnover_fen),
            "suspended": pa.array(mday.suspended.astype(np.int8)),
        }
    )
    folder.mkdir(parents=True, exist_ok=True)
    write_arrow_csv(trades, folder / "trades.csv")
    write_arrow_csv(quotes, folder / "quotes.csv")
    write_arrow_csv(eod, folder / "eod_prices.csv")
    return {"trades": trades.num_rows, "quotes": quotes.num_rows, "eod_prices": eod.num_rows}
