-- The platform's net capital at each trading day's close, from its own ledger: paid-in capital
-- plus income earned less expenses incurred to date (no period has been closed to retained
-- earnings, so the income and expense accounts still hold every year's result), less the
-- deductions the risk_net_capital_gl_accounts seed lists (client deficit receivables, which are
-- unsecured after a forced liquidation). Each GL balance is taken in its normal direction and
-- multiplied by the seed's sign. Postings on a non-trading day count from the next trading day.
with

postings as (

    select * from {{ ref('int_ledger_postings_signed') }}

),

net_capital_gl_accounts as (

    select * from {{ ref('risk_net_capital_gl_accounts') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

daily_contributions as (

    select
        postings.booking_date,
        sum(
            case
                when net_capital_gl_accounts.net_capital_component = 'paid_in_capital'
                    then net_capital_gl_accounts.sign * postings.signed_amount
                else 0
            end
        ) as paid_in_capital_change,
        sum(
            case
                when net_capital_gl_accounts.net_capital_component = 'retained_income'
                    then net_capital_gl_accounts.sign * postings.signed_amount
                else 0
            end
        ) as retained_income_change,
        sum(
            case
                when net_capital_gl_accounts.net_capital_component = 'deduction'
                    then -net_capital_gl_accounts.sign * postings.signed_amount
                else 0
            end
        ) as capital_deductions_change
    from postings
    inner join net_capital_gl_accounts
        on postings.gl_code = net_capital_gl_accounts.gl_code
    group by postings.booking_date

),

balances as (

    select
        cast(coalesce(sum(daily_contributions.paid_in_capital_change), 0) as decimal(38, 2))
            as paid_in_capital,
        cast(coalesce(sum(daily_contributions.retained_income_change), 0) as decimal(38, 2))
            as retained_income,
        cast(coalesce(sum(daily_contributions.capital_deductions_change), 0) as decimal(38, 2))
            as capital_deductions,
        trading_days.trading_date as as_of_date
    from trading_days
    left join daily_contributions
        on trading_days.trading_date >= daily_contributions.booking_date
    group by trading_days.trading_date

),

final as (

    select
        paid_in_capital,
        retained_income,
        capital_deductions,
        cast(paid_in_capital + retained_income - capital_deductions as decimal(38, 2)) as net_capital,
        as_of_date
    from balances

)

select * from final
