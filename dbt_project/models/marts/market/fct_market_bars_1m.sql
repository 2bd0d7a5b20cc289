{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['instrument_id', 'bar_start_at'],
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'trade_date'}
    )
}}
-- One-minute bars per instrument, in exchange-local minutes (bar_start_at is the local minute's
-- start in UTC). A bar exists for every minute with a trade or a quote.
--   trades  open / close are the prices of the lowest / highest seq in the minute; volume = sum q;
--           turnover = sum p x q rounded half away from zero to the fen; vwap = sum p x q / sum q
--           exactly (unrounded turnover, divided in integer units, 8 decimals); no trades: null
--           prices and zero volume.
--   quotes  quoted spread of a two-sided quote (bid > 0, ask >= bid) in basis points,
--           (ask - bid) / mid x 10^4 = 20000 x (ask - bid) / (ask + bid), a statistic kept to 12
--           decimals and summed exactly (DOUBLE sums depend on the order rows arrive in),
--           averaged over the minute's two-sided quotes and rounded to 6 decimals; depth = bid
--           size + ask size (shares), averaged over all the minute's quotes by exact division
--           (macros/exact_decimal.sql).
-- Incremental by trade date: an incremental run rebuilds [var('min_date'), var('max_date')).

with

trades as (

    select * from {{ ref('int_trades_bucketed') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('trade_date') }}
    {%- endif %}

),

quotes as (

    select * from {{ ref('int_quotes_bucketed') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('trade_date') }}
    {%- endif %}

),

trade_bars as (

    select
        instrument_id,
        arg_min(price, seq) as open_price,
        max(price) as high_price,
        min(price) as low_price,
        arg_max(price, seq) as close_price,
        sum(quantity) as volume,
        sum(cast(price as decimal(38, 8)) * quantity) as exact_turnover,
        count(*) as trade_count,
        trade_date,
        bar_start_at,
        min(exchange_ts) as first_trade_at,
        max(exchange_ts) as last_trade_at
    from trades
    group by instrument_id, trade_date, bar_start_at

),

quote_measures as (

    select
        instrument_id,
        case
            when bid_price > 0 and ask_price >= bid_price
                then cast(
                    20000 * cast(ask_price - bid_price as double) / cast(ask_price + bid_price as double)
                    as decimal(38, 12)
                )
        end as spread_bps,
        coalesce(bid_size, 0) + coalesce(ask_size, 0) as quote_depth,
        trade_date,
        bar_start_at
    from quotes

),

quote_bars as (

    select
        instrument_id,
        count(*) as quote_count,
        count(spread_bps) as spread_quote_count,
        sum(spread_bps) as spread_bps_sum,
        sum(quote_depth) as depth_sum,
        trade_date,
        bar_start_at
    from quote_measures
    group by instrument_id, trade_date, bar_start_at

),

joined as (

    select
        coalesce(trade_bars.instrument_id, quote_bars.instrument_id) as instrument_id,
        trade_bars.open_price,
        trade_bars.high_price,
        trade_bars.low_price,
        trade_bars.close_price,
        trade_bars.volume,
        trade_bars.exact_turnover,
        trade_bars.trade_count,
        quote_bars.quote_count,
        quote_bars.spread_quote_count,
        quote_bars.spread_bps_sum,
        quote_bars.depth_sum,
        coalesce(trade_bars.trade_date, quote_bars.trade_date) as trade_date,
        coalesce(trade_bars.bar_start_at, quote_bars.bar_start_at) as bar_start_at,
        trade_bars.first_trade_at,
        trade_bars.last_trade_at
    from trade_bars
    full outer join quote_bars
        on
            trade_bars.instrument_id = quote_bars.instrument_id
            and trade_bars.trade_date = quote_bars.trade_date
            and trade_bars.bar_start_at = quote_bars.bar_start_at

),

-- Exact integer units of 10^-8, converted once per bar (the conversion is the costly step).
bar_units as (

    select
        *,
        {{ decimal_to_units('exact_turnover') }} as turnover_units,
        {{ decimal_to_units('volume') }} as volume_units,
        {{ decimal_to_units('depth_sum') }} as depth_units
    from joined

),

final as (

    select
        instrument_id,
        cast(open_price as decimal(18, 8)) as open_price,
        cast(high_price as decimal(18, 8)) as high_price,
        cast(low_price as decimal(18, 8)) as low_price,
        cast(close_price as decimal(18, 8)) as close_price,
        cast(coalesce(volume, 0) as decimal(38, 8)) as volume,
        cast(coalesce(exact_turnover, 0) as decimal(38, 2)) as turnover,
        cast(
            {{ units_to_decimal(divide_units_rounded('turnover_units * 100000000', 'volume_units'), 8) }}
            as decimal(38, 8)
        ) as vwap,
        coalesce(trade_count, 0) as trade_count,
        coalesce(quote_count, 0) as quote_count,
        coalesce(spread_quote_count, 0) as spread_quote_count,
        round(cast(spread_bps_sum as double) / nullif(spread_quote_count, 0), 6) as avg_spread_bps,
        cast(
            {{ units_to_decimal(divide_units_rounded('depth_units', 'quote_count'), 8) }}
            as decimal(38, 8)
        ) as avg_depth,
        trade_date,
        bar_start_at,
        bar_start_at + interval 1 minute as bar_end_at,
        first_trade_at,
        last_trade_at
    from bar_units

)

select * from final
