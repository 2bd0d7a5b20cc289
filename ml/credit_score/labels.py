"""The credit label: default within a horizon of trading days after the observation date.

Default is a forced liquidation ending in a deficit (the account's equity below zero at a close,
risk_state 'deficit', or a margin call resolved with outcome 'deficit') or 90+ days past due in
the credit delinquency mart. The horizon counts trading days of the exposure mart. An observation
whose horizon runs past the last built day is immature: its label is unknown and it is not used
for training. An account already in default on the observation date is excluded.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from ml.credit_score.features import DELINQUENCY, EXPOSURE, MARGIN_CALLS, has_delinquency

DEFINITION = (
    "Default within {h} trading days after the observation date: a forced liquidation ending in a deficit "
    "(equity below zero at a close, or a margin call resolved as 'deficit') or {dpd}+ days past due. "
    "Accounts already in default on the observation date are excluded; observations whose horizon is not yet "
    "over are not used."
)

LABELS_SQL = """
with days as (
    select as_of_date, row_number() over (order by as_of_date) as day_number
    from (select distinct as_of_date from {exposure})
),
events as (
    select account_id, as_of_date as event_date from {exposure} where risk_state = 'deficit'
    union all
    select account_id, resolved_date from {margin_calls}
    where outcome = 'deficit' and resolved_date is not null
    {dpd_events}
),
event_days as (
    select e.account_id, min(d.day_number) as first_day, list(distinct d.day_number) as event_day_numbers
    from events as e join days as d on d.as_of_date = e.event_date
    group by all
),
observations as (
    select d.as_of_date as observation_date, d.day_number as observation_day
    from days as d where d.as_of_date in (select unnest(?::date[]))
),
pairs as (
    select o.observation_date, o.observation_day, e.account_id
    from observations as o join {exposure} as e on e.as_of_date = o.observation_date
)
select
    p.account_id,
    p.observation_date,
    p.observation_day + ? <= (select max(day_number) from days) as is_mature,
    coalesce(ev.first_day <= p.observation_day, false) as is_defaulted_already,
    cast(coalesce(
        list_filter(ev.event_day_numbers, x -> x > p.observation_day and x <= p.observation_day + ?) != [],
        false
    ) as integer) as is_default
from pairs as p left join event_days as ev using (account_id)
"""


def labels_sql(with_delinquency: bool, dpd_threshold: int) -> str:
    dpd = (
        f"union all select account_id, as_of_date from {DELINQUENCY} where days_past_due >= "
        f"{int(dpd_threshold)}"
        if with_delinquency
        else ""
    )
    return LABELS_SQL.format(exposure=EXPOSURE, margin_calls=MARGIN_CALLS, dpd_events=dpd)


def build_labels(
    con: duckdb.DuckDBPyConnection,
    observation_dates: list[dt.date],
    horizon_days: int,
    dpd_threshold: int = 90,
) -> pd.DataFrame:
    sql = labels_sql(has_delinquency(con), dpd_threshold)
    frame = con.execute(sql, [list(observation_dates), horizon_days, horizon_days]).df()
    frame["observation_date"] = pd.to_datetime(frame["observation_date"]).dt.date
    return frame
