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
-- The platform under each stress scenario at each trading day's close: the accounts' shortfalls
-- summed, against the loss-absorbing buffer, which is the platform's net capital
-- (int_concentration_net_capital_daily; the chart of accounts has no credit-loss allowance
-- account, so capital is the only buffer). platform_capital_shortfall = max(0, total shortfall
-- - buffer). Incremental by business date: an incremental run replaces every row of the dates
-- in [var('min_date'), var('max_date')).

with

stress_results as (

    select * from {{ ref('fct_stress_results_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('as_of_date') }}
    {%- endif %}

),

net_capital as (

    select * from {{ ref('int_concentration_net_capital_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('as_of_date') }}
    {%- endif %}

),

totals as (

    select
        scenario_id,
        scenario_type,
        market_shock,
        liquidation_haircut,
        horizon_days,
        count(*) as account_count,
        count(*) filter (where liabilities > 0) as accounts_with_liabilities,
        count(*) filter (where shortfall > 0) as accounts_with_shortfall,
        count(*) filter (where is_below_warning_line) as accounts_below_warning_line,
        count(*) filter (where is_below_call_line) as accounts_below_call_line,
        count(*) filter (where is_below_close_line) as accounts_below_close_line,
        count(*) filter (where is_in_deficit) as accounts_in_deficit,
        cast(sum(liabilities) as decimal(38, 2)) as total_liabilities,
        cast(sum(long_market_value) as decimal(38, 2)) as total_long_market_value,
        cast(sum(shocked_assets) as decimal(38, 2)) as total_shocked_assets,
        cast(sum(stress_loss) as decimal(38, 2)) as total_stress_loss,
        cast(sum(shortfall) as decimal(38, 2)) as total_shortfall,
        as_of_date
    from stress_results
    group by scenario_id, scenario_type, market_shock, liquidation_haircut, horizon_days, as_of_date

),

final as (

    select
        totals.scenario_id,
        totals.scenario_type,
        totals.market_shock,
        totals.liquidation_haircut,
        totals.horizon_days,
        totals.account_count,
        totals.accounts_with_liabilities,
        totals.accounts_with_shortfall,
        totals.accounts_below_warning_line,
        totals.accounts_below_call_line,
        totals.accounts_below_close_line,
        totals.accounts_in_deficit,
        totals.total_liabilities,
        totals.total_long_market_value,
        totals.total_shocked_assets,
        totals.total_stress_loss,
        totals.total_shortfall,
        net_capital.net_capital as loss_absorbing_buffer,
        cast(greatest(0, totals.total_shortfall - net_capital.net_capital) as decimal(38, 2))
            as platform_capital_shortfall,
        cast(net_capital.net_capital - totals.total_shortfall as decimal(38, 2)) as net_capital_after_stress,
        case
            when net_capital.net_capital > 0
                then {{ divide_decimal('totals.total_shortfall', 'net_capital.net_capital') }}
        end as shortfall_to_net_capital,
        totals.total_shortfall > net_capital.net_capital as is_capital_exhausted,
        totals.as_of_date
    from totals
    left join net_capital
        on totals.as_of_date = net_capital.as_of_date

)

select * from final
