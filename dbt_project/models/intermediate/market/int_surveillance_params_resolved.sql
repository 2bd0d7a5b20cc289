-- The surveillance parameters in force on every trading date, one column per parameter (null
-- when no seed row is in force, which the tests reject). A seed row applies on date d when
-- effective_from <= d and (effective_to is null or d < effective_to). Each alert family's
-- parameters_version is the newest effective_from among the rows that family uses, so an alert
-- says which parameter set produced it. overlapping_parameter_rows counts rows in force beyond
-- one per parameter (tested to be 0).
{%- set parameters = {
    'intraday_bucket_minutes': 'integer',
    'abnormal_volume_lookback_sessions': 'integer',
    'abnormal_volume_z_threshold': 'decimal(18, 6)',
    'abnormal_volume_robust_z_threshold': 'decimal(18, 6)',
    'liquidity_lookback_sessions': 'integer',
    'spread_z_threshold': 'decimal(18, 6)',
    'depth_median_fraction': 'decimal(18, 6)',
    'flash_move_window_minutes': 'integer',
    'flash_move_log_return_threshold': 'decimal(18, 6)',
    'limit_lock_min_volume_share': 'decimal(18, 6)',
} %}
{%- set families = {
    'abnormal_volume': ['intraday_bucket_minutes', 'abnormal_volume_lookback_sessions',
                        'abnormal_volume_z_threshold', 'abnormal_volume_robust_z_threshold'],
    'liquidity': ['intraday_bucket_minutes', 'liquidity_lookback_sessions', 'spread_z_threshold',
                  'depth_median_fraction'],
    'flash_move': ['flash_move_window_minutes', 'flash_move_log_return_threshold'],
    'limit_lock': ['limit_lock_min_volume_share'],
} %}

with

params as (

    select * from {{ ref('market_surveillance_params') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

in_force as (

    select
        params.parameter,
        params.value,
        params.effective_from,
        trading_days.trading_date
    from trading_days
    left join params
        on
            trading_days.trading_date >= params.effective_from
            and (params.effective_to is null or trading_days.trading_date < params.effective_to)

),

resolved as (

    select
        {%- for family, names in families.items() %}
            strftime(
                max(effective_from) filter (
                    where parameter in (
                        {%- for name in names %}
                            '{{ name }}'{{ ',' if not loop.last }}
                        {%- endfor %}
                    )
                ),
                '%Y-%m-%d'
            ) as {{ family }}_parameters_version,
        {%- endfor %}
        {%- for name, data_type in parameters.items() %}
            cast(max(value) filter (where parameter = '{{ name }}') as {{ data_type }}) as {{ name }},
        {%- endfor %}
        count(parameter) - count(distinct parameter) as overlapping_parameter_rows,
        trading_date
    from in_force
    group by trading_date

)

select * from resolved
