-- The trading calendar as the market data shows it: every date with end-of-day prices.
with

eod_prices as (

    select * from {{ ref('stg_ticks__eod_prices') }}

),

trading_days as (

    select distinct trade_date as trading_date
    from eod_prices

),

numbered as (

    select
        row_number() over (order by trading_date) as trading_day_number,
        trading_date
    from trading_days

)

select * from numbered
