-- Revenue of each margin account per calendar month, from the income GL accounts of the
-- growth_revenue_gl_accounts seed (interest income accrued, commissions, fees net of reversals),
-- attributed to the account of the journal that booked it.
with

postings as (

    select * from {{ ref('int_ledger_postings_signed') }}

),

transactions as (

    select * from {{ ref('stg_platform__ledger_transactions') }}

),

revenue_gl_accounts as (

    select * from {{ ref('growth_revenue_gl_accounts') }}

),

revenue_postings as (

    select
        transactions.account_id,
        revenue_gl_accounts.revenue_component,
        postings.signed_amount,
        postings.booking_date
    from postings
    inner join revenue_gl_accounts
        on postings.gl_code = revenue_gl_accounts.gl_code
    inner join transactions
        on postings.txn_id = transactions.txn_id
    where transactions.account_id is not null

),

final as (

    select
        account_id,
        strftime(booking_date, '%Y-%m') as month_id,
        cast(
            coalesce(sum(signed_amount) filter (where revenue_component = 'interest_income'), 0) as decimal(
                38, 2
            )
        )
            as interest_income,
        cast(
            coalesce(
                sum(signed_amount) filter (where revenue_component = 'commission_income'), 0
            ) as decimal(38, 2)
        )
            as commission_income,
        cast(
            coalesce(sum(signed_amount) filter (where revenue_component = 'fee_income'), 0) as decimal(38, 2)
        )
            as fee_income
    from revenue_postings
    group by account_id, strftime(booking_date, '%Y-%m')

)

select * from final
