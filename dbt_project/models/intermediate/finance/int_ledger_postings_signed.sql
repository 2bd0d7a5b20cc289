-- Ledger postings with their journal's business date and an amount signed by the GL account's
-- normal balance, so summing signed_amount gives each account's balance in its natural sign.
-- Reversed journals stay in: a reversal is a journal of its own and the two net to zero.
with

postings as (

    select * from {{ ref('stg_platform__ledger_postings') }}

),

transactions as (

    select * from {{ ref('stg_platform__ledger_transactions') }}

),

gl_accounts as (

    select * from {{ ref('gl_accounts') }}

),

signed as (

    select
        postings.posting_id,
        postings.txn_id,
        postings.account_id,
        postings.gl_code,
        transactions.txn_type,
        transactions.status as txn_status,
        postings.direction,
        gl_accounts.normal_balance,
        postings.currency,
        postings.line_no,
        postings.amount,
        case
            when postings.direction = gl_accounts.normal_balance then postings.amount
            else -postings.amount
        end as signed_amount,
        case
            when postings.direction = 'D' then postings.amount
            else -postings.amount
        end as debit_minus_credit_amount,
        transactions.booking_date,
        postings.recorded_at
    from postings
    inner join transactions
        on postings.txn_id = transactions.txn_id
    inner join gl_accounts
        on postings.gl_code = gl_accounts.gl_code

)

select * from signed
