"""A small synthetic warehouse with the risk marts the credit features read, for fast tests.

Accounts carry a latent riskiness: the risky ones lever up, breach their lines and some end in a
deficit, so the label is learnable; the shape of the tables is that of the real marts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd


def trading_days(start: dt.date, n: int) -> list[dt.date]:
    days, d = [], start
    while len(days) < n:
        if d.weekday() < 5:
            days.append(d)
        d += dt.timedelta(days=1)
    return days


def exposure_frame(
    accounts: int = 120, days: int = 90, seed: int = 0, defaults: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    calendar = trading_days(dt.date(2026, 3, 2), days)
    rows, calls = [], []
    for a in range(accounts):
        risk = rng.random()
        base_leverage = 1.0 + 2.5 * risk
        default_day = None
        if defaults and risk > 0.8 and rng.random() < 0.7:
            default_day = int(rng.integers(25, days))
        equity = 1_000_000.0
        for i, d in enumerate(calendar):
            shock = rng.normal(0, 0.01 + 0.03 * risk)
            equity *= 1 + shock
            leverage = max(
                1.0,
                base_leverage
                + rng.normal(0, 0.1)
                + (0.05 * max(0, i - default_day + 15) if default_day else 0),
            )
            state = "normal"
            if default_day is not None and i >= default_day - 10:
                state = "warning" if i < default_day - 3 else "call"
            if default_day is not None and i == default_day:
                state = "deficit"
            total = equity * leverage
            liabilities = total - equity
            rows.append(
                {
                    "account_id": f"MA{a:08d}",
                    "client_id": f"C{a:07d}",
                    "product_id": "PZ" if risk > 0.5 else "MF",
                    "risk_state": state,
                    "cash": total * 0.1,
                    "total_assets": total,
                    "equity": equity,
                    "unrealized_pnl": equity * shock,
                    "position_count": int(1 + 6 * (1 - risk)),
                    "leverage": leverage,
                    "maintenance_collateral_ratio": total / liabilities if liabilities > 0 else None,
                    "largest_position_share": min(1.0, 0.2 + 0.7 * risk),
                    "hhi": min(1.0, 0.1 + 0.6 * risk),
                    "distance_to_call": max(0.0, 0.6 - 0.5 * risk + rng.normal(0, 0.02)),
                    "as_of_date": d,
                }
            )
            if default_day is not None and i == default_day - 3:
                calls.append(
                    {
                        "call_id": f"MC{a}",
                        "account_id": f"MA{a:08d}",
                        "outcome": "deficit",
                        "issued_date": d,
                        "resolved_date": calendar[min(default_day, days - 1)],
                    }
                )
    return pd.DataFrame(rows), pd.DataFrame(
        calls, columns=["call_id", "account_id", "outcome", "issued_date", "resolved_date"]
    )


def write_warehouse(path: Path, exposure: pd.DataFrame, calls: pd.DataFrame) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists risk")
        con.register("e", exposure)
        con.register("c", calls)
        con.execute("""create or replace table risk.fct_account_exposure_daily as select
            account_id, client_id, product_id, risk_state, cast(cash as decimal(38, 2)) as cash,
            cast(total_assets as decimal(38, 2)) as total_assets, cast(equity as decimal(38, 2)) as equity,
            cast(unrealized_pnl as decimal(38, 2)) as unrealized_pnl,
            cast(position_count as bigint) as position_count,
            cast(leverage as decimal(38, 6)) as leverage,
            cast(maintenance_collateral_ratio as decimal(38, 6)) as maintenance_collateral_ratio,
            cast(largest_position_share as decimal(38, 6)) as largest_position_share,
            cast(hhi as decimal(38, 6)) as hhi,
            cast(distance_to_call as decimal(38, 6)) as distance_to_call,
            cast(as_of_date as date) as as_of_date
            from e""")
        con.execute("""create or replace table risk.fct_margin_calls as select call_id, account_id, outcome,
            cast(issued_date as date) as issued_date, cast(resolved_date as date) as resolved_date from c""")
    return path
