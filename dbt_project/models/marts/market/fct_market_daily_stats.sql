{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['instrument_id', 'trade_date'],
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'trade_date'}
    )
}}
-- Daily market statistics per instrument and trading day (every end-of-day row, suspended days
-- included). Prices and money are DECIMAL; statistics are DOUBLE, rounded as documented.
--   daily_log_return  r = ln(close / prev_close), the official closes.
--   realized variance on a 5-minute grid of exchange-local time: the grid price of a bucket is the
--                     close of its last bar with trades; r_i = ln(p_i / p_(i-1)) between
--                     consecutive buckets with trades within the day (the first bucket has no
--                     return); RV = sum r_i^2, realized vol = sqrt(RV), annualized sqrt(252 x RV).
--   amihud            |r| / turnover x 10^6: absolute return per million of turnover.
--   avg spread        quote-weighted mean of the minute bars' average quoted spreads (bps).
-- Incremental by trade date: an incremental run rebuilds [var('min_date'), var('max_date')).

with

eod_prices as (

    select * from {{ ref('int_eod_prices_sequenced') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('trade_date') }}
    {%- endif %}

),

bars as (

    select * from {{ ref('fct_market_bars_1m') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('trade_date') }}
    {%- endif %}

),

bar_totals as (

    select
        instrument_id,
        sum(volume) as volume,
        sum(turnover) as turnover,
        sum(trade_count) as trade_count,
        sum(cast(avg_spread_bps as decimal(38, 6)) * spread_quote_count) as weighted_spread_bps_sum,
        sum(spread_quote_count) as spread_quote_count,
        trade_date
    from bars
    group by instrument_id, trade_date

),

grid_prices as (

    select
        instrument_id,
        arg_max(close_price, bar_start_at) as grid_price,
        trade_date,
        time_bucket(
            interval 5 minute, timezone('{{ var("exchange_timezone") }}', bar_start_at)
        ) as grid_bucket_local
    from bars
    where trade_count > 0
    group by instrument_id, trade_date, grid_bucket_local

),

grid_returns as (

    select
        instrument_id,
        ln(cast(grid_price as double))
        - ln(cast(lag(grid_price) over (
            partition by instrument_id, trade_date order by grid_bucket_local
        ) as double)) as grid_log_return,
        trade_date
    from grid_prices

),

realized as (

    select
        instrument_id,
        count(grid_log_return) as realized_return_count,
        sum(grid_log_return * grid_log_return) as realized_variance,
        trade_date
    from grid_returns
    group by instrument_id, trade_date

),

daily as (

    select
        eod_prices.instrument_id,
        eod_prices.close_price,
        eod_prices.prev_close_price,
        eod_prices.limit_up_price,
        eod_prices.limit_down_price,
        coalesce(bar_totals.volume, 0) as volume,
        coalesce(bar_totals.turnover, 0) as turnover,
        coalesce(bar_totals.trade_count, 0) as trade_count,
        case
            when eod_prices.close_price > 0 and eod_prices.prev_close_price > 0
                then
                    ln(cast(eod_prices.close_price as double))
                    - ln(cast(eod_prices.prev_close_price as double))
        end as daily_log_return,
        coalesce(realized.realized_return_count, 0) as realized_return_count,
        case when realized.realized_return_count > 0 then realized.realized_variance end as realized_variance,
        bar_totals.weighted_spread_bps_sum,
        bar_totals.spread_quote_count,
        eod_prices.is_suspended,
        eod_prices.trade_date
    from eod_prices
    left join bar_totals
        on
            eod_prices.instrument_id = bar_totals.instrument_id
            and eod_prices.trade_date = bar_totals.trade_date
    left join realized
        on
            eod_prices.instrument_id = realized.instrument_id
            and eod_prices.trade_date = realized.trade_date

),

final as (

    select
        instrument_id,
        cast(close_price as decimal(18, 8)) as close_price,
        cast(prev_close_price as decimal(18, 8)) as prev_close_price,
        cast(limit_up_price as decimal(18, 8)) as limit_up_price,
        cast(limit_down_price as decimal(18, 8)) as limit_down_price,
        cast(volume as decimal(38, 8)) as volume,
        cast(turnover as decimal(38, 2)) as turnover,
        cast(trade_count as bigint) as trade_count,
        round(daily_log_return, 10) as daily_log_return,
        cast(realized_return_count as bigint) as realized_return_count,
        round(realized_variance, 12) as realized_variance,
        round(sqrt(realized_variance), 10) as realized_volatility,
        round(sqrt(252 * realized_variance), 10) as annualized_realized_volatility,
        case
            when turnover > 0
                then round(abs(daily_log_return) / cast(turnover as double) * 1000000, 12)
        end as amihud_illiquidity,
        round(cast(weighted_spread_bps_sum as double) / nullif(spread_quote_count, 0), 6) as avg_spread_bps,
        coalesce(is_suspended, false) as is_suspended,
        coalesce(close_price >= limit_up_price, false) as is_limit_up_close,
        coalesce(close_price <= limit_down_price, false) as is_limit_down_close,
        trade_date
    from daily

)

select * from final
