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
-- Daily cash position of the platform's own money per trading day and currency: the closing
-- balances of its own bank accounts (own_operating and settlement; at the bank and in the
-- ledger), the scheduled inflows and outflows of every maturity bucket
-- (fct_liquidity_funding_gap), and the net position they leave. Client money (the
-- client_segregated and reserve accounts) is shown beside it and is not part of it.
-- Incremental by business date (tag partitioned): a run rebuilds the trading days in
-- [var('min_date'), var('max_date')).

with

funding_gap as (

    select * from {{ ref('fct_liquidity_funding_gap') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('balance_date') }}
    {%- endif %}

),

bank_balances as (

    select * from {{ ref('int_bank_balances_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('balance_date') }}
    {%- endif %}

),

trial_balance as (

    select * from {{ ref('fct_trial_balance_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('balance_date') }}
    {%- endif %}

),

bank_accounts as (

    select * from {{ ref('bank_accounts') }}

),

scheduled as (

    select
        currency,
        max(own_bank_balance) as own_bank_balance,
        sum(inflows) as scheduled_inflows,
        sum(outflows) as scheduled_outflows,
        max(funding_gap_amount) as largest_funding_gap,
        min(bucket_order) filter (where is_funding_gap) as first_gap_bucket_order,
        balance_date
    from funding_gap
    group by currency, balance_date

),

first_gap as (

    select
        scheduled.currency,
        scheduled.balance_date,
        funding_gap.bucket_id as first_gap_bucket_id
    from scheduled
    inner join funding_gap
        on
            scheduled.currency = funding_gap.currency
            and scheduled.balance_date = funding_gap.balance_date
            and scheduled.first_gap_bucket_order = funding_gap.bucket_order

),

client_money as (

    select
        currency,
        sum(closing_balance) filter (where purpose = 'client_segregated') as segregated_bank_balance,
        sum(closing_balance) filter (where purpose = 'reserve') as reserve_bank_balance,
        balance_date
    from bank_balances
    group by currency, balance_date

),

own_ledger as (

    select
        trial_balance.currency,
        sum(trial_balance.net_debit_balance) as own_ledger_balance,
        trial_balance.balance_date
    from trial_balance
    inner join bank_accounts
        on trial_balance.gl_code = bank_accounts.gl_code
    where bank_accounts.purpose in ('own_operating', 'settlement')
    group by trial_balance.currency, trial_balance.balance_date

),

final as (

    select
        first_gap.first_gap_bucket_id,
        scheduled.currency,
        cast(scheduled.own_bank_balance as decimal(38, 2)) as own_bank_balance,
        cast(coalesce(own_ledger.own_ledger_balance, 0) as decimal(38, 2)) as own_ledger_balance,
        cast(scheduled.scheduled_inflows as decimal(38, 2)) as scheduled_inflows,
        cast(scheduled.scheduled_outflows as decimal(38, 2)) as scheduled_outflows,
        cast(scheduled.scheduled_inflows - scheduled.scheduled_outflows as decimal(38, 2))
            as net_scheduled_flow,
        cast(
            scheduled.own_bank_balance + scheduled.scheduled_inflows - scheduled.scheduled_outflows
            as decimal(38, 2)
        ) as net_cash_position,
        cast(coalesce(scheduled.largest_funding_gap, 0) as decimal(38, 2)) as largest_funding_gap,
        cast(coalesce(client_money.segregated_bank_balance, 0) as decimal(38, 2)) as segregated_bank_balance,
        cast(coalesce(client_money.reserve_bank_balance, 0) as decimal(38, 2)) as reserve_bank_balance,
        first_gap.first_gap_bucket_id is not null as has_funding_gap,
        scheduled.balance_date
    from scheduled
    left join first_gap
        on scheduled.currency = first_gap.currency and scheduled.balance_date = first_gap.balance_date
    left join client_money
        on scheduled.currency = client_money.currency and scheduled.balance_date = client_money.balance_date
    left join own_ledger
        on scheduled.currency = own_ledger.currency and scheduled.balance_date = own_ledger.balance_date

)

select * from final
