{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['currency', 'balance_date'],
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'balance_date'}
    )
}}
-- Client money segregation per trading day and currency (finance_segregation_gl_accounts):
--   requirement = client credit balances (client by client: overdrawn clients offset nobody)
--                 - net debit balance of the clearing accounts (client trades awaiting
--                 settlement with the exchange: a receivable lowers it, a payable raises it)
-- against the money held for clients: the closing balances of the client_segregated and
-- reserve bank accounts (latest statement on or before the day). surplus = segregated bank
-- balance - requirement; a negative surplus is a shortfall and is flagged. So is every payment
-- of the platform's own out of a segregated account: a ledger movement out of one booked that
-- day for a journal type not in finance_segregated_payment_purposes, or a bank debit opened
-- that day with no journal behind it (a bank_only or duplicate reconciliation break).
-- Incremental by business date (tag partitioned): a run rebuilds the trading days in
-- [var('min_date'), var('max_date')).

with

ledger_balances as (

    select * from {{ ref('fct_ledger_balances_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('balance_date') }}
    {%- endif %}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('trading_date') }}
    {%- endif %}

),

bank_balances as (

    select * from {{ ref('int_bank_balances_daily') }}
    where
        purpose in ('client_segregated', 'reserve')
        {% if is_incremental() -%}
            and {{ in_partition_window('balance_date') }}
        {%- endif %}

),

ledger_movements as (

    select * from {{ ref('int_ledger_bank_movements') }}
    where purpose in ('client_segregated', 'reserve') and amount < 0

),

breaks as (

    select * from {{ ref('fct_bank_reconciliation_breaks') }}
    where break_reason in ('bank_only', 'duplicate') and break_amount < 0

),

segregation_gl_accounts as (

    select * from {{ ref('finance_segregation_gl_accounts') }}

),

payment_purposes as (

    select * from {{ ref('finance_segregated_payment_purposes') }}

),

bank_accounts as (

    select * from {{ ref('bank_accounts') }}

),

requirement_balances as (

    select
        ledger_balances.currency,
        sum(greatest(ledger_balances.closing_balance, 0)) filter (
            where segregation_gl_accounts.segregation_role = 'client_credit'
        ) as client_credit_balance,
        sum(greatest(-ledger_balances.closing_balance, 0)) filter (
            where segregation_gl_accounts.segregation_role = 'client_credit'
        ) as client_debit_balance,
        count(*) filter (
            where segregation_gl_accounts.segregation_role = 'client_credit'
            and ledger_balances.closing_balance > 0
        ) as client_account_count,
        sum(ledger_balances.closing_debit_minus_credit) filter (
            where segregation_gl_accounts.segregation_role = 'clearing_settlement'
        ) as clearing_net_debit_balance,
        ledger_balances.balance_date
    from ledger_balances
    inner join segregation_gl_accounts
        on
            ledger_balances.gl_code = segregation_gl_accounts.gl_code
            and ledger_balances.balance_date >= segregation_gl_accounts.effective_from
            and (
                segregation_gl_accounts.effective_to is null
                or ledger_balances.balance_date < segregation_gl_accounts.effective_to
            )
    group by ledger_balances.currency, ledger_balances.balance_date

),

segregated_bank as (

    select
        currency,
        sum(closing_balance) as segregated_bank_balance,
        count(*) as segregated_account_count,
        balance_date
    from bank_balances
    group by currency, balance_date

),

segregated_ledger as (

    select
        ledger_balances.currency,
        sum(ledger_balances.closing_debit_minus_credit) as segregated_ledger_balance,
        ledger_balances.balance_date
    from ledger_balances
    inner join bank_accounts
        on ledger_balances.gl_code = bank_accounts.gl_code
    where bank_accounts.purpose in ('client_segregated', 'reserve')
    group by ledger_balances.currency, ledger_balances.balance_date

),

own_payments as (

    select
        ledger_movements.currency,
        count(*) as own_payment_count,
        -sum(ledger_movements.amount) as own_payment_amount,
        trading_days.trading_date as balance_date
    from ledger_movements
    inner join trading_days
        on ledger_movements.booking_date = trading_days.trading_date
    left join payment_purposes
        on
            ledger_movements.txn_type = payment_purposes.txn_type
            and ledger_movements.booking_date >= payment_purposes.effective_from
            and (
                payment_purposes.effective_to is null
                or ledger_movements.booking_date < payment_purposes.effective_to
            )
    where payment_purposes.txn_type is null
    group by ledger_movements.currency, trading_days.trading_date

),

unbooked_debits as (

    select
        breaks.currency,
        count(*) as unbooked_debit_count,
        -sum(breaks.break_amount) as unbooked_debit_amount,
        trading_days.trading_date as balance_date
    from breaks
    inner join bank_accounts
        on breaks.bank_account_id = bank_accounts.bank_account_id
    inner join trading_days
        on breaks.opened_date = trading_days.trading_date
    where bank_accounts.purpose in ('client_segregated', 'reserve')
    group by breaks.currency, trading_days.trading_date

),

days as (

    select
        currency,
        balance_date
    from requirement_balances
    union
    select
        currency,
        balance_date
    from segregated_bank

),

combined as (

    select
        days.currency,
        coalesce(requirement_balances.client_credit_balance, 0) as client_credit_balance,
        coalesce(requirement_balances.client_debit_balance, 0) as client_debit_balance,
        coalesce(requirement_balances.clearing_net_debit_balance, 0) as clearing_net_debit_balance,
        coalesce(segregated_bank.segregated_bank_balance, 0) as segregated_bank_balance,
        coalesce(segregated_ledger.segregated_ledger_balance, 0) as segregated_ledger_balance,
        coalesce(own_payments.own_payment_amount, 0) as own_payment_amount,
        coalesce(unbooked_debits.unbooked_debit_amount, 0) as unbooked_debit_amount,
        coalesce(requirement_balances.client_account_count, 0) as client_account_count,
        coalesce(segregated_bank.segregated_account_count, 0) as segregated_account_count,
        coalesce(own_payments.own_payment_count, 0) as own_payment_count,
        coalesce(unbooked_debits.unbooked_debit_count, 0) as unbooked_debit_count,
        days.balance_date
    from days
    left join requirement_balances
        on
            days.currency = requirement_balances.currency
            and days.balance_date = requirement_balances.balance_date
    left join segregated_bank
        on days.currency = segregated_bank.currency and days.balance_date = segregated_bank.balance_date
    left join segregated_ledger
        on days.currency = segregated_ledger.currency and days.balance_date = segregated_ledger.balance_date
    left join own_payments
        on days.currency = own_payments.currency and days.balance_date = own_payments.balance_date
    left join unbooked_debits
        on days.currency = unbooked_debits.currency and days.balance_date = unbooked_debits.balance_date

),

final as (

    select
        currency,
        cast(client_credit_balance as decimal(38, 2)) as client_credit_balance,
        cast(client_debit_balance as decimal(38, 2)) as client_debit_balance,
        cast(clearing_net_debit_balance as decimal(38, 2)) as clearing_net_debit_balance,
        cast(client_credit_balance - clearing_net_debit_balance as decimal(38, 2)) as segregation_requirement,
        cast(segregated_bank_balance as decimal(38, 2)) as segregated_bank_balance,
        cast(segregated_ledger_balance as decimal(38, 2)) as segregated_ledger_balance,
        cast(segregated_bank_balance - (client_credit_balance - clearing_net_debit_balance) as decimal(38, 2))
            as segregation_surplus,
        cast(
            greatest(
                client_credit_balance - clearing_net_debit_balance - segregated_bank_balance, 0
            ) as decimal(38, 2)
        )
            as shortfall_amount,
        cast(own_payment_amount as decimal(38, 2)) as own_payment_amount,
        cast(unbooked_debit_amount as decimal(38, 2)) as unbooked_debit_amount,
        cast(client_account_count as integer) as client_account_count,
        cast(segregated_account_count as integer) as segregated_account_count,
        cast(own_payment_count as integer) as own_payment_count,
        cast(unbooked_debit_count as integer) as unbooked_debit_count,
        client_credit_balance - clearing_net_debit_balance > segregated_bank_balance as is_shortfall,
        own_payment_count + unbooked_debit_count > 0 as has_own_payment,
        balance_date
    from combined

)

select * from final
