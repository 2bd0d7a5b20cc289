-- What each journal moved on each of the platform's bank accounts: the journal's postings on
-- the bank's mirror GL account netted into one signed amount, money in positive (a debit of the
-- asset), as a bank statement shows it. A transfer between two platform bank accounts is one
-- journal and two movements. The journal's external reference (the end-to-end id it sent to
-- the bank) is what the reconciliation matches first.
with

postings as (

    select * from {{ ref('int_ledger_postings_signed') }}

),

transactions as (

    select * from {{ ref('stg_platform__ledger_transactions') }}

),

gl_accounts as (

    select * from {{ ref('gl_accounts') }}

),

bank_accounts as (

    select * from {{ ref('bank_accounts') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

bank_postings as (

    select
        postings.txn_id,
        gl_accounts.bank_account_id,
        postings.gl_code,
        postings.txn_type,
        postings.currency,
        postings.debit_minus_credit_amount,
        postings.booking_date
    from postings
    inner join gl_accounts
        on postings.gl_code = gl_accounts.gl_code
    where gl_accounts.bank_account_id is not null

),

movements as (

    select
        txn_id,
        bank_account_id,
        gl_code,
        txn_type,
        currency,
        sum(debit_minus_credit_amount) as amount,
        count(*) as posting_count,
        booking_date
    from bank_postings
    group by txn_id, bank_account_id, gl_code, txn_type, currency, booking_date

),

booking_dates as (

    select distinct booking_date from movements

),

business_days as (

    select
        booking_dates.booking_date,
        max(trading_days.trading_day_number) as business_day
    from booking_dates
    inner join trading_days
        on booking_dates.booking_date >= trading_days.trading_date
    group by booking_dates.booking_date

),

enriched as (

    select
        movements.txn_id || ':' || movements.bank_account_id as movement_id,
        movements.txn_id,
        movements.bank_account_id,
        movements.gl_code,
        nullif(trim(transactions.external_ref), '') as external_ref,
        transactions.reference,
        movements.txn_type,
        bank_accounts.purpose,
        transactions.counterparty_account_token,
        movements.currency,
        cast(movements.amount as decimal(18, 2)) as amount,
        movements.posting_count,
        coalesce(business_days.business_day, 0) as booking_business_day,
        movements.booking_date
    from movements
    inner join transactions
        on movements.txn_id = transactions.txn_id
    inner join bank_accounts
        on movements.bank_account_id = bank_accounts.bank_account_id
    left join business_days
        on movements.booking_date = business_days.booking_date

)

select * from enriched
