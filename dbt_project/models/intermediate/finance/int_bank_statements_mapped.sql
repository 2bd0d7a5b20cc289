-- Daily bank statements on the platform's bank accounts, with the account's id, purpose and
-- mirror GL account, and the date the next statement of the account takes over
-- (next_statement_date, null for the latest), so a closing balance can be read as of any day.
with

statements as (

    select * from {{ ref('stg_bank_statements__bank_statements') }}

),

bank_accounts as (

    select * from {{ ref('bank_accounts') }}

),

mapped as (

    select
        statements.statement_id,
        bank_accounts.bank_account_id,
        bank_accounts.gl_code,
        bank_accounts.purpose,
        statements.currency,
        statements.opening_balance,
        statements.closing_balance,
        statements.entry_count,
        statements.statement_date,
        lead(statements.statement_date) over (
            partition by bank_accounts.bank_account_id order by statements.statement_date
        ) as next_statement_date
    from statements
    inner join bank_accounts
        on statements.account_number = bank_accounts.account_number

)

select * from mapped
