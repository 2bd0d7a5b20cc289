-- What each journal did to each account's exposure balances, with the moment it took effect,
-- so balances can be rebuilt as of any time of day. Components and signs are those of
-- int_account_balances_daily (the exposure_gl_accounts seed; each GL account's normal
-- direction). trading_date is the trading day whose end-of-day balances first include the
-- journal: its booking date, or the next trading day when it was booked on a non-trading day.
with

postings as (

    select * from {{ ref('int_ledger_postings_signed') }}
    where account_id is not null

),

transactions as (

    select * from {{ ref('stg_platform__ledger_transactions') }}

),

exposure_gl_accounts as (

    select * from {{ ref('exposure_gl_accounts') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

journal_changes as (

    select
        postings.txn_id,
        postings.account_id,
        postings.txn_type,
        {{ exposure_component_changes('exposure_gl_accounts.exposure_component', 'postings.signed_amount') }},
        postings.booking_date
    from postings
    inner join exposure_gl_accounts
        on postings.gl_code = exposure_gl_accounts.gl_code
    group by postings.txn_id, postings.account_id, postings.txn_type, postings.booking_date

),

with_times as (

    select
        journal_changes.txn_id,
        journal_changes.account_id,
        journal_changes.txn_type,
        cast(journal_changes.client_cash_change as decimal(38, 2)) as client_cash_change,
        cast(journal_changes.financing_principal_change as decimal(38, 2)) as financing_principal_change,
        cast(journal_changes.accrued_interest_change as decimal(38, 2)) as accrued_interest_change,
        cast(journal_changes.deficit_receivable_change as decimal(38, 2)) as deficit_receivable_change,
        cast(journal_changes.fees_receivable_change as decimal(38, 2)) as fees_receivable_change,
        journal_changes.booking_date,
        transactions.effective_at
    from journal_changes
    inner join transactions
        on journal_changes.txn_id = transactions.txn_id

),

-- The first trading day on or after the booking date.
final as (

    select
        with_times.txn_id,
        with_times.account_id,
        with_times.txn_type,
        with_times.client_cash_change,
        with_times.financing_principal_change,
        with_times.accrued_interest_change,
        with_times.deficit_receivable_change,
        with_times.fees_receivable_change,
        with_times.booking_date,
        trading_days.trading_date,
        with_times.effective_at
    from with_times
    asof left join trading_days
        on with_times.booking_date <= trading_days.trading_date

)

select * from final
