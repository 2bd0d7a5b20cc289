-- Bank statement lines on the platform's bank accounts, with the account's id, purpose and
-- mirror GL account, a missing end-to-end id as null, and the business day (trading day number)
-- of the booking and value dates: the latest trading day on or before the date, 0 before the
-- first one. Reconciliation windows count business days as differences of these numbers.
with

lines as (

    select * from {{ ref('stg_bank_statements__bank_statement_lines') }}

),

bank_accounts as (

    select * from {{ ref('bank_accounts') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

line_dates as (

    select booking_date as calendar_date from lines
    union
    select value_date as calendar_date from lines

),

business_days as (

    select
        line_dates.calendar_date,
        max(trading_days.trading_day_number) as business_day
    from line_dates
    inner join trading_days
        on line_dates.calendar_date >= trading_days.trading_date
    group by line_dates.calendar_date

),

mapped as (

    select
        lines.line_id,
        lines.statement_id,
        bank_accounts.bank_account_id,
        bank_accounts.gl_code,
        nullif(trim(lines.end_to_end_id), '') as end_to_end_id,
        lines.bank_reference,
        bank_accounts.purpose,
        lines.currency,
        lines.credit_debit,
        lines.transaction_code,
        lines.counterparty_account_token,
        lines.remittance_info,
        lines.line_no,
        lines.amount,
        coalesce(booking_days.business_day, 0) as booking_business_day,
        coalesce(value_days.business_day, 0) as value_business_day,
        coalesce(lines.is_reversal, false) as is_reversal,
        lines.booking_date,
        coalesce(lines.value_date, lines.booking_date) as value_date
    from lines
    inner join bank_accounts
        on lines.account_number = bank_accounts.account_number
    left join business_days as booking_days
        on lines.booking_date = booking_days.calendar_date
    left join business_days as value_days
        on coalesce(lines.value_date, lines.booking_date) = value_days.calendar_date

)

select * from mapped
