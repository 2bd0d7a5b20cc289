{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['account_id', 'as_of_date'],
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'as_of_date'}
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
            {{ in_partition_window('as_of_date') }}
    {%- endif %}

),

positions as (

    select * from {{ ref('int_positions_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('as_of_date') }}
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
        {{ exposure_liabilities(
            'financing_principal', 'accrued_interest', 'fees_due', 'deficit_receivable'
        ) }} as liabilities,
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

-- The formulas (risk state, leverage, MCR, concentration, distances x* = 1 - (R*D - C) / MV)
-- are the macros of macros/risk_exposure.sql, shared with fct_account_exposure_intraday.
exposure as (

    select
        {{ exposure_columns() }},
        as_of_date
    from with_lines

)

select * from exposure
