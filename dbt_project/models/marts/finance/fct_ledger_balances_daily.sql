{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['ledger_account_id', 'currency', 'balance_date'],
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'balance_date'}
    )
}}
-- Daily balance of every ledger account: a GL account, or, for client sub-ledger GL accounts
-- (postings that carry a client account_id), a GL account and client account. One row per
-- ledger account, currency and trading day from the account's first posting on. Postings
-- count on the first trading day on or after their booking date. Balances are read in the GL
-- account's normal direction (signed_amount of int_ledger_postings_signed), and also as
-- debit minus credit, which sums to zero over all accounts of a currency.
-- Incremental by business date (tag partitioned): a run rebuilds the trading days in
-- [var('min_date'), var('max_date')); the balance brought forward is the sum of every earlier
-- posting (one aggregate over the history, so any window can be rebuilt on its own).

with

postings as (

    select * from {{ ref('int_ledger_postings_signed') }}

),

gl_accounts as (

    select * from {{ ref('gl_accounts') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

window_days as (

    select trading_date as balance_date
    from trading_days
    {% if is_incremental() -%}
        where
            {{ in_partition_window('trading_date') }}
    {%- endif %}

),

booking_dates as (

    select distinct booking_date from postings

),

balance_dates as (

    select
        booking_dates.booking_date,
        min(trading_days.trading_date) as balance_date
    from booking_dates
    inner join trading_days
        on booking_dates.booking_date <= trading_days.trading_date
    group by booking_dates.booking_date

),

daily_movements as (

    select
        postings.gl_code || coalesce('/' || postings.account_id, '') as ledger_account_id,
        postings.gl_code,
        postings.account_id,
        postings.currency,
        balance_dates.balance_date,
        sum(case when postings.direction = 'D' then postings.amount else 0 end) as debit_amount,
        sum(case when postings.direction = 'C' then postings.amount else 0 end) as credit_amount,
        sum(postings.signed_amount) as net_movement,
        sum(postings.debit_minus_credit_amount) as debit_minus_credit_movement,
        count(*) as posting_count
    from postings
    inner join balance_dates
        on postings.booking_date = balance_dates.booking_date
    group by all

),

window_start as (

    select min(balance_date) as first_balance_date
    from window_days

),

ledger_accounts as (

    select
        daily_movements.ledger_account_id,
        daily_movements.gl_code,
        daily_movements.account_id,
        daily_movements.currency,
        min(daily_movements.balance_date) as first_balance_date,
        sum(
            case
                when
                    daily_movements.balance_date < window_start.first_balance_date
                    then daily_movements.net_movement
                else 0
            end
        ) as brought_forward,
        sum(
            case
                when daily_movements.balance_date < window_start.first_balance_date
                    then daily_movements.debit_minus_credit_movement
                else 0
            end
        ) as debit_minus_credit_brought_forward
    from daily_movements
    cross join window_start
    group by all

),

spine as (

    select
        ledger_accounts.*,
        window_days.balance_date
    from ledger_accounts
    inner join window_days
        on ledger_accounts.first_balance_date <= window_days.balance_date

),

balances as (

    select
        spine.ledger_account_id,
        spine.gl_code,
        spine.account_id,
        spine.currency,
        coalesce(daily_movements.debit_amount, 0) as debit_amount,
        coalesce(daily_movements.credit_amount, 0) as credit_amount,
        coalesce(daily_movements.net_movement, 0) as net_movement,
        coalesce(daily_movements.posting_count, 0) as posting_count,
        spine.brought_forward
        + sum(coalesce(daily_movements.net_movement, 0)) over to_date as closing_balance,
        spine.debit_minus_credit_brought_forward
        + sum(coalesce(daily_movements.debit_minus_credit_movement, 0))
            over to_date
            as closing_debit_minus_credit,
        spine.balance_date
    from spine
    left join daily_movements
        on
            spine.ledger_account_id = daily_movements.ledger_account_id
            and spine.currency = daily_movements.currency
            and spine.balance_date = daily_movements.balance_date
    window to_date as (
        partition by spine.ledger_account_id, spine.currency
        order by spine.balance_date
        rows between unbounded preceding and current row
    )

),

final as (

    select
        balances.ledger_account_id,
        balances.gl_code,
        balances.account_id,
        gl_accounts.gl_type,
        gl_accounts.normal_balance,
        balances.currency,
        cast(balances.closing_balance - balances.net_movement as decimal(38, 2)) as opening_balance,
        cast(balances.debit_amount as decimal(38, 2)) as debit_amount,
        cast(balances.credit_amount as decimal(38, 2)) as credit_amount,
        cast(balances.net_movement as decimal(38, 2)) as net_movement,
        cast(balances.closing_balance as decimal(38, 2)) as closing_balance,
        cast(balances.closing_debit_minus_credit as decimal(38, 2)) as closing_debit_minus_credit,
        cast(balances.posting_count as integer) as posting_count,
        gl_accounts.is_client_money,
        gl_accounts.is_client_subledger,
        balances.balance_date
    from balances
    inner join gl_accounts
        on balances.gl_code = gl_accounts.gl_code

)

select * from final
