-- The long position of every account and instrument after each of its fills: quantity and
-- moving-average cost exactly as int_positions_daily computes them (the shared macro
-- position_moving_average_ctes), stamped with the fill's execution time, so the position held
-- at any moment is the state of the last fill executed at or before it.
with recursive

fills as (

    select * from {{ ref('stg_platform__fills') }}

),

{{ position_moving_average_ctes('fills') }},

final as (

    select
        account_id,
        instrument_id,
        fill_id,
        fill_sequence,
        {{ units_to_decimal('position_units') }} as quantity,
        {{ units_to_decimal('average_cost_units') }} as average_cost,
        is_forced_liquidation,
        trade_date,
        executed_at
    from position_states

)

select * from final
