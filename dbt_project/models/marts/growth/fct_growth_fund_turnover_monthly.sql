-- Turnover of the loan book per month (周转天数): how many days the average financing balance
-- takes to be repaid at the month's pace.
--   average_financing_balance  mean over the month's trading-day closes of the total financing
--                              principal outstanding (exact, at the fen);
--   repaid_principal           principal repaid in the month (loan_repayment journals; a deficit
--                              transfer is not a repayment);
--   turnover_count             repaid_principal / average_financing_balance;
--   turnover_days              average_financing_balance x period_days / repaid_principal, where
--                              period_days is the month's calendar days (up to the last trading day
--                              in the lake for the current month); null without repayments.
with

exposure as (

    select * from {{ ref('fct_account_exposure_daily') }}

),

balance_changes as (

    select * from {{ ref('int_account_balance_changes') }}

),

month_ends as (

    select * from {{ ref('int_credit_month_ends') }}

),

daily_book as (

    select
        strftime(as_of_date, '%Y-%m') as month_id,
        as_of_date,
        sum(financing_principal) as financing_principal
    from exposure
    group by as_of_date

),

monthly_book as (

    select
        month_id,
        {{ divide_decimal('sum(financing_principal)', 'cast(count(*) as decimal(38, 0))', scale=2) }}
            as average_financing_balance
    from daily_book
    group by month_id

),

flows as (

    select
        strftime(booking_date, '%Y-%m') as month_id,
        sum(case when txn_type = 'loan_repayment' then -financing_principal_change else 0 end)
            as repaid_principal,
        sum(case when txn_type = 'loan_drawdown' then financing_principal_change else 0 end)
            as drawn_principal
    from balance_changes
    where financing_principal_change <> 0
    group by strftime(booking_date, '%Y-%m')

),

periods as (

    select
        month_id,
        cast(
            datediff(
                'day',
                month_start_date,
                case when is_month_complete then last_day(month_start_date) else month_end_date end
            ) + 1 as integer
        ) as period_days,
        is_month_complete,
        month_start_date,
        month_end_date
    from month_ends

),

final as (

    select
        periods.month_id,
        periods.period_days,
        monthly_book.average_financing_balance,
        cast(coalesce(flows.drawn_principal, 0) as decimal(38, 2)) as drawn_principal,
        cast(coalesce(flows.repaid_principal, 0) as decimal(38, 2)) as repaid_principal,
        {{ divide_decimal('coalesce(flows.repaid_principal, 0)', 'monthly_book.average_financing_balance') }}
            as turnover_count,
        case
            when coalesce(flows.repaid_principal, 0) > 0
                then {{ divide_decimal(
                    'monthly_book.average_financing_balance * periods.period_days',
                    'flows.repaid_principal',
                    scale=2
                ) }}
        end as turnover_days,
        periods.is_month_complete,
        periods.month_start_date,
        periods.month_end_date
    from periods
    inner join monthly_book
        on periods.month_id = monthly_book.month_id
    left join flows
        on periods.month_id = flows.month_id

)

select * from final
