{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['gl_code', 'currency', 'balance_date'],
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'balance_date'}
    )
}}
-- Daily trial balance: every GL account's closing balance per currency and trading day, on
-- the debit side or the credit side, with the day's debits and credits and the totals of the
-- day and currency. Balanced journals make total debit balances equal total credit balances
-- (the trial balance sums to zero per currency): a blocking test.
-- Incremental by business date (tag partitioned): a run rebuilds the trading days in
-- [var('min_date'), var('max_date')) from fct_ledger_balances_daily.

with

ledger_balances as (

    select * from {{ ref('fct_ledger_balances_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('balance_date') }}
    {%- endif %}

),

gl_accounts as (

    select * from {{ ref('gl_accounts') }}

),

gl_balances as (

    select
        gl_code,
        currency,
        sum(debit_amount) as period_debits,
        sum(credit_amount) as period_credits,
        sum(closing_balance) as closing_balance,
        sum(closing_debit_minus_credit) as net_debit_balance,
        count(*) as ledger_account_count,
        balance_date
    from ledger_balances
    group by gl_code, currency, balance_date

),

final as (

    select
        gl_balances.gl_code,
        gl_accounts.gl_name,
        gl_accounts.gl_type,
        gl_accounts.normal_balance,
        gl_accounts.bank_account_id,
        gl_balances.currency,
        cast(gl_balances.closing_balance as decimal(38, 2)) as closing_balance,
        cast(greatest(gl_balances.net_debit_balance, 0) as decimal(38, 2)) as debit_balance,
        cast(greatest(-gl_balances.net_debit_balance, 0) as decimal(38, 2)) as credit_balance,
        cast(gl_balances.net_debit_balance as decimal(38, 2)) as net_debit_balance,
        cast(gl_balances.period_debits as decimal(38, 2)) as period_debits,
        cast(gl_balances.period_credits as decimal(38, 2)) as period_credits,
        cast(sum(greatest(gl_balances.net_debit_balance, 0)) over currency_day as decimal(38, 2))
            as total_debit_balance,
        cast(sum(greatest(-gl_balances.net_debit_balance, 0)) over currency_day as decimal(38, 2))
            as total_credit_balance,
        cast(sum(gl_balances.period_debits) over currency_day as decimal(38, 2)) as total_period_debits,
        cast(sum(gl_balances.period_credits) over currency_day as decimal(38, 2)) as total_period_credits,
        cast(gl_balances.ledger_account_count as integer) as ledger_account_count,
        gl_accounts.is_client_money,
        gl_balances.balance_date
    from gl_balances
    inner join gl_accounts
        on gl_balances.gl_code = gl_accounts.gl_code
    window currency_day as (partition by gl_balances.currency, gl_balances.balance_date)

)

select * from final
