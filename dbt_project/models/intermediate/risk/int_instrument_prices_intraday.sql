{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['instrument_id', 'snapshot_at'],
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'trading_date'},
        pre_hook="{{ delete_partition_window('trading_date') }}"
    )
}}
-- Incremental by trading day (a table rebuilt over all history cost every day's run the whole
-- history of prints): a run rebuilds the days in [var('min_date'), var('max_date')), each from its
-- own prints, close and snapshots; a full build covers all days.
-- Every instrument's price at each intraday risk snapshot of the days it has an end-of-day row:
-- the last trade print at or before the snapshot on that trading day, or the previous close
-- while the instrument has not traded yet that day (or all day: suspended). Each print is put
-- in the bucket of the first snapshot at or after it (an ASOF join), the last print of each
-- bucket is kept, and buckets without prints carry the previous one forward.
with

trades as (

    select * from {{ ref('stg_ticks__trades') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('business_date') }}
            and {{ in_partition_window('trade_date') }}
    {%- endif %}

),

eod_prices as (

    select * from {{ ref('stg_ticks__eod_prices') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('trade_date') }}
    {%- endif %}

),

snapshot_times as (

    select * from {{ ref('int_risk_snapshot_times') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('trading_date') }}
    {%- endif %}

),

bucketed_trades as (

    select
        trades.instrument_id,
        trades.seq,
        trades.price,
        trades.trade_date as trading_date,
        trades.exchange_ts,
        snapshot_times.snapshot_at
    from trades
    asof inner join snapshot_times
        on
            trades.trade_date = snapshot_times.trading_date
            and trades.exchange_ts <= snapshot_times.snapshot_at

),

bucket_last_prints as (

    select
        instrument_id,
        arg_max(price, { 'exchange_ts': exchange_ts, 'seq': seq }) as last_trade_price,
        trading_date,
        max(exchange_ts) as last_trade_at,
        snapshot_at
    from bucketed_trades
    group by instrument_id, trading_date, snapshot_at

),

instrument_snapshots as (

    select
        eod_prices.instrument_id,
        eod_prices.prev_close_price,
        eod_prices.trade_date as trading_date,
        snapshot_times.snapshot_at
    from eod_prices
    inner join snapshot_times
        on eod_prices.trade_date = snapshot_times.trading_date

),

carried as (

    select
        instrument_snapshots.instrument_id,
        instrument_snapshots.prev_close_price,
        last_value(bucket_last_prints.last_trade_price ignore nulls) over carry_forward as last_trade_price,
        instrument_snapshots.trading_date,
        last_value(bucket_last_prints.last_trade_at ignore nulls) over carry_forward as last_trade_at,
        instrument_snapshots.snapshot_at
    from instrument_snapshots
    left join bucket_last_prints
        on
            instrument_snapshots.instrument_id = bucket_last_prints.instrument_id
            and instrument_snapshots.trading_date = bucket_last_prints.trading_date
            and instrument_snapshots.snapshot_at = bucket_last_prints.snapshot_at
    window carry_forward as (
        partition by instrument_snapshots.instrument_id, instrument_snapshots.trading_date
        order by instrument_snapshots.snapshot_at
        rows between unbounded preceding and current row
    )

),

final as (

    select
        instrument_id,
        case when last_trade_price is null then 'previous_close' else 'last_trade' end as price_source,
        coalesce(last_trade_price, prev_close_price) as price,
        last_trade_price,
        prev_close_price,
        trading_date,
        last_trade_at,
        snapshot_at
    from carried

)

select * from final
