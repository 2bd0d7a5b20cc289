-- One row per client and calendar month of the trading calendar, from the month the client
-- registered: its status at the month end and its revenue and contribution in the month.
-- Status (written definitions):
--   funded         has made a first deposit (credited to client cash) by the month end;
--   new funded     made that first deposit in the month (the client's cohort month);
--   churned        funded, and its equity (assets - amounts due) has stayed at or below zero for at
--                  least churn_days calendar days up to the month end (growth_params);
--   newly churned  churned at this month end but not at the previous one;
--   active         funded, not churned, and in the month traded at least once or had financing
--                  outstanding at a close.
-- Money (CNY, at the fen):
--   revenue        interest income accrued + commissions + fees (net of reversals) booked in the month;
--   funding_cost   sum over the month's closes of financing principal x nights to the next trading
--                  day (1 after the last day in the lake) x funding_cost_rate_annual / day_count_basis;
--   ecl_charge     change of the IFRS 9 allowance (ecl_booked) from the previous month end;
--   contribution   revenue - funding_cost - ecl_charge.
with

acquisitions as (

    select * from {{ ref('int_growth_client_acquisitions') }}

),

month_ends as (

    select * from {{ ref('int_credit_month_ends') }}

),

params as (

    select * from {{ ref('int_growth_params_monthly') }}

),

exposure as (

    select * from {{ ref('fct_account_exposure_daily') }}

),

ecl as (

    select * from {{ ref('fct_credit_ecl_daily') }}

),

position_states as (

    select * from {{ ref('int_position_states') }}

),

revenue as (

    select * from {{ ref('int_growth_account_revenue_monthly') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

nights as (

    select
        trading_date,
        datediff(
            'day', trading_date, coalesce(lead(trading_date) over (order by trading_date), trading_date + 1)
        )
            as night_count
    from trading_days

),

principal_nights as (

    select
        exposure.account_id,
        strftime(exposure.as_of_date, '%Y-%m') as month_id,
        sum(exposure.financing_principal * nights.night_count) as principal_nights,
        count(*) filter (where exposure.financing_principal > 0) as financed_close_count
    from exposure
    inner join nights
        on exposure.as_of_date = nights.trading_date
    group by exposure.account_id, strftime(exposure.as_of_date, '%Y-%m')

),

fills as (

    select
        account_id,
        strftime(trade_date, '%Y-%m') as month_id,
        count(*) as fill_count
    from position_states
    group by account_id, strftime(trade_date, '%Y-%m')

),

-- The last close with positive equity on or before each month end.
last_positive as (

    select
        month_ends.month_id,
        exposure.account_id,
        max(exposure.as_of_date) filter (where exposure.equity > 0) as last_positive_equity_date,
        arg_max(exposure.equity, exposure.as_of_date) as month_end_equity
    from month_ends
    inner join exposure
        on month_ends.month_end_date >= exposure.as_of_date
    group by month_ends.month_id, exposure.account_id

),

client_months as (

    select
        acquisitions.client_id,
        acquisitions.account_id,
        month_ends.month_id,
        acquisitions.acquisition_channel,
        acquisitions.agent_id,
        acquisitions.cohort_month,
        coalesce(fills.fill_count, 0) as fill_count,
        coalesce(revenue.interest_income, 0) as interest_income,
        coalesce(revenue.commission_income, 0) as commission_income,
        coalesce(revenue.fee_income, 0) as fee_income,
        {{ divide_decimal(
            'coalesce(principal_nights.principal_nights, 0) * params.funding_cost_rate_annual',
            'params.day_count_basis',
            scale=2
        ) }} as funding_cost,
        cast(coalesce(closing_ecl.ecl_booked, 0) - coalesce(opening_ecl.ecl_booked, 0) as decimal(38, 2))
            as ecl_charge,
        coalesce(last_positive.month_end_equity, 0) as month_end_equity,
        coalesce(acquisitions.first_funded_date <= month_ends.month_end_date, false) as is_funded,
        coalesce(strftime(acquisitions.first_funded_date, '%Y-%m') = month_ends.month_id, false)
            as is_new_funded,
        coalesce(acquisitions.first_funded_date <= month_ends.month_end_date, false)
        and coalesce(last_positive.month_end_equity, 0) <= 0
        and datediff(
            'day',
            greatest(
                coalesce(last_positive.last_positive_equity_date, acquisitions.first_funded_date),
                acquisitions.first_funded_date
            ),
            month_ends.month_end_date
        ) >= params.churn_days as is_churned,
        coalesce(fills.fill_count, 0) > 0
        or coalesce(principal_nights.financed_close_count, 0) > 0 as has_activity,
        acquisitions.registered_date,
        acquisitions.first_funded_date,
        month_ends.is_month_complete,
        month_ends.month_end_date,
        month_ends.previous_month_end_date
    from acquisitions
    inner join month_ends
        on acquisitions.registered_date <= month_ends.month_end_date
    inner join params
        on month_ends.month_id = params.month_id
    left join fills
        on acquisitions.account_id = fills.account_id and month_ends.month_id = fills.month_id
    left join revenue
        on acquisitions.account_id = revenue.account_id and month_ends.month_id = revenue.month_id
    left join principal_nights
        on
            acquisitions.account_id = principal_nights.account_id
            and month_ends.month_id = principal_nights.month_id
    left join last_positive
        on acquisitions.account_id = last_positive.account_id and month_ends.month_id = last_positive.month_id
    left join ecl as closing_ecl
        on
            acquisitions.account_id = closing_ecl.account_id
            and month_ends.month_end_date = closing_ecl.as_of_date
    left join ecl as opening_ecl
        on
            acquisitions.account_id = opening_ecl.account_id
            and month_ends.previous_month_end_date = opening_ecl.as_of_date

),

final as (

    select
        client_id,
        account_id,
        month_id,
        acquisition_channel,
        agent_id,
        cohort_month,
        case
            when cohort_month is not null
                then cast(
                    (cast(left(month_id, 4) as integer) - cast(left(cohort_month, 4) as integer)) * 12
                    + cast(right(month_id, 2) as integer) - cast(right(cohort_month, 2) as integer) as integer
                )
        end as months_since_cohort,
        fill_count,
        interest_income,
        commission_income,
        fee_income,
        cast(interest_income + commission_income + fee_income as decimal(38, 2)) as revenue,
        funding_cost,
        ecl_charge,
        cast(interest_income + commission_income + fee_income - funding_cost - ecl_charge as decimal(38, 2))
            as contribution,
        month_end_equity,
        is_funded,
        is_new_funded,
        is_funded and not is_churned and has_activity as is_active,
        is_churned,
        is_churned and not coalesce(
            lag(is_churned) over (partition by client_id order by month_id), false
        ) as is_newly_churned,
        registered_date,
        first_funded_date,
        is_month_complete,
        month_end_date
    from client_months

)

select * from final
