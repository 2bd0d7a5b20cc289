"""Knobs of one simulated platform and the summary handed back after a run."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from assets.common.paths import resolve_home

RISK_PROFILES: tuple[str, ...] = ("conservative", "normal", "aggressive", "reckless")


@dataclass(frozen=True)
class Defaults:
    """The default scale: a few hundred clients over about six months of trading days."""

    clients: int = 300
    instruments: int = 40
    days: int = 120
    seed: int = 42
    start: dt.date = dt.date(2026, 3, 2)
    trades_per_day: int = 200


DEFAULTS = Defaults()


@dataclass(frozen=True)
class SimulationConfig:
    """Everything that shapes the generated platform; equal configs give byte-identical files.

    `risk_mix` weights the hidden profiles in RISK_PROFILES order; `leveraged_share` is the share of
    clients on the off-exchange leveraged products (PZ_*), which is what makes a sell-off bite.
    """

    home: Path | str | os.PathLike[str] | None = None
    clients: int = DEFAULTS.clients
    instruments: int = DEFAULTS.instruments
    days: int = DEFAULTS.days
    seed: int = DEFAULTS.seed
    start: dt.date | str = DEFAULTS.start
    trades_per_day: int = DEFAULTS.trades_per_day
    risk_mix: tuple[float, float, float, float] = (0.30, 0.52, 0.13, 0.05)
    leveraged_share: float = 0.1
    selloff: bool = True
    recon_break_rate: float = 0.012
    aml_share: float = 0.004
    seeds_dir: Path | None = None
    quiet: bool = False

    def __post_init__(self) -> None:
        # Accept what a command line hands over (strings), keep typed values afterwards.
        object.__setattr__(self, "home", resolve_home(self.home))
        if isinstance(self.start, str):
            object.__setattr__(self, "start", dt.date.fromisoformat(self.start))
        if self.seeds_dir is not None:
            object.__setattr__(self, "seeds_dir", Path(self.seeds_dir))
        if self.clients < 1 or self.instruments < 2 or self.days < 2:
            raise ValueError("A simulation needs at least 1 client, 2 instruments and 2 trading days.")
        if self.trades_per_day < 2:
            raise ValueError("trades_per_day must be at least 2 (an opening and a closing print).")
        if len(self.risk_mix) != len(RISK_PROFILES) or min(self.risk_mix) < 0 or sum(self.risk_mix) <= 0:
            raise ValueError(f"risk_mix needs {len(RISK_PROFILES)} non-negative weights, not all zero.")
        if not 0 <= self.leveraged_share <= 1:
            raise ValueError("leveraged_share must be between 0 and 1.")


@dataclass
class SimulationSummary:
    """What a run wrote: row counts per table and the folders and truth files it produced."""

    home: Path
    first_day: dt.date
    last_day: dt.date
    trading_days: int
    rows: dict[str, int] = field(default_factory=dict)
    landing: Path | None = None
    truth: Path | None = None
    truth_files: dict[str, Path] = field(default_factory=dict)

    def add(self, table: str, count: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + count
