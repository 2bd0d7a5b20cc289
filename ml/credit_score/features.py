"""Point-in-time credit features of every account at each observation date, from the risk marts.

Every window ends at the observation date: a feature at date d reads only exposure rows with
as_of_date <= d and margin calls issued on or before d (a call's outcome only once resolved on or
before d). `features_as_of` records the latest date any feature of the row read, and the training
gate checks it never passes the observation date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

EXPOSURE = "risk.fct_account_exposure_daily"
MARGIN_CALLS = "risk.fct_margin_calls"
DELINQUENCY = "credit.fct_credit_delinquency_daily"


@dataclass(frozen=True)
class Feature:
    name: str
    code: str
    description: str
    reason_text: str
    categorical: bool = False


CATALOGUE: tuple[Feature, ...] = (
    Feature(
        "leverage",
        "CR01",
        "Total assets / equity at the observation date's close.",
        "Leverage of the account is high.",
    ),
    Feature(
        "maintenance_collateral_ratio",
        "CR02",
        "(Cash + market value) / liabilities at the close; missing without financing.",
        "Collateral cover of the financing is thin.",
    ),
    Feature(
        "distance_to_call",
        "CR03",
        "Uniform price fall that takes the account to its call line.",
        "A small market fall would trigger a margin call.",
    ),
    Feature(
        "largest_position_share",
        "CR04",
        "Largest position's share of market value.",
        "The portfolio is concentrated in one stock.",
    ),
    Feature("hhi", "CR05", "Herfindahl concentration of positions.", "The portfolio is poorly diversified."),
    Feature("position_count", "CR06", "Number of instruments held.", "Few instruments are held."),
    Feature("cash_share", "CR07", "Cash / total assets.", "Little cash is held against the positions."),
    Feature(
        "unrealized_pnl_share",
        "CR08",
        "Unrealized P&L / total assets.",
        "The positions carry unrealized losses.",
    ),
    Feature(
        "max_leverage_20d",
        "CR09",
        "Highest leverage over the last 20 trading days.",
        "Leverage has recently been high.",
    ),
    Feature(
        "min_mcr_20d",
        "CR10",
        "Lowest maintenance collateral ratio over the last 20 trading days.",
        "Collateral cover has recently been thin.",
    ),
    Feature(
        "equity_volatility_20d",
        "CR11",
        "Standard deviation of daily equity returns, 20 trading days.",
        "Account equity has been volatile.",
    ),
    Feature(
        "equity_drawdown_60d",
        "CR12",
        "Equity against its 60-trading-day high (0 = at the high).",
        "Account equity has fallen from its recent high.",
    ),
    Feature(
        "days_in_stress_60d",
        "CR13",
        "Trading days in warning, call or liquidation state, last 60.",
        "The account has recently been near or below its margin lines.",
    ),
    Feature(
        "margin_calls_90d",
        "CR14",
        "Margin calls issued in the last 90 calendar days.",
        "The account has recently received margin calls.",
    ),
    Feature(
        "calls_liquidated_90d",
        "CR15",
        "Calls of the last 90 days already resolved by liquidation.",
        "Recent margin calls ended in forced liquidation.",
    ),
    Feature(
        "days_past_due",
        "CR16",
        "Days past due of the oldest unmet obligation (credit mart).",
        "An obligation is past due.",
    ),
    Feature(
        "product_id",
        "CR18",
        "Margin product of the account.",
        "The margin product carries more risk.",
        categorical=True,
    ),
)
FEATURES = tuple(f.name for f in CATALOGUE)
REASON_CODES = {f.name: f.code for f in CATALOGUE}
REASON_TEXTS = {f.code: f.reason_text for f in CATALOGUE}
DESCRIPTIONS = {f.name: f.description for f in CATALOGUE}

FEATURES_SQL = """
with days as (
    select as_of_date, row_number() over (order by as_of_date) as day_number
    from (select distinct as_of_date from {exposure})
),
exposure as (
    select e.*, d.day_number,
        cast(e.equity as double) as equity_d,
        cast(e.total_assets as double) as total_assets_d
    from {exposure} as e join days as d using (as_of_date)
),
observations as (
    select d.as_of_date as observation_date, d.day_number as observation_day
    from days as d where d.as_of_date in (select unnest(?::date[]))
),
current_rows as (
    select o.observation_date, o.observation_day, e.*
    from observations as o join exposure as e on e.as_of_date = o.observation_date
),
history as (
    select c.account_id, c.observation_date, h.day_number, h.as_of_date, h.equity_d, h.leverage,
        h.maintenance_collateral_ratio, h.risk_state, c.observation_day,
        lag(h.equity_d) over (partition by c.account_id, c.observation_date order by h.day_number)
            as prev_equity
    from current_rows as c
    join exposure as h
        on h.account_id = c.account_id
        and h.day_number between c.observation_day - 59 and c.observation_day
),
windowed as (
    select account_id, observation_date,
        max(case when day_number > observation_day - 20 then cast(leverage as double) end)
            as max_leverage_20d,
        min(case when day_number > observation_day - 20 then cast(maintenance_collateral_ratio as double) end)
            as min_mcr_20d,
        stddev_samp(case when day_number > observation_day - 20 and prev_equity > 0
            then equity_d / prev_equity - 1 end) as equity_volatility_20d,
        max(equity_d) as max_equity_60d,
        count(*) filter (where risk_state in ('warning', 'call', 'liquidating')) as days_in_stress_60d,
        max(as_of_date) as history_as_of
    from history
    group by all
),
calls as (
    select o.observation_date, c.account_id,
        count(*) as margin_calls_90d,
        count(*) filter (
            where c.outcome in ('liquidated', 'deficit') and c.resolved_date <= o.observation_date)
            as calls_liquidated_90d,
        max(c.issued_date) as calls_as_of
    from observations as o
    join {margin_calls} as c
        on c.issued_date <= o.observation_date
        and c.issued_date > o.observation_date - interval 90 day
    group by all
){delinquency_cte}
select
    c.account_id,
    c.client_id,
    c.observation_date,
    cast(c.leverage as double) as leverage,
    cast(c.maintenance_collateral_ratio as double) as maintenance_collateral_ratio,
    cast(c.distance_to_call as double) as distance_to_call,
    cast(c.largest_position_share as double) as largest_position_share,
    cast(c.hhi as double) as hhi,
    cast(c.position_count as double) as position_count,
    case when c.total_assets_d > 0 then cast(c.cash as double) / c.total_assets_d end as cash_share,
    case when c.total_assets_d > 0 then cast(c.unrealized_pnl as double) / c.total_assets_d end
        as unrealized_pnl_share,
    w.max_leverage_20d,
    w.min_mcr_20d,
    w.equity_volatility_20d,
    case when w.max_equity_60d > 0 then c.equity_d / w.max_equity_60d - 1 end as equity_drawdown_60d,
    cast(w.days_in_stress_60d as double) as days_in_stress_60d,
    cast(coalesce(k.margin_calls_90d, 0) as double) as margin_calls_90d,
    cast(coalesce(k.calls_liquidated_90d, 0) as double) as calls_liquidated_90d,
    {dpd_select} as days_past_due,
    c.product_id,
    greatest(w.history_as_of, coalesce(k.calls_as_of, w.history_as_of){dpd_as_of}) as features_as_of
