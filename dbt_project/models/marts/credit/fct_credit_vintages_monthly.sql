-- Vintage curves: accounts grouped by the month of their first draw (the first close with
-- financing principal outstanding), followed at every month end from that month on.
-- months_on_book is 0 in the first-draw month. The cohort amount is the principal outstanding at
-- each account's first-draw close. An account defaults the first close it is in a
-- non-performing bucket (90+ days past due, or a deficit through the default floor);
-- defaulted_amount is its EAD that day. cumulative_default_rate = defaulted amount to date /
-- cohort amount (balance-weighted), cumulative_default_rate_accounts by count.
with

delinquency as (

    select * from {{ ref('fct_credit_delinquency_daily') }}

),

month_ends as (

    select * from {{ ref('int_credit_month_ends') }}

),

first_draws as (

    select
        account_id,
        min(as_of_date) as first_draw_date,
        arg_min(financing_principal, as_of_date) as first_draw_amount
    from delinquency
    where financing_principal > 0
    group by account_id

),

first_defaults as (

    select
        account_id,
        min(as_of_date) as default_date,
        arg_min(outstanding_balance, as_of_date) as defaulted_amount
    from delinquency
    where is_non_performing
    group by account_id

),

cohort_accounts as (

    select
        first_draws.account_id,
        strftime(first_draws.first_draw_date, '%Y-%m') as cohort_month,
        first_draws.first_draw_amount,
        first_defaults.defaulted_amount,
        first_draws.first_draw_date,
        first_defaults.default_date
    from first_draws
    left join first_defaults
        on first_draws.account_id = first_defaults.account_id

),

observations as (

    select
        cohort_accounts.cohort_month,
        month_ends.month_id,
        cohort_accounts.account_id,
        cohort_accounts.first_draw_amount,
        case
            when
                cohort_accounts.default_date <= month_ends.month_end_date
                then cohort_accounts.defaulted_amount
        end
            as defaulted_amount,
        coalesce(delinquency.outstanding_balance, 0) as outstanding_balance,
        case
            when
                delinquency.days_past_due > 0 or delinquency.is_defaulted
                then delinquency.outstanding_balance
            else 0
        end as delinquent_balance,
        month_ends.is_month_complete,
        month_ends.month_end_date
    from cohort_accounts
    inner join month_ends
        on cohort_accounts.cohort_month <= month_ends.month_id
    left join delinquency
        on
            cohort_accounts.account_id = delinquency.account_id
            and month_ends.month_end_date = delinquency.as_of_date

),

curves as (

    select
        cohort_month,
        month_id,
        count(*) as cohort_account_count,
        count(defaulted_amount) as defaulted_account_count,
        cast(sum(first_draw_amount) as decimal(38, 2)) as cohort_amount,
        cast(coalesce(sum(defaulted_amount), 0) as decimal(38, 2)) as defaulted_amount,
        cast(sum(outstanding_balance) as decimal(38, 2)) as outstanding_balance,
        cast(sum(delinquent_balance) as decimal(38, 2)) as delinquent_balance,
        is_month_complete,
        month_end_date
    from observations
    group by all

),

final as (

    select
        cohort_month,
        month_id,
        cast(
            (year(month_end_date) - cast(left(cohort_month, 4) as integer)) * 12
            + month(month_end_date) - cast(right(cohort_month, 2) as integer) as integer
        ) as months_on_book,
        cohort_account_count,
        defaulted_account_count,
        cohort_amount,
        defaulted_amount,
        outstanding_balance,
        delinquent_balance,
        {{ divide_decimal('defaulted_amount', 'cohort_amount') }} as cumulative_default_rate,
        {{ divide_decimal(
            'cast(defaulted_account_count as decimal(38, 0))',
            'cast(cohort_account_count as decimal(38, 0))'
        ) }}
            as cumulative_default_rate_accounts,
        is_month_complete,
        month_end_date
    from curves

)

select * from final
