{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='as_of_date',
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'as_of_date'}
    )
}}
-- Every account under every stress scenario in force, at each trading day's close:
--   A' = C + sum(MV_i x price_factor_i)   shocked assets: positions from fct_positions_daily,
--                                         factors from int_stress_scenario_shocks_daily;
--   shortfall = max(0, D - (1 - h) x A')  what forced liquidation at haircut h leaves unpaid;
--   shocked MCR = A' / D and the lines it falls through.
-- Path scenarios are valued at the end of the path: limit-down sessions are locked, so no
-- forced sale fills during the path; as prices only fall and stay flat once at the target, an
-- instrument's first tradable session is at its end-of-path price, which is when liquidation
-- (and the haircut) applies. Positions still locked on the last session are assumed to be sold
-- at that close once the path ends. Each shocked position value is rounded to the fen.
-- Incremental by business date: an incremental run replaces every row of the dates in
-- [var('min_date'), var('max_date')) (the delete+insert key is the date, so a scenario closed in
-- the seed disappears from the dates rebuilt).

with

exposure as (

    select * from {{ ref('fct_account_exposure_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('as_of_date') }}
    {%- endif %}

),

positions as (

    select * from {{ ref('fct_positions_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('as_of_date') }}
    {%- endif %}

),

shocks as (

    select * from {{ ref('int_stress_scenario_shocks_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('as_of_date') }}
    {%- endif %}

),

scenarios as (

    select * from {{ ref('int_stress_scenarios_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('as_of_date') }}
    {%- endif %}

),

account_scenarios as (

    select
        exposure.account_id,
        scenarios.scenario_id,
        exposure.client_id,
        exposure.product_id,
        scenarios.scenario_type,
        scenarios.market_shock,
        scenarios.liquidation_haircut,
        scenarios.horizon_days,
        exposure.cash,
        exposure.long_market_value,
        exposure.liabilities,
        exposure.warning_line,
        exposure.call_line,
        exposure.close_line,
        exposure.as_of_date
    from exposure
    inner join scenarios
        on exposure.as_of_date = scenarios.as_of_date

),

position_paths as (

    select
        positions.account_id,
        shocks.scenario_id,
        shocks.path_day,
        cast(positions.market_value * shocks.price_factor as decimal(38, 2)) as shocked_market_value,
        shocks.limit_down_days,
        shocks.is_final_day,
        shocks.is_limit_down,
        positions.as_of_date
    from positions
    inner join shocks
        on
            positions.instrument_id = shocks.instrument_id
            and positions.as_of_date = shocks.as_of_date

),

account_paths as (

    select
        account_id,
        scenario_id,
        path_day,
        sum(shocked_market_value) as shocked_long_market_value,
        sum(case when is_limit_down then shocked_market_value else 0 end) as locked_market_value,
        max(limit_down_days) as locked_days,
        bool_or(is_final_day) as is_final_day,
        as_of_date
    from position_paths
    group by account_id, scenario_id, path_day, as_of_date

),

path_sessions as (

    select
        account_paths.account_id,
        account_paths.scenario_id,
        account_paths.path_day,
        account_paths.shocked_long_market_value,
        account_paths.locked_market_value,
        account_paths.locked_days,
        account_paths.is_final_day,
        account_scenarios.liabilities > 0
        and account_scenarios.cash + account_paths.shocked_long_market_value
        < account_scenarios.close_line * account_scenarios.liabilities as is_below_close_line,
        account_paths.as_of_date
    from account_paths
    inner join account_scenarios
        on
            account_paths.account_id = account_scenarios.account_id
            and account_paths.scenario_id = account_scenarios.scenario_id
            and account_paths.as_of_date = account_scenarios.as_of_date

),

-- The values after the last session, and the first session at whose close the account is
-- through its close line.
path_summaries as (

    select
        account_id,
        scenario_id,
        sum(shocked_long_market_value) filter (where is_final_day) as shocked_long_market_value,
        sum(locked_market_value) filter (where is_final_day) as locked_market_value,
        max(locked_days) filter (where is_final_day) as locked_days,
        min(path_day) filter (where is_below_close_line) as first_close_breach_day,
        as_of_date
    from path_sessions
    group by account_id, scenario_id, as_of_date

),

shocked as (

    select
        account_scenarios.*,
        cast(coalesce(path_summaries.shocked_long_market_value, 0) as decimal(38, 2))
            as shocked_long_market_value,
        cast(coalesce(path_summaries.locked_market_value, 0) as decimal(38, 2)) as locked_market_value,
        cast(coalesce(path_summaries.locked_days, 0) as integer) as locked_days,
        path_summaries.first_close_breach_day
    from account_scenarios
    left join path_summaries
        on
            account_scenarios.account_id = path_summaries.account_id
            and account_scenarios.scenario_id = path_summaries.scenario_id
            and account_scenarios.as_of_date = path_summaries.as_of_date

),

valued as (

    select
        *,
        cast(cash + shocked_long_market_value as decimal(38, 2)) as shocked_assets,
        cast((1 - liquidation_haircut) * (cash + shocked_long_market_value) as decimal(38, 2))
            as liquidation_value
    from shocked

),

final as (

    select
        account_id,
        scenario_id,
        client_id,
        product_id,
        scenario_type,
        case
            when shocked_assets < liabilities then 'deficit'
            when liabilities <= 0 then 'normal'
            when shocked_assets < close_line * liabilities then 'liquidating'
            when shocked_assets < call_line * liabilities then 'call'
            when shocked_assets < warning_line * liabilities then 'warning'
            else 'normal'
        end as shocked_risk_state,
        market_shock,
        liquidation_haircut,
        horizon_days,
        cash,
        long_market_value,
        shocked_long_market_value,
        shocked_assets,
        cast(long_market_value - shocked_long_market_value as decimal(38, 2)) as stress_loss,
        liabilities,
        liquidation_value,
        cast(greatest(0, liabilities - liquidation_value) as decimal(38, 2)) as shortfall,
        case
            when liabilities > 0 then {{ divide_decimal('shocked_assets', 'liabilities') }}
        end as shocked_maintenance_collateral_ratio,
        warning_line,
        call_line,
        close_line,
        locked_market_value,
        locked_days,
        -- A path through the line at the end of the path was through it on some session; an
        -- account without positions is through it from the first session if at all.
        coalesce(
            first_close_breach_day,
            case when liabilities > 0 and shocked_assets < close_line * liabilities then 1 end
        ) as first_close_breach_day,
        liabilities > 0 and shocked_assets < warning_line * liabilities as is_below_warning_line,
        liabilities > 0 and shocked_assets < call_line * liabilities as is_below_call_line,
        liabilities > 0 and shocked_assets < close_line * liabilities as is_below_close_line,
        shocked_assets < liabilities as is_in_deficit,
        as_of_date
    from valued

)

select * from final
