{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['account_id', 'as_of_date'],
        on_schema_change='fail',
        tags=['partitioned']
    )
}}
-- Daily exposure of every margin account at the end-of-day close. Incremental by business
-- date: an incremental run rebuilds the dates in [var('min_date'), var('max_date')); a full
-- build covers all dates. Money is DECIMAL at the fen; ratios are DECIMAL(38, 6), divided
-- exactly and rounded half away from zero (see macros/exact_decimal.sql).

with

account_balances as (

    select * from {{ ref('int_account_balances_daily') }}
    {% if is_incremental() -%}
        where
            as_of_date >= cast('{{ var("min_date") }}' as date)
            and as_of_date < cast('{{ var("max_date") }}' as date)
    {%- endif %}

),

positions as (

    select * from {{ ref('int_positions_daily') }}
    {% if is_incremental() -%}
        where
            as_of_date >= cast('{{ var("min_date") }}' as date)
            and as_of_date < cast('{{ var("max_date") }}' as date)
    {%- endif %}

),

margin_lines as (

    select * from {{ ref('int_margin_lines_resolved') }}

),

position_totals as (

    select
        account_id,
        as_of_date,
        count(*) as position_count,
        sum(market_value) as long_market_value,
        sum(collateral_value) as collateral_value,
        sum(unrealized_pnl) as unrealized_pnl,
        max(market_value) as largest_position_value,
        sum(market_value * market_value) as sum_of_squared_market_values
    from positions
    group by account_id, as_of_date

),

balances_and_positions as (

    select
        account_balances.account_id,
        account_balances.client_id,
        account_balances.product_id,
        account_balances.client_cash as cash,
        cast(coalesce(position_totals.long_market_value, 0) as decimal(38, 2)) as long_market_value,
        cast(coalesce(position_totals.collateral_value, 0) as decimal(38, 2)) as collateral_value,
        account_balances.financing_principal,
        account_balances.accrued_interest,
        account_balances.fees_receivable as fees_due,
        account_balances.deficit_receivable,
        cast(coalesce(position_totals.unrealized_pnl, 0) as decimal(38, 2)) as unrealized_pnl,
        coalesce(position_totals.position_count, 0) as position_count,
        position_totals.largest_position_value,
        position_totals.sum_of_squared_market_values,
        account_balances.as_of_date
    from account_balances
    left join position_totals
        on
            account_balances.account_id = position_totals.account_id
            and account_balances.as_of_date = position_totals.as_of_date

),

totals as (

    select
        *,
        cast(
            financing_principal + accrued_interest + fees_due + deficit_receivable as decimal(38, 2)
        ) as liabilities,
        cast(cash + long_market_value as decimal(38, 2)) as total_assets
    from balances_and_positions

),

with_lines as (

    select
        totals.*,
        cast(totals.total_assets - totals.liabilities as decimal(38, 2)) as equity,
        margin_lines.line_basis,
        margin_lines.warning_line,
        margin_lines.call_line,
        margin_lines.close_line
    from totals
    left join margin_lines
        on
            totals.product_id = margin_lines.product_id
            and totals.as_of_date >= margin_lines.effective_from
            and (margin_lines.effective_to is null or totals.as_of_date < margin_lines.effective_to)

),

-- x* = 1 - (R*D - C) / MV = (C + MV - R*D) / MV: the uniform price drop that takes the
-- account to line R; zero or negative means the account is already through the line.
exposure as (

    select
        account_id,
        client_id,
        product_id,
        case
            when equity < 0 then 'deficit'
            when liabilities <= 0 then 'normal'
            when total_assets < close_line * liabilities then 'liquidating'
            when total_assets < call_line * liabilities then 'call'
            when total_assets < warning_line * liabilities then 'warning'
            else 'normal'
        end as risk_state,
        line_basis,
        cash,
        long_market_value,
        collateral_value,
        financing_principal,
        accrued_interest,
        fees_due,
        deficit_receivable,
        liabilities,
        total_assets,
        equity,
        unrealized_pnl,
        position_count,
        case
            when equity > 0 then {{ divide_decimal('total_assets', 'equity') }}
        end as leverage,
        case
            when liabilities > 0 then {{ divide_decimal('total_assets', 'liabilities') }}
        end as maintenance_collateral_ratio,
        case
            when long_market_value > 0
                then {{ divide_decimal('largest_position_value', 'long_market_value') }}
        end as largest_position_share,
        case
            when long_market_value > 0
                then {{ divide_decimal(
                    'sum_of_squared_market_values', 'long_market_value * long_market_value', input_scale=4
                ) }}
        end as hhi,
        warning_line,
        call_line,
        close_line,
        case
            when liabilities > 0 and long_market_value > 0
                then {{ divide_decimal('total_assets - warning_line * liabilities', 'long_market_value') }}
        end as distance_to_warning,
        case
            when liabilities > 0 and long_market_value > 0
                then {{ divide_decimal('total_assets - call_line * liabilities', 'long_market_value') }}
        end as distance_to_call,
        case
            when liabilities > 0 and long_market_value > 0
                then {{ divide_decimal('total_assets - close_line * liabilities', 'long_market_value') }}
        end as distance_to_close,
        as_of_date
    from with_lines

)

select * from exposure
