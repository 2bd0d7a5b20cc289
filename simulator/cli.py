"""Command line: python -m simulator --clients 300 --days 120 ..."""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Sequence

from assets.common.paths import resolve_home
from simulator.config import DEFAULTS, SimulationConfig
from simulator.engine import generate


def parse_args(argv: Sequence[str] | None = None) -> SimulationConfig:
    parser = argparse.ArgumentParser(prog="python -m simulator", description=__doc__)
    parser.add_argument(
        "--home", default=None, help="MARGINLAKE_HOME (default: the environment or ./.marginlake)"
    )
    parser.add_argument("--clients", type=int, default=DEFAULTS.clients)
    parser.add_argument("--instruments", type=int, default=DEFAULTS.instruments)
    parser.add_argument("--days", type=int, default=DEFAULTS.days, help="trading days to simulate")
    parser.add_argument("--seed", type=int, default=DEFAULTS.seed)
    parser.add_argument("--start", type=dt.date.fromisoformat, default=DEFAULTS.start, help="YYYY-MM-DD")
    parser.add_argument(
        "--trades-per-day",
        type=int,
        default=DEFAULTS.trades_per_day,
        help="average prints per instrument and day",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    return SimulationConfig(
        home=resolve_home(args.home),
        clients=args.clients,
        instruments=args.instruments,
        days=args.days,
        seed=args.seed,
        start=args.start,
        trades_per_day=args.trades_per_day,
        quiet=args.quiet,
    )


def main(argv: Sequence[str] | None = None) -> int:
    config = parse_args(argv)
    started = time.perf_counter()
    summary = generate(config)
    elapsed = time.perf_counter() - started
    print(
        f"Simulated {summary.trading_days} trading days ({summary.first_day} .. {summary.last_day}) "
        f"into {summary.home} in {elapsed:.1f} s"
    )
    for table, count in sorted(summary.rows.items()):
        print(f"  {table:<22} {count:>12,}")
    return 0
