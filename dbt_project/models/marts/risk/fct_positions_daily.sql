{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['account_id', 'instrument_id', 'as_of_date'],
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'as_of_date'}
    )
}}
-- End-of-day long positions per account, instrument and trading day, from fills: quantity,
-- moving-average cost, the close they are valued at, market value, unrealized P&L, the haircut
-- in force that day (risk_instrument_params over the platform's value) and collateral value,
-- and whether the instrument closed locked at limit-down (int_positions_daily). Incremental by
-- business date: an incremental run rebuilds the dates in [var('min_date'), var('max_date')).

with

positions as (

    select * from {{ ref('int_positions_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('as_of_date') }}
    {%- endif %}

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
        market_value,
        unrealized_pnl,
        haircut,
        collateral_value,
        is_limit_down_locked,
        price_date,
        last_fill_date,
        as_of_date
    from positions

)

select * from final
