-- Everything a client does themself, one row per act: fund flows (int_aml_fund_flows), their
-- own trades (fills that are not forced liquidations) and device events (logins, orders, cash
-- requests). What the platform books on its own (interest, fees, forced liquidations) is not
-- client activity. Dormant reactivation looks for the last of these before a large flow.

with

fund_flows as (

    select * from {{ ref('int_aml_fund_flows') }}

),

fills as (

    select * from {{ ref('stg_platform__fills') }}

),

accounts as (

    select * from {{ ref('stg_platform__accounts') }}

),

device_events as (

    select * from {{ ref('stg_platform__device_events') }}

),

activity as (

    select
        client_id,
        txn_id as activity_id,
        txn_type as activity_type,
        booking_date as activity_date,
        effective_at as activity_at
    from fund_flows

    union all

    select
        accounts.client_id,
        fills.fill_id as activity_id,
        'fill' as activity_type,
        fills.trade_date as activity_date,
        fills.executed_at as activity_at
    from fills
    inner join accounts
        on fills.account_id = accounts.account_id
    where not coalesce(fills.is_forced_liquidation, false)

    union all

    select
        client_id,
        event_id as activity_id,
        event_type as activity_type,
        business_date as activity_date,
        occurred_at as activity_at
    from device_events

)

select * from activity
