-- Daily simple return of every instrument, close / previous close - 1, from the end-of-day
-- prices, with its market capitalisation at the previous close (the cap weight of the market
-- return). Suspended sessions and sessions without a positive previous close carry no return.
-- Returns are DOUBLE: they feed statistics (betas), never money.
with

eod_prices as (

    select * from {{ ref('stg_ticks__eod_prices') }}

),

instruments as (

    select * from {{ ref('stg_platform__instruments') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

returns as (

    select
        eod_prices.instrument_id,
        trading_days.trading_day_number,
        cast(eod_prices.close_price as double) / cast(eod_prices.prev_close_price as double) - 1
            as daily_return,
        cast(instruments.shares_outstanding * eod_prices.prev_close_price as decimal(38, 2))
            as market_cap_at_prev_close,
        eod_prices.trade_date as as_of_date
    from eod_prices
    inner join trading_days
        on eod_prices.trade_date = trading_days.trading_date
    left join instruments
        on eod_prices.instrument_id = instruments.instrument_id
    where
        not coalesce(eod_prices.is_suspended, false)
        and eod_prices.prev_close_price > 0
        and eod_prices.close_price is not null

)

select * from returns
