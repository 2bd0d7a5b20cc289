-- The closing balance of every platform bank account on every trading day from its first
-- statement on: the latest statement dated on or before the day (is_carried_forward when the
-- bank sent none that day).
with

statements as (

    select * from {{ ref('int_bank_statements_mapped') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

balances as (

    select
        statements.bank_account_id,
        statements.statement_id,
        statements.gl_code,
        statements.purpose,
        statements.currency,
        statements.closing_balance,
        statements.statement_date < trading_days.trading_date as is_carried_forward,
        statements.statement_date,
        trading_days.trading_date as balance_date
    from statements
    inner join trading_days
        on
            statements.statement_date <= trading_days.trading_date
            and (
                statements.next_statement_date is null
                or statements.next_statement_date > trading_days.trading_date
            )

)

select * from balances
