"""Account-day features of fund flows and trading, each from data on or before that day.

One row per account and business date on which the account moved money or traded. The features
describe what monitoring analysts look at: amounts against the account's size, deposits just under
the reporting threshold, round amounts, third-party payers, how many payers and payees, money out
soon after it came in without trading, counterparties and identifiers shared with other clients,
and a sudden return after dormancy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

FUND_FLOWS = "intermediate.int_aml_fund_flows"
FILLS = "staging.stg_platform__fills"
IDENTIFIER_USES = "intermediate.int_aml_identifier_uses"
EXPOSURE = "risk.fct_account_exposure_daily"
RULE_PARAMETERS = "intermediate.int_aml_rule_parameters"
DEFAULT_REPORTING_THRESHOLD = 50_000.0
DEFAULT_LOWER_BAND_SHARE = 0.8


@dataclass(frozen=True)
class Feature:
    name: str
    description: str


CATALOGUE: tuple[Feature, ...] = (
    Feature("deposit_count", "Deposits and top-ups booked on the day."),
    Feature("log_deposit_amount", "ln(1 + deposited CNY) on the day."),
    Feature("withdrawal_count", "Withdrawals booked on the day."),
    Feature("log_withdrawal_amount", "ln(1 + withdrawn CNY) on the day."),
    Feature("near_threshold_deposits", "Deposits just below the large-value reporting threshold."),
    Feature("round_amount_share", "Share of the day's flows that are whole thousands of CNY."),
    Feature(
        "third_party_share", "Share of the day's deposited amount paid by someone other than the client."
    ),
    Feature("distinct_payers_7d", "Distinct payer cards or accounts over the last 7 days."),
    Feature("distinct_payees_7d", "Distinct payee cards or accounts over the last 7 days."),
    Feature("out_in_ratio_3d", "Withdrawn / deposited over the last 3 days (0 without deposits)."),
    Feature("turnover_to_deposits_3d", "Own trading turnover / deposits over the last 3 days."),
    Feature("turnover_to_equity", "Own trading turnover on the day / the previous close's equity."),
    Feature(
        "shared_counterparty_clients_30d", "Other clients using the same bank cards or accounts, 30 days."
    ),
    Feature("shared_identifier_clients_30d", "Other clients sharing a device, IP, card or phone, 30 days."),
    Feature(
        "log_days_since_last_activity", "ln(1 + calendar days since the client's previous flow or trade)."
    ),
)
FEATURES = tuple(f.name for f in CATALOGUE)
DESCRIPTIONS = {f.name: f.description for f in CATALOGUE}

FEATURES_SQL = """
with flows as (
    select account_id, client_id, txn_id, flow_direction, cast(amount as double) as amount, is_third_party,
        counterparty_account_token,
        coalesce(counterparty_account_token, counterparty_name_token) as counterparty,
        booking_date as activity_date
    from {flows}
    where booking_date <= ?::date
),
trades as (
    select account_id, trade_date as activity_date, sum(cast(gross_amount as double)) as turnover
    from {fills}
    where not coalesce(is_forced_liquidation, false) and trade_date <= ?::date
    group by all
),
account_clients as (
    select distinct account_id, client_id from flows
    union
    select distinct account_id, client_id from {exposure}
),
active as (
    select distinct account_id, activity_date from flows
    union
    select distinct account_id, activity_date from trades
),
targets as (
    select a.account_id, ac.client_id, a.activity_date
    from active as a join account_clients as ac using (account_id)
    where a.activity_date between ?::date and ?::date
    qualify row_number() over (partition by a.account_id, a.activity_date order by ac.client_id) = 1
),
day_flows as (
    select t.account_id, t.activity_date,
        count(*) filter (where f.flow_direction = 'in') as deposit_count,
        coalesce(sum(f.amount) filter (where f.flow_direction = 'in'), 0) as deposit_amount,
        count(*) filter (where f.flow_direction = 'out') as withdrawal_count,
        coalesce(sum(f.amount) filter (where f.flow_direction = 'out'), 0) as withdrawal_amount,
        count(*) filter (where f.flow_direction = 'in' and f.amount >= ? * ? and f.amount < ?)
            as near_threshold_deposits,
        avg(case when f.amount % 1000 = 0 then 1.0 else 0.0 end) as round_amount_share,
        coalesce(sum(f.amount) filter (where f.flow_direction = 'in' and f.is_third_party), 0)
            as third_party_amount
    from targets as t
    left join flows as f on f.account_id = t.account_id and f.activity_date = t.activity_date
    group by all
),
recent_flows as (
    select t.account_id, t.activity_date,
        count(distinct f.counterparty) filter (where f.flow_direction = 'in'
            and f.activity_date > t.activity_date - 7) as distinct_payers_7d,
        count(distinct f.counterparty) filter (where f.flow_direction = 'out'
            and f.activity_date > t.activity_date - 7) as distinct_payees_7d,
        coalesce(sum(f.amount) filter (
            where f.flow_direction = 'in' and f.activity_date > t.activity_date - 3), 0)
            as deposits_3d,
        coalesce(sum(f.amount) filter (
            where f.flow_direction = 'out' and f.activity_date > t.activity_date - 3), 0)
            as withdrawals_3d
    from targets as t
    join flows as f on f.account_id = t.account_id
        and f.activity_date between t.activity_date - 29 and t.activity_date
    group by all
),
recent_trades as (
    select t.account_id, t.activity_date,
        coalesce(sum(r.turnover) filter (where r.activity_date > t.activity_date - 3), 0) as turnover_3d,
        coalesce(sum(r.turnover) filter (where r.activity_date = t.activity_date), 0) as turnover_day
    from targets as t
    join trades as r on r.account_id = t.account_id
        and r.activity_date between t.activity_date - 2 and t.activity_date
    group by all
),
previous_equity as (
    select t.account_id, t.activity_date, cast(e.equity as double) as equity
    from targets as t
    asof join {exposure} as e on e.account_id = t.account_id and e.as_of_date < t.activity_date
),
counterparty_uses as (
    select distinct counterparty_account_token as token, client_id, activity_date
    from flows where counterparty_account_token is not null
),
shared_counterparties as (
    select t.account_id, t.activity_date, count(distinct o.client_id) as shared_counterparty_clients_30d
    from targets as t
    join counterparty_uses as mine on mine.client_id = t.client_id
        and mine.activity_date between t.activity_date - 29 and t.activity_date
    join counterparty_uses as o on o.token = mine.token and o.client_id != t.client_id
        and o.activity_date between t.activity_date - 29 and t.activity_date
    group by all
),
identifier_uses as (
    select distinct identifier_type, identifier_token, client_id, used_date
    from {identifier_uses} where used_date <= ?::date
),
shared_identifiers as (
    select t.account_id, t.activity_date, count(distinct o.client_id) as shared_identifier_clients_30d
    from targets as t
    join identifier_uses as mine on mine.client_id = t.client_id
        and (mine.used_date between t.activity_date - 29 and t.activity_date
            or mine.identifier_type = 'phone')
    join identifier_uses as o on o.identifier_type = mine.identifier_type
        and o.identifier_token = mine.identifier_token and o.client_id != t.client_id
        and (o.used_date between t.activity_date - 29 and t.activity_date or o.identifier_type = 'phone')
    group by all
),
client_activity as (
    select distinct client_id, activity_date from flows
    union
    select distinct ac.client_id, r.activity_date
    from trades as r join account_clients as ac using (account_id)
),
dormancy as (
    select t.account_id, t.activity_date, max(c.activity_date) as previous_activity
    from targets as t
    left join client_activity as c on c.client_id = t.client_id and c.activity_date < t.activity_date
    group by all
)
select
    t.account_id,
    t.client_id,
    t.activity_date,
    cast(d.deposit_count as double) as deposit_count,
    ln(1 + d.deposit_amount) as log_deposit_amount,
    cast(d.withdrawal_count as double) as withdrawal_count,
    ln(1 + d.withdrawal_amount) as log_withdrawal_amount,
    cast(d.near_threshold_deposits as double) as near_threshold_deposits,
    coalesce(d.round_amount_share, 0) as round_amount_share,
    case when d.deposit_amount > 0 then d.third_party_amount / d.deposit_amount else 0 end
        as third_party_share,
    cast(coalesce(rf.distinct_payers_7d, 0) as double) as distinct_payers_7d,
    cast(coalesce(rf.distinct_payees_7d, 0) as double) as distinct_payees_7d,
    case when coalesce(rf.deposits_3d, 0) > 0 then least(rf.withdrawals_3d / rf.deposits_3d, 5) else 0 end
        as out_in_ratio_3d,
    case when coalesce(rf.deposits_3d, 0) > 0 then least(coalesce(rt.turnover_3d, 0) / rf.deposits_3d, 20)
        else 1 end as turnover_to_deposits_3d,
    case when pe.equity > 0 then least(coalesce(rt.turnover_day, 0) / pe.equity, 50) else 0 end
        as turnover_to_equity,
    cast(coalesce(sc.shared_counterparty_clients_30d, 0) as double) as shared_counterparty_clients_30d,
    cast(coalesce(si.shared_identifier_clients_30d, 0) as double) as shared_identifier_clients_30d,
    ln(1 + least(coalesce(date_diff('day', dm.previous_activity, t.activity_date), 365), 365))
        as log_days_since_last_activity
