{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['instrument_id', 'window_start_at'],
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'trade_date'},
        pre_hook="{{ delete_partition_window('trade_date') }}"
    )
}}
{%- set tz = var('exchange_timezone') -%}
-- Activity of every time-of-day bucket of every instrument session, scored against the same
-- bucket over the instrument's previous sessions (suspended days skipped). Bucket width and
-- lookbacks are the dated surveillance parameters in force on the evaluated day; the history
-- is re-bucketed at that width. A score needs the full lookback (N earlier sessions).
--   volume        z = (V - mean) / sd, sample sd; robust z = (V - median) / (1.4826 x MAD);
--                 a session without trades in the bucket counts as volume 0.
--   spread        z of the bucket's quote-weighted average quoted spread (bps) against the
--                 sessions that had two-sided quotes in the bucket.
--   depth         the bucket's quote-weighted average depth / median of the same over history.
-- Statistics are DOUBLE rounded to 6 decimals. Incremental by trade date: an incremental run
-- deletes [var('min_date'), var('max_date')) and rebuilds it, reading the bars of the sessions
-- the baselines need.

with

sessions as (

    select * from {{ ref('int_surveillance_sessions') }}

),

evaluated_sessions as (

    select * from sessions
    {% if is_incremental() -%}
        where
            {{ in_partition_window('trade_date') }}
    {%- endif %}

),

history_sessions as (

    select
        evaluated_sessions.instrument_id,
        evaluated_sessions.session_number - sessions.session_number as sessions_back,
        evaluated_sessions.trade_date,
        sessions.trade_date as history_date
    from evaluated_sessions
    inner join sessions
        on
            evaluated_sessions.instrument_id = sessions.instrument_id
            and evaluated_sessions.session_number > sessions.session_number
            and evaluated_sessions.session_number - sessions.session_number
            <= evaluated_sessions.lookback_sessions

),

bars as (

    select * from {{ ref('fct_market_bars_1m') }}
    {% if is_incremental() -%}
        where
            trade_date >= coalesce(
                (select min(history_sessions.history_date) as first_history_date from history_sessions),
                cast('{{ var("min_date") }}' as date)
            )
            and trade_date < cast('{{ var("max_date") }}' as date)
    {%- endif %}

),

bucket_sizes as (

    select distinct intraday_bucket_minutes as bucket_minutes
    from evaluated_sessions

),

bucketed_bars as (

    select
        bars.instrument_id,
        bucket_sizes.bucket_minutes,
        (
            hour(timezone('{{ tz }}', bars.bar_start_at)) * 60
            + minute(timezone('{{ tz }}', bars.bar_start_at))
        ) // bucket_sizes.bucket_minutes * bucket_sizes.bucket_minutes as bucket_start_minute,
        bars.volume,
        bars.trade_count,
        bars.quote_count,
        bars.spread_quote_count,
        bars.avg_spread_bps,
        bars.avg_depth,
        bars.trade_date
    from bars
    cross join bucket_sizes

),

bucket_stats as (

    select
        instrument_id,
        bucket_minutes,
        bucket_start_minute,
        sum(volume) as volume,
        sum(trade_count) as trade_count,
        sum(quote_count) as quote_count,
        cast(sum(cast(avg_spread_bps as decimal(38, 6)) * spread_quote_count) as double)
        / nullif(sum(spread_quote_count), 0) as avg_spread_bps,
        cast(sum(avg_depth * quote_count) as double) / nullif(sum(quote_count), 0) as avg_depth,
        trade_date
    from bucketed_bars
    group by instrument_id, trade_date, bucket_minutes, bucket_start_minute

),

evaluated_buckets as (

    select
        bucket_stats.*,
        evaluated_sessions.abnormal_volume_lookback_sessions,
        evaluated_sessions.liquidity_lookback_sessions
    from bucket_stats
    inner join evaluated_sessions
        on
            bucket_stats.instrument_id = evaluated_sessions.instrument_id
            and bucket_stats.trade_date = evaluated_sessions.trade_date
            and bucket_stats.bucket_minutes = evaluated_sessions.intraday_bucket_minutes

),

bucket_history as (

    select
        evaluated_buckets.instrument_id,
        evaluated_buckets.bucket_start_minute,
        history_sessions.sessions_back,
        evaluated_buckets.abnormal_volume_lookback_sessions,
        evaluated_buckets.liquidity_lookback_sessions,
        coalesce(cast(history.volume as double), 0) as volume,
        history.avg_spread_bps,
        history.avg_depth,
        evaluated_buckets.trade_date
    from evaluated_buckets
    inner join history_sessions
        on
            evaluated_buckets.instrument_id = history_sessions.instrument_id
            and evaluated_buckets.trade_date = history_sessions.trade_date
    left join bucket_stats as history
        on
            history_sessions.instrument_id = history.instrument_id
            and history_sessions.history_date = history.trade_date
            and evaluated_buckets.bucket_minutes = history.bucket_minutes
            and evaluated_buckets.bucket_start_minute = history.bucket_start_minute

),

