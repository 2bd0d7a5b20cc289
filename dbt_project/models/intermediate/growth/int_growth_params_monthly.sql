-- The growth parameters in force at each month end of the trading calendar, with the monthly
-- discount rate (discount_rate_annual / 12, exact).
with

month_ends as (

    select * from {{ ref('int_credit_month_ends') }}

),

params as (

    select * from {{ ref('growth_params') }}

),

final as (

    select
        month_ends.month_id,
        params.funding_cost_rate_annual,
        params.discount_rate_annual,
        {{ divide_decimal('params.discount_rate_annual', '12', scale=10) }} as discount_rate_monthly,
        params.day_count_basis,
        params.churn_days,
        month_ends.month_end_date
    from month_ends
    inner join params
        on
            month_ends.month_end_date >= params.effective_from
            and (params.effective_to is null or month_ends.month_end_date < params.effective_to)

)

select * from final
