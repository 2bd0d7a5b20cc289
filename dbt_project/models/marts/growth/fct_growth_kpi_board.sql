-- The monthly KPI board: one row per month and KPI with its value, its dated target
-- (growth_kpi_targets in force at the month end) and a status: on_track inside the on-track
-- range, at_risk outside it but inside the at-risk range, breached outside both, no_data
-- without a value. KPIs:
--   active_client_growth  fct_growth_client_counts_monthly.active_client_growth;
--   average_leverage      at the month-end close, sum of total assets / sum of equity over the
--                         active borrowers (financing outstanding, positive equity), exact;
--   npl_ratio             fct_credit_portfolio_daily.npl_ratio at the month-end close;
--   loan_turnover_days    fct_growth_fund_turnover_monthly.turnover_days;
--   ltv_to_cac            fct_growth_cohort_ltv.ltv_to_cac_12m of the month's cohort.
-- value_display formats the value for reading (percent, multiple, days). Each value is cast to
-- DECIMAL(38, 6) before the union, which would otherwise round all of them to the fewest decimals.
with

month_ends as (

    select * from {{ ref('int_credit_month_ends') }}

),

targets as (

    select * from {{ ref('growth_kpi_targets') }}

),

counts as (

    select * from {{ ref('fct_growth_client_counts_monthly') }}

),

exposure as (

    select * from {{ ref('fct_account_exposure_daily') }}

),

portfolio as (

    select * from {{ ref('fct_credit_portfolio_daily') }}

),

turnover as (

    select * from {{ ref('fct_growth_fund_turnover_monthly') }}

),

cohort_ltv as (

    select * from {{ ref('fct_growth_cohort_ltv') }}

),

leverage as (

    select
        month_ends.month_id,
        {{ divide_decimal('sum(exposure.total_assets)', 'sum(exposure.equity)') }} as average_leverage
    from month_ends
    inner join exposure
        on month_ends.month_end_date = exposure.as_of_date
    where exposure.financing_principal > 0 and exposure.equity > 0
    group by month_ends.month_id

),

values_long as (

    select
        month_ends.month_id,
        'active_client_growth' as kpi_id,
        cast(counts.active_client_growth as decimal(38, 6)) as kpi_value
    from month_ends
    left join counts on month_ends.month_id = counts.month_id

    union all

    select
        month_ends.month_id,
        'average_leverage' as kpi_id,
        cast(leverage.average_leverage as decimal(38, 6)) as kpi_value
    from month_ends
    left join leverage on month_ends.month_id = leverage.month_id

    union all

    select
        month_ends.month_id,
        'npl_ratio' as kpi_id,
        cast(portfolio.npl_ratio as decimal(38, 6)) as kpi_value
    from month_ends
    left join portfolio on month_ends.month_end_date = portfolio.as_of_date

    union all

    select
        month_ends.month_id,
        'loan_turnover_days' as kpi_id,
        cast(turnover.turnover_days as decimal(38, 6)) as kpi_value
    from month_ends
    left join turnover on month_ends.month_id = turnover.month_id

    union all

    select
        month_ends.month_id,
        'ltv_to_cac' as kpi_id,
        cast(cohort_ltv.ltv_to_cac_12m as decimal(38, 6)) as kpi_value
    from month_ends
    left join cohort_ltv on month_ends.month_id = cohort_ltv.cohort_month

),

final as (

    select
        values_long.month_id,
        values_long.kpi_id,
        targets.kpi_name,
        case
            when values_long.kpi_value is null then 'no_data'
            when
                (targets.on_track_min is null or values_long.kpi_value >= targets.on_track_min)
                and (targets.on_track_max is null or values_long.kpi_value <= targets.on_track_max)
                then 'on_track'
            when
                (targets.at_risk_min is null or values_long.kpi_value >= targets.at_risk_min)
                and (targets.at_risk_max is null or values_long.kpi_value <= targets.at_risk_max)
                then 'at_risk'
            else 'breached'
        end as status,
        case
            when values_long.kpi_value is null then '-'
            when targets.unit = 'percent' then printf('%.2f%%', cast(values_long.kpi_value as double) * 100)
            when targets.unit = 'days' then printf('%.1f days', cast(values_long.kpi_value as double))
            else printf('%.2fx', cast(values_long.kpi_value as double))
        end as value_display,
        targets.target_text,
        targets.unit,
        values_long.kpi_value,
        targets.on_track_min,
        targets.on_track_max,
        targets.at_risk_min,
        targets.at_risk_max,
        month_ends.is_month_complete,
        month_ends.month_end_date
    from values_long
    inner join month_ends
        on values_long.month_id = month_ends.month_id
    inner join targets
        on
            values_long.kpi_id = targets.kpi_id
            and month_ends.month_end_date >= targets.effective_from
            and (targets.effective_to is null or month_ends.month_end_date < targets.effective_to)

)

select * from final
