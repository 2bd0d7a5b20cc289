{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['account_id', 'instrument_id', 'as_of_date'],
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'as_of_date'},
        pre_hook="{{ delete_partition_window('as_of_date') }}"
    )
}}
-- Incremental by trading day: a run values the days in [var('min_date'), var('max_date')); the
-- positions themselves still come from every fill (the moving average is path-dependent), which
-- is small next to the daily rows; a full build covers all days.
-- End-of-day long positions per account, instrument and trading day, built from fills.
--   quantity      buys minus sells, carried forward on days without fills; zero positions dropped.
--   average_cost  moving average: a buy blends its price into the average, a sell leaves it
--                 unchanged, and a buy into a flat position starts afresh at its price. It is
--                 computed fill by fill with a recursive CTE in exact integer units of 10^-8,
--                 rounded half away from zero to 8 decimals at each buy (macro
--                 position_moving_average_ctes, shared with int_position_states); commissions
--                 and taxes are not part of it (they are booked in the ledger).
--   valuation     at the instrument's latest end-of-day close on or before the day (price_date
--                 says which); market value, unrealized P&L and collateral value (market value
--                 x haircut) are rounded half away from zero to the fen, per position. The haircut
--                 is the one in force on the day (int_instrument_params_resolved).
--   limit-down    is_limit_down_locked when the instrument closed the day at its limit-down price:
--                 sellers queue at the limit, so a forced sale may not fill.
with recursive

fills as (

    select * from {{ ref('stg_platform__fills') }}

),

eod_prices as (

    select * from {{ ref('stg_ticks__eod_prices') }}

),

instrument_params as (

    select * from {{ ref('int_instrument_params_resolved') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('trading_date') }}
    {%- endif %}

),

{{ position_moving_average_ctes('fills') }},

last_fills_of_day as (

    select * from position_states
    qualify row_number() over (
        partition by account_id, instrument_id, trade_date order by fill_sequence desc
    ) = 1

),

-- The state after the day's last fill holds until the next day with a fill.
end_of_day_states as (

    select
        account_id,
        instrument_id,
        position_units,
        average_cost_units,
        trade_date as state_from_date,
        lead(trade_date) over (
            partition by account_id, instrument_id order by trade_date
        ) as state_to_date
    from last_fills_of_day

),

-- A close holds until the instrument's next close (covers days an instrument has no row).
closes as (

    select
        instrument_id,
        close_price,
        limit_down_price,
        trade_date as price_date,
        lead(trade_date) over (partition by instrument_id order by trade_date) as next_price_date
    from eod_prices

),

daily_positions as (

    select
        end_of_day_states.account_id,
        end_of_day_states.instrument_id,
        end_of_day_states.position_units,
        end_of_day_states.average_cost_units,
        end_of_day_states.state_from_date as last_fill_date,
        trading_days.trading_date as as_of_date
    from end_of_day_states
    inner join trading_days
        on
            end_of_day_states.state_from_date <= trading_days.trading_date
            and (
                end_of_day_states.state_to_date is null
                or end_of_day_states.state_to_date > trading_days.trading_date
            )
    where end_of_day_states.position_units <> 0

),

valued as (

    select
        daily_positions.account_id,
        daily_positions.instrument_id,
        instrument_params.concentration_group,
        instrument_params.haircut_source,
        {{ units_to_decimal('daily_positions.position_units') }} as quantity,
        {{ units_to_decimal('daily_positions.average_cost_units') }} as average_cost,
        closes.close_price,
        instrument_params.haircut,
        coalesce(
            closes.price_date = daily_positions.as_of_date and closes.close_price <= closes.limit_down_price,
            false
        ) as is_limit_down_locked,
        closes.price_date,
        daily_positions.last_fill_date,
        daily_positions.as_of_date
    from daily_positions
    left join closes
        on
            daily_positions.instrument_id = closes.instrument_id
            and daily_positions.as_of_date >= closes.price_date
            and (closes.next_price_date is null or daily_positions.as_of_date < closes.next_price_date)
    left join instrument_params
        on
            daily_positions.instrument_id = instrument_params.instrument_id
            and daily_positions.as_of_date >= instrument_params.effective_from
            and (
                instrument_params.effective_to is null
                or daily_positions.as_of_date < instrument_params.effective_to
            )

),

final as (

    select
        account_id,
        instrument_id,
        concentration_group,
        haircut_source,
        quantity,
        average_cost,
        close_price,
        haircut,
        {{ position_market_value('quantity', 'close_price') }} as market_value,
        {{ position_unrealized_pnl('quantity', 'close_price', 'average_cost') }} as unrealized_pnl,
        {{ position_collateral_value('quantity', 'close_price', 'haircut') }} as collateral_value,
        is_limit_down_locked,
        price_date,
        last_fill_date,
        as_of_date
    from valued

)

select * from final
