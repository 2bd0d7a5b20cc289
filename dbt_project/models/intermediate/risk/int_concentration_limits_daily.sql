-- The concentration limits in force on each trading day: a row of the risk_concentration_limits
-- seed applies on date d when effective_from <= d and (effective_to is null or d < effective_to).
with

limits as (

    select * from {{ ref('risk_concentration_limits') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

limits_in_force as (

    select
        limits.limit_id,
        limits.metric,
        limits.threshold,
        limits.effective_from,
        trading_days.trading_date as as_of_date
    from limits
    inner join trading_days
        on
            limits.effective_from <= trading_days.trading_date
            and (limits.effective_to is null or limits.effective_to > trading_days.trading_date)

)

select * from limits_in_force
