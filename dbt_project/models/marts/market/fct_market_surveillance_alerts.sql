{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['alert_id'],
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'trade_date'},
        pre_hook="{{ delete_partition_window('trade_date') }}"
    )
}}
{%- set tz = var('exchange_timezone') -%}
-- Market surveillance alerts, one schema for every alert type, with the dated parameters in force
-- on the alert's trade date (int_surveillance_sessions).
--   abnormal_volume(_robust), spread_widening, depth_drop   a time-of-day bucket whose score in
--       fct_market_intraday_buckets reaches its threshold (depth: falls below its fraction).
--   flash_move   |ln(p_t / p_(t - w))| >= band: p the bar close, p_(t - w) the close of the last
--       traded bar starting at least w minutes earlier the same day; flagged bars at most w
--       minutes apart form one episode, reported at its largest move.
--   limit_up_lock / limit_down_lock   closed at the limit, and at least a share of the day's
--       volume traded in minutes spent entirely at that limit (bar high = limit-down, or bar
--       low = limit-up).
-- metric_value is compared with threshold; score = metric_value / threshold (|log return| for
-- flash moves, threshold / metric_value for depth drops), so every alert scores >= 1.
-- Prices in the reasons are printed without trailing zeros. Incremental by trade date: an
-- incremental run deletes the alerts of [var('min_date'), var('max_date')) and evaluates those
-- dates again, so a date rebuilt under new parameters keeps no stale alert.

with

evaluated_sessions as (

    select * from {{ ref('int_surveillance_sessions') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('trade_date') }}
    {%- endif %}

),

