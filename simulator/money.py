"""Exact money and price arithmetic in integer minor units (fen, and cents of a price)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def div_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero, in integers."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    sign = -1 if numerator < 0 else 1
    return sign * ((2 * abs(numerator) + denominator) // (2 * denominator))


def fen_str(value: int) -> str:
    """Integer fen as a decimal string with two places: 123456 -> '1234.56'."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    return f"{sign}{value // 100}.{value % 100:02d}"


def scaled_str(value: int, scale: int) -> str:
    """An integer count of 10**-scale units as a decimal string."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    unit = 10**scale
    return f"{sign}{value // unit}.{value % unit:0{scale}d}"


def mt940_amount(value: int) -> str:
    """Unsigned fen with a decimal comma, the SWIFT way: 123456 -> '1234,56'."""
    value = abs(value)
    return f"{value // 100},{value % 100:02d}"


def decimal_array(units: np.ndarray, scale: int = 2, precision: int = 18) -> pa.Array:
    """Integer units (e.g. cents) as an exact Arrow decimal, without passing through floats."""
    units = np.ascontiguousarray(units, dtype=np.int64)
    words = np.empty((units.size, 2), dtype=np.int64)
    words[:, 0] = units
    words[:, 1] = units >> 63  # sign extension into the high word of the 128-bit value
    return pa.Array.from_buffers(pa.decimal128(precision, scale), units.size, [None, pa.py_buffer(words)])


def round_cents(values: np.ndarray) -> np.ndarray:
    """Float prices in cents to the nearest whole cent (the 0.01 tick)."""
    return np.floor(values + 0.5).astype(np.int64)


def limit_prices(prev_close: np.ndarray, limit_pct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Limit-up and limit-down prices in cents: prev_close x (1 +/- limit), rounded half up to 0.01."""
    up = (2 * prev_close * (100 + limit_pct) + 100) // 200
    down = (2 * prev_close * (100 - limit_pct) + 100) // 200
    return up.astype(np.int64), np.maximum(down, 1).astype(np.int64)
