-- Every instrument session (a trading day the instrument was not suspended) with the
-- surveillance parameters in force that day: the grain the surveillance marts evaluate.
-- lookback_sessions is the longest baseline any alert family needs.
with

eod_prices as (

    select * from {{ ref('int_eod_prices_sequenced') }}

),

params as (

    select * from {{ ref('int_surveillance_params_resolved') }}

),

sessions as (

    select
        eod_prices.instrument_id,
        params.abnormal_volume_parameters_version,
        params.liquidity_parameters_version,
        params.flash_move_parameters_version,
        params.limit_lock_parameters_version,
        eod_prices.session_number,
        eod_prices.close_price,
        eod_prices.limit_up_price,
        eod_prices.limit_down_price,
        params.intraday_bucket_minutes,
        params.abnormal_volume_lookback_sessions,
        params.abnormal_volume_z_threshold,
        params.abnormal_volume_robust_z_threshold,
        params.liquidity_lookback_sessions,
        params.spread_z_threshold,
        params.depth_median_fraction,
        params.flash_move_window_minutes,
        params.flash_move_log_return_threshold,
        params.limit_lock_min_volume_share,
        greatest(params.abnormal_volume_lookback_sessions, params.liquidity_lookback_sessions)
            as lookback_sessions,
        eod_prices.trade_date
    from eod_prices
    inner join params
        on eod_prices.trade_date = params.trading_date
    where eod_prices.session_number is not null

)

select * from sessions