buckets as (

    select * from {{ ref('fct_market_intraday_buckets') }}
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

-- Time-of-day buckets ------------------------------------------------------------------------

scored_buckets as (

    select
        buckets.*,
        evaluated_sessions.abnormal_volume_parameters_version,
        evaluated_sessions.liquidity_parameters_version,
        evaluated_sessions.abnormal_volume_lookback_sessions,
        evaluated_sessions.abnormal_volume_z_threshold,
        evaluated_sessions.abnormal_volume_robust_z_threshold,
        evaluated_sessions.liquidity_lookback_sessions,
        evaluated_sessions.spread_z_threshold,
        evaluated_sessions.depth_median_fraction,
        strftime(timezone('{{ tz }}', buckets.window_start_at), '%H:%M') as bucket_start_label,
        strftime(timezone('{{ tz }}', buckets.window_end_at), '%H:%M') as bucket_end_label
    from buckets
    inner join evaluated_sessions
        on
            buckets.instrument_id = evaluated_sessions.instrument_id
            and buckets.trade_date = evaluated_sessions.trade_date

),

abnormal_volume as (

    select
        instrument_id,
        'abnormal_volume' as alert_type,
        printf(
            'Volume of %.0f in the %s-%s bucket was %.2f standard deviations above its mean of %.1f '
            || 'over the previous %d sessions (alert at %.2f).',
            volume, bucket_start_label, bucket_end_label, volume_z, volume_mean,
            abnormal_volume_lookback_sessions, abnormal_volume_z_threshold
        ) as reason,
        abnormal_volume_parameters_version as parameters_version,
        volume_z as metric_value,
        abnormal_volume_z_threshold as threshold,
        volume_z / abnormal_volume_z_threshold as score,
        trade_date,
        window_start_at,
        window_end_at
    from scored_buckets
    where volume_z >= abnormal_volume_z_threshold

),

abnormal_volume_robust as (

    select
        instrument_id,
        'abnormal_volume_robust' as alert_type,
        printf(
            'Volume of %.0f in the %s-%s bucket had a robust z-score of %.2f against its median of %.1f '
            || 'and MAD of %.1f over the previous %d sessions (alert at %.2f).',
            volume, bucket_start_label, bucket_end_label, volume_robust_z, volume_median, volume_mad,
            abnormal_volume_lookback_sessions, abnormal_volume_robust_z_threshold
        ) as reason,
        abnormal_volume_parameters_version as parameters_version,
        volume_robust_z as metric_value,
        abnormal_volume_robust_z_threshold as threshold,
        volume_robust_z / abnormal_volume_robust_z_threshold as score,
        trade_date,
        window_start_at,
        window_end_at
    from scored_buckets
    where volume_robust_z >= abnormal_volume_robust_z_threshold

),

spread_widening as (

    select
        instrument_id,
        'spread_widening' as alert_type,
        printf(
            'The average quoted spread of %.2f bps in the %s-%s bucket was %.2f standard deviations '
            || 'above its mean of %.2f bps over the previous %d sessions (alert at %.2f).',
            avg_spread_bps, bucket_start_label, bucket_end_label, spread_z, spread_mean_bps,
            liquidity_lookback_sessions, spread_z_threshold
        ) as reason,
        liquidity_parameters_version as parameters_version,
        spread_z as metric_value,
        spread_z_threshold as threshold,
        spread_z / spread_z_threshold as score,
        trade_date,
        window_start_at,
        window_end_at
    from scored_buckets
    where spread_z >= spread_z_threshold

),

depth_drop as (

    select
        instrument_id,
        'depth_drop' as alert_type,
        printf(
            'The average depth at the best bid and ask of %.0f in the %s-%s bucket was %.1f%% of its '
            || 'median of %.0f over the previous %d sessions (alert below %.1f%%).',
            avg_depth, bucket_start_label, bucket_end_label, 100 * depth_ratio, depth_median,
            liquidity_lookback_sessions, 100 * depth_median_fraction
        ) as reason,
        liquidity_parameters_version as parameters_version,
        depth_ratio as metric_value,
        depth_median_fraction as threshold,
        case when depth_ratio > 0 then depth_median_fraction / depth_ratio end as score,
        trade_date,
        window_start_at,
        window_end_at
    from scored_buckets
    where depth_ratio < depth_median_fraction

),

-- Flash moves --------------------------------------------------------------------------------

traded_bars as (

    select
        instrument_id,
        close_price,
        trade_date,
        bar_start_at
    from bars
    where trade_count > 0

),

flash_returns as (

    select
        traded_bars.instrument_id,
        evaluated_sessions.flash_move_parameters_version,
        ln(cast(traded_bars.close_price as double))
        - ln(cast(reference.close_price as double)) as log_return,
        reference.close_price as reference_price,
        traded_bars.close_price,
        evaluated_sessions.flash_move_window_minutes,
        evaluated_sessions.flash_move_log_return_threshold,
        traded_bars.trade_date,
        reference.bar_start_at as reference_bar_start_at,
        traded_bars.bar_start_at
    from traded_bars
    inner join evaluated_sessions
        on
            traded_bars.instrument_id = evaluated_sessions.instrument_id
            and traded_bars.trade_date = evaluated_sessions.trade_date
    asof inner join traded_bars as reference
        on
            traded_bars.instrument_id = reference.instrument_id
            and traded_bars.trade_date = reference.trade_date
            and traded_bars.bar_start_at - to_minutes(evaluated_sessions.flash_move_window_minutes)
            >= reference.bar_start_at

),

flash_flags as (

    select
        *,
        case
            when
                lag(bar_start_at) over (partition by instrument_id, trade_date order by bar_start_at)
                >= bar_start_at - to_minutes(flash_move_window_minutes)
                then 0
            else 1
        end as starts_episode
    from flash_returns
    where abs(log_return) >= flash_move_log_return_threshold

),

flash_episodes as (

    select
        *,
        sum(starts_episode) over (
            partition by instrument_id, trade_date
            order by bar_start_at
            rows between unbounded preceding and current row
        ) as episode_number
    from flash_flags

),

flash_peaks as (

    select
        *,
        min(reference_bar_start_at) over (
            partition by instrument_id, trade_date, episode_number
        ) as episode_reference_bar_start_at,
        max(bar_start_at)
            over (partition by instrument_id, trade_date, episode_number)
            as episode_last_bar_start_at
    from flash_episodes
    qualify row_number() over (
        partition by instrument_id, trade_date, episode_number
        order by abs(log_return) desc, bar_start_at asc
    ) = 1

),

flash_move as (

    select
        instrument_id,
        'flash_move' as alert_type,
        printf(
            'The price %s from %s (close of the %s bar) to %s (close of the %s bar), a log return of '
            || '%.4f over at least %d minutes, beyond the band of %.4f either way.',
            case when log_return < 0 then 'fell' else 'rose' end,
            rtrim(rtrim(cast(reference_price as varchar), '0'), '.'),
            strftime(timezone('{{ tz }}', reference_bar_start_at), '%H:%M'),
            rtrim(rtrim(cast(close_price as varchar), '0'), '.'),
            strftime(timezone('{{ tz }}', bar_start_at), '%H:%M'),
            log_return, flash_move_window_minutes, flash_move_log_return_threshold
        ) as reason,
        flash_move_parameters_version as parameters_version,
        log_return as metric_value,
        flash_move_log_return_threshold as threshold,
        abs(log_return) / flash_move_log_return_threshold as score,
        trade_date,
        episode_reference_bar_start_at + interval 1 minute as window_start_at,
        episode_last_bar_start_at + interval 1 minute as window_end_at
    from flash_peaks

),

-- Limit locks --------------------------------------------------------------------------------

limit_minutes as (

    select
        bars.instrument_id,
        sides.side,
        bars.volume,
        case sides.side
            when 'down' then bars.high_price <= evaluated_sessions.limit_down_price
            else bars.low_price >= evaluated_sessions.limit_up_price
        end as is_at_limit,
        bars.trade_date,
        bars.bar_start_at
    from bars
    inner join evaluated_sessions
        on
            bars.instrument_id = evaluated_sessions.instrument_id
            and bars.trade_date = evaluated_sessions.trade_date
    cross join (values ('down'), ('up')) as sides (side)
    where bars.trade_count > 0

),

limit_days as (

    select
        instrument_id,
        side,
        sum(volume) as day_volume,
        coalesce(sum(volume) filter (where is_at_limit), 0) as limit_volume,
        count(*) filter (where is_at_limit) as limit_minute_count,
        trade_date,
        min(bar_start_at) filter (where is_at_limit) as first_limit_bar_at,
        max(bar_start_at) filter (where is_at_limit) + interval 1 minute as last_limit_bar_end_at
    from limit_minutes
    group by instrument_id, trade_date, side

),

limit_shares as (

    select
        limit_days.*,
        evaluated_sessions.limit_lock_parameters_version,
        case limit_days.side
            when 'down' then evaluated_sessions.limit_down_price
            else evaluated_sessions.limit_up_price
        end as limit_price,
        cast(limit_days.limit_volume as double) / cast(limit_days.day_volume as double) as limit_share,
        evaluated_sessions.limit_lock_min_volume_share,
        case limit_days.side
            when 'down' then evaluated_sessions.close_price <= evaluated_sessions.limit_down_price
            else evaluated_sessions.close_price >= evaluated_sessions.limit_up_price
        end as is_limit_close
    from limit_days
    inner join evaluated_sessions
        on
            limit_days.instrument_id = evaluated_sessions.instrument_id
            and limit_days.trade_date = evaluated_sessions.trade_date
    where limit_days.day_volume > 0

),

limit_lock as (

    select
        instrument_id,
        'limit_' || side || '_lock' as alert_type,
        printf(
            'Closed at the limit-%s price of %s with %.1f%% of the day''s volume (%.0f of %.0f) traded in %d '
            || 'minute(s) spent entirely at the limit between %s and %s: %s orders could not fill.',
            side, rtrim(rtrim(cast(limit_price as varchar), '0'), '.'), 100 * limit_share,
            limit_volume, day_volume, limit_minute_count,
            strftime(timezone('{{ tz }}', first_limit_bar_at), '%H:%M'),
            strftime(timezone('{{ tz }}', last_limit_bar_end_at), '%H:%M'),
            case side when 'down' then 'sell' else 'buy' end
        ) as reason,
        limit_lock_parameters_version as parameters_version,
        limit_share as metric_value,
        limit_lock_min_volume_share as threshold,
        limit_share / limit_lock_min_volume_share as score,
        trade_date,
        first_limit_bar_at as window_start_at,
        last_limit_bar_end_at as window_end_at
    from limit_shares
    where is_limit_close and limit_share >= limit_lock_min_volume_share

),

alerts as (

    select * from abnormal_volume
    union all
    select * from abnormal_volume_robust
    union all
    select * from spread_widening
    union all
    select * from depth_drop
    union all
    select * from flash_move
    union all
    select * from limit_lock

),

final as (

    select
        md5(
            concat_ws(
                '|',
                alert_type,
                instrument_id,
                cast(trade_date as varchar),
                cast(epoch_us(window_start_at) as varchar),
                cast(epoch_us(window_end_at) as varchar)
            )
        ) as alert_id,
        instrument_id,
        alert_type,
        reason,
        parameters_version,
        round(cast(metric_value as double), 6) as metric_value,
        cast(threshold as double) as threshold,
        round(cast(score as double), 6) as score,
        trade_date,
        window_start_at,
        window_end_at
    from alerts

)

select * from final
