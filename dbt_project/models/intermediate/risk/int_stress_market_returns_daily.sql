-- The market's daily return, two ways: equal-weighted (the plain average of the instruments'
-- returns) and cap-weighted (weights = market capitalisation at the previous close), over every
-- instrument with a return that day. DOUBLE: statistics, not money.
with

instrument_returns as (

    select * from {{ ref('int_stress_instrument_returns_daily') }}

),

market as (

    select
        trading_day_number,
        count(*) as instrument_count,
        avg(daily_return) as equal_weighted_return,
        sum(daily_return * cast(market_cap_at_prev_close as double))
        / nullif(sum(cast(market_cap_at_prev_close as double)), 0) as cap_weighted_return,
        as_of_date
    from instrument_returns
    group by trading_day_number, as_of_date

)

select * from market