from targets as t
join day_flows as d using (account_id, activity_date)
left join recent_flows as rf using (account_id, activity_date)
left join recent_trades as rt using (account_id, activity_date)
left join previous_equity as pe using (account_id, activity_date)
left join shared_counterparties as sc using (account_id, activity_date)
left join shared_identifiers as si using (account_id, activity_date)
left join dormancy as dm using (account_id, activity_date)
order by t.activity_date, t.account_id
"""


def reporting_threshold(con: duckdb.DuckDBPyConnection) -> tuple[float, float]:
    """The structuring rule's threshold T and lower band share in force (latest version)."""
    try:
        row = con.execute(
            f"select reporting_threshold, lower_band_share from {RULE_PARAMETERS} "
            "where rule_id = 'structuring' and reporting_threshold is not null order by effective_from "
            "desc limit 1"
        ).fetchone()
    except duckdb.Error:
        row = None
    if not row:
        return DEFAULT_REPORTING_THRESHOLD, DEFAULT_LOWER_BAND_SHARE
    return float(row[0]), float(row[1] or DEFAULT_LOWER_BAND_SHARE)


def build_features(con: duckdb.DuckDBPyConnection, first_day: dt.date, last_day: dt.date) -> pd.DataFrame:
    """Account-day features for activity dates in [first_day, last_day], reading nothing after last_day."""
    threshold, band = reporting_threshold(con)
    sql = FEATURES_SQL.format(
        flows=FUND_FLOWS, fills=FILLS, identifier_uses=IDENTIFIER_USES, exposure=EXPOSURE
    )
    params = [last_day, last_day, first_day, last_day, band, threshold, threshold, last_day]
    frame = con.execute(sql, params).df()
    frame["activity_date"] = pd.to_datetime(frame["activity_date"]).dt.date
    for col in FEATURES:
        frame[col] = frame[col].astype(float)
    return frame


def activity_days(con: duckdb.DuckDBPyConnection) -> tuple[dt.date, dt.date] | None:
    row = con.execute(f"select min(booking_date), max(booking_date) from {FUND_FLOWS}").fetchone()
    return (row[0], row[1]) if row and row[0] else None
