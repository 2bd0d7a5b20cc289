"""The listed universe: XSHG stocks on the main, STAR and ST boards with their margin terms."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from simulator.names import COMPANY_WORDS
from simulator.rng import stream

SECTORS = (
    "Financials",
    "Technology",
    "Healthcare",
    "Consumer",
    "Industrials",
    "Materials",
    "Energy",
    "Utilities",
    "Real Estate",
)
_SECTOR_WORDS = {
    "Financials": ("Bank", "Securities", "Insurance"),
    "Technology": ("Micro", "Semicon", "Software"),
    "Healthcare": ("Pharma", "Bio", "Medical"),
    "Consumer": ("Foods", "Liquor", "Retail"),
    "Industrials": ("Machinery", "Shipping", "Heavy Ind"),
    "Materials": ("Steel", "Chemical", "Mining"),
    "Energy": ("Energy", "Petro", "Coal"),
    "Utilities": ("Power", "Water", "Gas"),
    "Real Estate": ("Realty", "Land", "Property"),
}
BOARDS = ("main", "star", "st")
BOARD_LIMIT_PCT = {"main": 10, "star": 20, "st": 5}
BOARD_LOT = {"main": 100, "star": 200, "st": 100}


@dataclass
class Universe:
    """Column arrays, one entry per instrument, in a fixed order (the instrument index)."""

    instrument_id: list[str]
    symbol: list[str]
    name: list[str]
    board: list[str]
    sector: np.ndarray  # index into SECTORS
    limit_pct: np.ndarray  # whole percent: 10, 20, 5
    lot: np.ndarray
    beta: np.ndarray
    sigma: np.ndarray  # daily idiosyncratic volatility
    liquidity: np.ndarray  # relative print intensity, mean 1
    haircut_bp: np.ndarray  # conversion rate in basis points (0.6500 -> 6500)
    marginable: np.ndarray
    shares_outstanding: np.ndarray
    listed_date: list[dt.date]
    initial_close: np.ndarray  # cents

    def __len__(self) -> int:
        return len(self.instrument_id)


def _board_counts(n: int) -> tuple[int, int, int]:
    st = max(1, round(n * 0.04)) if n >= 5 else 0
    star = max(1, round(n * 0.2)) if n >= 3 else 0
    return n - st - star, star, st


def build_universe(seed: int, n: int) -> Universe:
    rng = stream(seed, "instruments")
    n_main, n_star, n_st = _board_counts(n)
    boards = ["main"] * n_main + ["star"] * n_star + ["st"] * n_st
    main_pool = np.concatenate([np.arange(600000, 604000), np.arange(605000, 606000)])
    main_codes = rng.choice(main_pool, size=n_main + n_st, replace=False)
    star_codes = rng.choice(np.arange(688000, 689000), size=n_star, replace=False)
    codes = list(main_codes[:n_main]) + list(star_codes) + list(main_codes[n_main:])
    sector_weights = np.array([0.16, 0.16, 0.12, 0.14, 0.14, 0.1, 0.07, 0.05, 0.06])
    tech_weights = np.array([0.0, 0.6, 0.3, 0.0, 0.1, 0.0, 0.0, 0.0, 0.0])
    sector = np.empty(n, dtype=np.int64)
    beta = np.empty(n)
    sigma = np.empty(n)
    price = np.empty(n)
    haircut = np.empty(n, dtype=np.int64)
    shares = np.empty(n, dtype=np.int64)
    listed: list[dt.date] = []
    names: list[str] = []
    for i, board in enumerate(boards):
        weights = tech_weights if board == "star" else sector_weights
        sector[i] = rng.choice(len(SECTORS), p=weights / weights.sum())
        if board == "main":
            beta[i] = np.clip(rng.normal(1.0, 0.2), 0.5, 1.6)
            sigma[i] = rng.uniform(0.012, 0.022)
            price[i] = np.clip(np.exp(rng.normal(np.log(12), 0.8)), 2.5, 400)
            haircut[i] = int(rng.integers(50, 71)) * 100
            shares[i] = int(10 ** rng.uniform(8.5, 10.3)) // 10_000 * 10_000
            listed_year = int(rng.integers(1995, 2023))
        elif board == "star":
            beta[i] = np.clip(rng.normal(1.3, 0.2), 0.8, 1.9)
            sigma[i] = rng.uniform(0.02, 0.032)
            price[i] = np.clip(np.exp(rng.normal(np.log(40), 0.7)), 8, 600)
            haircut[i] = int(rng.integers(40, 56)) * 100
            shares[i] = int(10 ** rng.uniform(8.0, 9.3)) // 10_000 * 10_000
            listed_year = int(rng.integers(2019, 2025))
        else:
            beta[i] = np.clip(rng.normal(0.9, 0.2), 0.5, 1.4)
            sigma[i] = rng.uniform(0.018, 0.028)
            price[i] = np.clip(np.exp(rng.normal(np.log(3), 0.4)), 1.2, 8)
            haircut[i] = 3000
            shares[i] = int(10 ** rng.uniform(8.3, 9.5)) // 10_000 * 10_000
            listed_year = int(rng.integers(1996, 2016))
        listed.append(dt.date(listed_year, int(rng.integers(1, 13)), int(rng.integers(1, 29))))
        words = _SECTOR_WORDS[SECTORS[sector[i]]]
        base = f"{COMPANY_WORDS[rng.integers(len(COMPANY_WORDS))]} {words[rng.integers(len(words))]}"
        names.append(("*ST " if rng.random() < 0.5 else "ST ") + base if board == "st" else base)
    liquidity = np.exp(rng.normal(0.0, 0.7, n))
    liquidity *= np.array([{"main": 1.0, "star": 1.2, "st": 0.5}[b] for b in boards])
    liquidity /= liquidity.mean()
    marginable = np.array([b != "st" for b in boards]) & (rng.random(n) > 0.12)
    return Universe(
        instrument_id=[f"{c}.XSHG" for c in codes],
        symbol=[f"{c}" for c in codes],
        name=names,
        board=boards,
        sector=sector,
        limit_pct=np.array([BOARD_LIMIT_PCT[b] for b in boards], dtype=np.int64),
        lot=np.array([BOARD_LOT[b] for b in boards], dtype=np.int64),
        beta=beta,
        sigma=sigma,
        liquidity=liquidity,
        haircut_bp=haircut,
        marginable=marginable,
        shares_outstanding=shares,
        listed_date=listed,
        initial_close=np.round(price * 100).astype(np.int64),
    )