from current_rows as c
join windowed as w using (account_id, observation_date)
left join calls as k using (account_id, observation_date){dpd_join}
order by c.observation_date, c.account_id
"""

DELINQUENCY_CTE = """,
delinquency as (
    select o.observation_date, q.account_id, cast(q.days_past_due as double) as days_past_due,
        q.as_of_date as dpd_as_of
    from observations as o join {delinquency} as q on q.as_of_date = o.observation_date
)"""


def features_sql(with_delinquency: bool) -> str:
    """The feature query; the delinquency mart is joined only where it exists."""
    if with_delinquency:
        return FEATURES_SQL.format(
            exposure=EXPOSURE,
            margin_calls=MARGIN_CALLS,
            delinquency_cte=DELINQUENCY_CTE.format(delinquency=DELINQUENCY),
            dpd_select="coalesce(q.days_past_due, 0)",
            dpd_as_of=", coalesce(q.dpd_as_of, w.history_as_of)",
            dpd_join="\nleft join delinquency as q using (account_id, observation_date)",
        )
    return FEATURES_SQL.format(
        exposure=EXPOSURE,
        margin_calls=MARGIN_CALLS,
        delinquency_cte="",
        dpd_select="cast(null as double)",
        dpd_as_of="",
        dpd_join="",
    )


def has_delinquency(con: duckdb.DuckDBPyConnection) -> bool:
    from ml.common.warehouse import relation_exists

    return relation_exists(con, DELINQUENCY)


def trading_days(con: duckdb.DuckDBPyConnection) -> list[dt.date]:
    return [r[0] for r in con.execute(f"select distinct as_of_date from {EXPOSURE} order by 1").fetchall()]


def weekly_observation_dates(days: list[dt.date]) -> list[dt.date]:
    """The last trading day of each ISO week: one observation per account per week."""
    last: dict[tuple[int, int], dt.date] = {}
    for d in days:
        key = tuple(d.isocalendar())[:2]
        last[key] = max(last.get(key, d), d)
    return sorted(last.values())


def build_features(con: duckdb.DuckDBPyConnection, observation_dates: list[dt.date]) -> pd.DataFrame:
    """One row per account with an exposure row on each observation date."""
    if not observation_dates:
        return empty_features()
    sql = features_sql(has_delinquency(con))
    frame = con.execute(sql, [list(observation_dates)]).df()
    frame["observation_date"] = pd.to_datetime(frame["observation_date"]).dt.date
    frame["features_as_of"] = pd.to_datetime(frame["features_as_of"]).dt.date
    if frame["days_past_due"].isna().all():
        frame["days_past_due"] = frame["days_past_due"].astype(float)
    frame["product_id"] = frame["product_id"].astype("str")
    return frame


def empty_features() -> pd.DataFrame:
    cols = {"account_id": "str", "client_id": "str", "observation_date": "object"}
    cols |= {f.name: ("str" if f.categorical else "float64") for f in CATALOGUE}
    cols["features_as_of"] = "object"
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in cols.items()})
