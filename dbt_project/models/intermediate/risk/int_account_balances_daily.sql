{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['account_id', 'as_of_date'],
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'as_of_date'},
        pre_hook="{{ delete_partition_window('as_of_date') }}"
    )
}}
-- Incremental by trading day: a run writes the days in [var('min_date'), var('max_date')); the
-- running balances still sum every earlier posting (small next to the daily rows); a full
-- build covers all days.
-- One row per account and trading day, from the account's opening (or first activity, if
-- earlier) to the last end-of-day date, with the cumulative balance of each exposure component
-- (the GL accounts of the exposure_gl_accounts seed, in their normal direction) up to that day.
with

accounts as (

    select * from {{ ref('stg_platform__accounts') }}

),

postings as (

    select * from {{ ref('int_ledger_postings_signed') }}
    where account_id is not null

),

exposure_gl_accounts as (

    select * from {{ ref('exposure_gl_accounts') }}

),

fills as (

    select * from {{ ref('stg_platform__fills') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('trading_date') }}
    {%- endif %}

),

daily_movements as (

    select
        postings.account_id,
        postings.booking_date,
        {{ exposure_component_changes('exposure_gl_accounts.exposure_component', 'postings.signed_amount') }}
    from postings
    inner join exposure_gl_accounts
        on postings.gl_code = exposure_gl_accounts.gl_code
    group by postings.account_id, postings.booking_date

),

-- Each balance holds from its booking date until the next date the account moved.
running_balances as (

    select
        account_id,
        sum(client_cash_change) over cumulative as client_cash,
        sum(financing_principal_change) over cumulative as financing_principal,
        sum(accrued_interest_change) over cumulative as accrued_interest,
        sum(deficit_receivable_change) over cumulative as deficit_receivable,
        sum(fees_receivable_change) over cumulative as fees_receivable,
        booking_date as balance_from_date,
        lead(booking_date) over (partition by account_id order by booking_date) as balance_to_date
    from daily_movements
    window cumulative as (
        partition by account_id order by booking_date rows between unbounded preceding and current row
    )

),

first_movements as (

    select
        account_id,
        min(booking_date) as first_booking_date
    from daily_movements
    group by account_id

),

first_fills as (

    select
        account_id,
        min(trade_date) as first_trade_date
    from fills
    group by account_id

),

account_starts as (

    select
        accounts.account_id,
        accounts.client_id,
        accounts.product_id,
        least(
            {{ exchange_date('accounts.opened_at') }},
            coalesce(first_movements.first_booking_date, {{ exchange_date('accounts.opened_at') }}),
            coalesce(first_fills.first_trade_date, {{ exchange_date('accounts.opened_at') }})
        ) as start_date
    from accounts
    left join first_movements
        on accounts.account_id = first_movements.account_id
    left join first_fills
        on accounts.account_id = first_fills.account_id

),

spine as (

    select
        account_starts.account_id,
        account_starts.client_id,
        account_starts.product_id,
        account_starts.start_date,
        trading_days.trading_date as as_of_date
    from account_starts
    inner join trading_days
        on account_starts.start_date <= trading_days.trading_date

),

balances as (

    select
        spine.account_id,
        spine.client_id,
        spine.product_id,
        cast(coalesce(running_balances.client_cash, 0) as decimal(38, 2)) as client_cash,
        cast(coalesce(running_balances.financing_principal, 0) as decimal(38, 2)) as financing_principal,
        cast(coalesce(running_balances.accrued_interest, 0) as decimal(38, 2)) as accrued_interest,
        cast(coalesce(running_balances.deficit_receivable, 0) as decimal(38, 2)) as deficit_receivable,
        cast(coalesce(running_balances.fees_receivable, 0) as decimal(38, 2)) as fees_receivable,
        spine.start_date,
        spine.as_of_date
    from spine
    left join running_balances
        on
            spine.account_id = running_balances.account_id
            and spine.as_of_date >= running_balances.balance_from_date
            and (
                running_balances.balance_to_date is null
                or spine.as_of_date < running_balances.balance_to_date
            )

)

select * from balances