-- The histories as sorted lists: the list aggregates then see the values in a fixed order, so
-- the statistics are identical on every run (parallel DOUBLE sums are not).
histories as (

    select
        instrument_id,
        bucket_start_minute,
        count(*) filter (where sessions_back <= abnormal_volume_lookback_sessions) as volume_sessions,
        list_sort(
            list(volume) filter (where sessions_back <= abnormal_volume_lookback_sessions)
        ) as volume_history,
        count(*) filter (where sessions_back <= liquidity_lookback_sessions) as liquidity_sessions,
        list_sort(
            list(avg_spread_bps) filter (
                where sessions_back <= liquidity_lookback_sessions and avg_spread_bps is not null
            )
        ) as spread_history,
        list_sort(
            list(avg_depth) filter (
                where sessions_back <= liquidity_lookback_sessions and avg_depth is not null
            )
        ) as depth_history,
        trade_date
    from bucket_history
    group by instrument_id, trade_date, bucket_start_minute

),

baselines as (

    select
        instrument_id,
        bucket_start_minute,
        volume_sessions,
        list_avg(volume_history) as volume_mean,
        list_stddev_samp(volume_history) as volume_stddev,
        list_median(volume_history) as volume_median,
        list_median(
            list_transform(volume_history, lambda v: abs(v - list_median(volume_history)))
        ) as volume_mad,
        liquidity_sessions,
        list_avg(spread_history) as spread_mean_bps,
        list_stddev_samp(spread_history) as spread_stddev_bps,
        list_median(depth_history) as depth_median,
        trade_date
    from histories

),

scored as (

    select
        evaluated_buckets.*,
        baselines.volume_sessions,
        baselines.volume_mean,
        baselines.volume_stddev,
        baselines.volume_median,
        baselines.volume_mad,
        baselines.liquidity_sessions,
        baselines.spread_mean_bps,
        baselines.spread_stddev_bps,
        baselines.depth_median,
        case
            when
                baselines.volume_sessions = evaluated_buckets.abnormal_volume_lookback_sessions
                and baselines.volume_stddev > 0
                then
                    (cast(evaluated_buckets.volume as double) - baselines.volume_mean)
                    / baselines.volume_stddev
        end as volume_z,
        case
            when
                baselines.volume_sessions = evaluated_buckets.abnormal_volume_lookback_sessions
                and baselines.volume_mad > 0
                then
                    (cast(evaluated_buckets.volume as double) - baselines.volume_median)
                    / (1.4826 * baselines.volume_mad)
        end as volume_robust_z,
        case
            when
                baselines.liquidity_sessions = evaluated_buckets.liquidity_lookback_sessions
                and baselines.spread_stddev_bps > 0
                then
                    (evaluated_buckets.avg_spread_bps - baselines.spread_mean_bps)
                    / baselines.spread_stddev_bps
        end as spread_z,
        case
            when
                baselines.liquidity_sessions = evaluated_buckets.liquidity_lookback_sessions
                and baselines.depth_median > 0
                then evaluated_buckets.avg_depth / baselines.depth_median
        end as depth_ratio
    from evaluated_buckets
    left join baselines
        on
            evaluated_buckets.instrument_id = baselines.instrument_id
            and evaluated_buckets.trade_date = baselines.trade_date
            and evaluated_buckets.bucket_start_minute = baselines.bucket_start_minute

),

final as (

    select
        instrument_id,
        cast(bucket_minutes as integer) as bucket_minutes,
        cast(bucket_start_minute as integer) as bucket_start_minute,
        cast(volume as decimal(38, 8)) as volume,
        cast(trade_count as bigint) as trade_count,
        cast(quote_count as bigint) as quote_count,
        round(avg_spread_bps, 6) as avg_spread_bps,
        round(avg_depth, 6) as avg_depth,
        cast(coalesce(volume_sessions, 0) as bigint) as volume_sessions,
        round(volume_mean, 6) as volume_mean,
        round(volume_stddev, 6) as volume_stddev,
        round(volume_median, 6) as volume_median,
        round(volume_mad, 6) as volume_mad,
        round(volume_z, 6) as volume_z,
        round(volume_robust_z, 6) as volume_robust_z,
        cast(coalesce(liquidity_sessions, 0) as bigint) as liquidity_sessions,
        round(spread_mean_bps, 6) as spread_mean_bps,
        round(spread_stddev_bps, 6) as spread_stddev_bps,
        round(spread_z, 6) as spread_z,
        round(depth_median, 6) as depth_median,
        round(depth_ratio, 6) as depth_ratio,
        trade_date,
        timezone(
            '{{ tz }}', cast(trade_date as timestamp) + to_minutes(bucket_start_minute)
        ) as window_start_at,
        timezone(
            '{{ tz }}', cast(trade_date as timestamp) + to_minutes(bucket_start_minute + bucket_minutes)
        ) as window_end_at
    from scored

)

select * from final
