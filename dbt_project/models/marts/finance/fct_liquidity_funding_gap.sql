{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['currency', 'bucket_id', 'balance_date'],
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'balance_date'}
    )
}}
-- Funding gap of the platform's own liquidity by maturity bucket, per trading day and
-- currency. Scheduled flows come from the day's closing balances (finance_liquidity_flows):
-- a GL account's positive balance in its normal direction, times flow_share, falls due in the
-- seed's bucket; when the seed gives no bucket, each client account's balance falls due on the
-- financing maturity date of the account's terms in force that day (past due: the first
-- bucket; no maturity: the last). Own cash is the closing balance of the own_operating and
-- settlement bank accounts; client money (client_segregated and reserve accounts) is not the
-- platform's. cumulative_position = own cash + cumulative inflows - cumulative outflows up to
-- and including the bucket; a negative one is a funding gap.
-- Incremental by business date (tag partitioned): a run rebuilds the trading days in
-- [var('min_date'), var('max_date')).

with

trial_balance as (

    select * from {{ ref('fct_trial_balance_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('balance_date') }}
    {%- endif %}

),

ledger_balances as (

    select * from {{ ref('fct_ledger_balances_daily') }}
    where
        account_id is not null
        {% if is_incremental() -%}
            and {{ in_partition_window('balance_date') }}
        {%- endif %}

),

bank_balances as (

    select * from {{ ref('int_bank_balances_daily') }}
    where
        purpose in ('own_operating', 'settlement')
        {% if is_incremental() -%}
            and {{ in_partition_window('balance_date') }}
        {%- endif %}

),

account_terms as (

    select * from {{ ref('int_account_terms_dated') }}

),

flows as (

    select * from {{ ref('finance_liquidity_flows') }}

),

buckets as (

    select * from {{ ref('finance_liquidity_buckets') }}

),

-- Currencies and days the position is computed for: those with own cash or scheduled flows.
position_days as (

    select distinct
        currency,
        balance_date
    from trial_balance
    union
    select distinct
        currency,
        balance_date
    from bank_balances

),

buckets_in_force as (

    select
        position_days.currency,
        position_days.balance_date,
        buckets.bucket_id,
        buckets.bucket_order,
        buckets.min_days,
        buckets.max_days,
        buckets.bucket_order = min(buckets.bucket_order) over same_day as is_first_bucket,
        buckets.bucket_order = max(buckets.bucket_order) over same_day as is_last_bucket
    from position_days
    inner join buckets
        on
            position_days.balance_date >= buckets.effective_from
            and (buckets.effective_to is null or position_days.balance_date < buckets.effective_to)
    window same_day as (partition by position_days.currency, position_days.balance_date)

),

gl_flows as (

    select
        trial_balance.currency,
        trial_balance.balance_date,
        flows.bucket_id,
        flows.flow_direction,
        cast(greatest(trial_balance.closing_balance, 0) * flows.flow_share as decimal(38, 2)) as amount
    from trial_balance
    inner join flows
        on
            trial_balance.gl_code = flows.gl_code
            and flows.bucket_id is not null
            and trial_balance.balance_date >= flows.effective_from
            and (flows.effective_to is null or trial_balance.balance_date < flows.effective_to)

),

maturity_balances as (

    select
        ledger_balances.currency,
        ledger_balances.balance_date,
        flows.flow_direction,
        cast(greatest(ledger_balances.closing_balance, 0) * flows.flow_share as decimal(38, 2)) as amount,
        case
            when account_terms.maturity_date is not null
                then greatest(account_terms.maturity_date - ledger_balances.balance_date, 0)
        end as days_to_maturity
    from ledger_balances
    inner join flows
        on
            ledger_balances.gl_code = flows.gl_code
            and flows.bucket_id is null
            and ledger_balances.balance_date >= flows.effective_from
            and (flows.effective_to is null or ledger_balances.balance_date < flows.effective_to)
    left join account_terms
        on
            ledger_balances.account_id = account_terms.account_id
            and ledger_balances.balance_date >= account_terms.valid_from
            and (account_terms.valid_to is null or ledger_balances.balance_date < account_terms.valid_to)
    where ledger_balances.closing_balance > 0

),

maturity_flows as (

    select
        maturity_balances.currency,
        maturity_balances.balance_date,
        buckets_in_force.bucket_id,
        maturity_balances.flow_direction,
        maturity_balances.amount
    from maturity_balances
    inner join buckets_in_force
        on
            maturity_balances.currency = buckets_in_force.currency
            and maturity_balances.balance_date = buckets_in_force.balance_date
            and (
                (
                    maturity_balances.days_to_maturity >= buckets_in_force.min_days
                    and (
                        buckets_in_force.max_days is null
                        or maturity_balances.days_to_maturity <= buckets_in_force.max_days
                    )
                )
                or (maturity_balances.days_to_maturity is null and buckets_in_force.is_last_bucket)
            )

),

all_flows as (

    select * from gl_flows
    union all
    select * from maturity_flows

),

own_cash as (

    select
        currency,
        sum(closing_balance) as own_bank_balance,
        balance_date
    from bank_balances
    group by currency, balance_date

),

bucket_flows as (

    select
        buckets_in_force.currency,
        buckets_in_force.bucket_id,
        buckets_in_force.bucket_order,
        buckets_in_force.min_days,
        buckets_in_force.max_days,
        coalesce(own_cash.own_bank_balance, 0) as own_bank_balance,
        coalesce(sum(all_flows.amount) filter (where all_flows.flow_direction = 'inflow'), 0) as inflows,
        coalesce(sum(all_flows.amount) filter (where all_flows.flow_direction = 'outflow'), 0) as outflows,
        buckets_in_force.balance_date
    from buckets_in_force
    left join all_flows
        on
            buckets_in_force.currency = all_flows.currency
            and buckets_in_force.balance_date = all_flows.balance_date
            and buckets_in_force.bucket_id = all_flows.bucket_id
    left join own_cash
        on
            buckets_in_force.currency = own_cash.currency
            and buckets_in_force.balance_date = own_cash.balance_date
    group by all

),

cumulative as (

    select
        *,
        sum(inflows - outflows) over to_bucket as cumulative_net_flow
    from bucket_flows
    window to_bucket as (
        partition by currency, balance_date
        order by bucket_order
        rows between unbounded preceding and current row
    )

),

final as (

    select
        bucket_id,
        currency,
        cast(bucket_order as integer) as bucket_order,
        cast(min_days as integer) as min_days,
        cast(max_days as integer) as max_days,
        cast(own_bank_balance as decimal(38, 2)) as own_bank_balance,
        cast(inflows as decimal(38, 2)) as inflows,
        cast(outflows as decimal(38, 2)) as outflows,
        cast(inflows - outflows as decimal(38, 2)) as net_flow,
        cast(cumulative_net_flow as decimal(38, 2)) as cumulative_net_flow,
        cast(own_bank_balance + cumulative_net_flow as decimal(38, 2)) as cumulative_position,
        cast(greatest(-(own_bank_balance + cumulative_net_flow), 0) as decimal(38, 2)) as funding_gap_amount,
        own_bank_balance + cumulative_net_flow < 0 as is_funding_gap,
        balance_date
    from cumulative

)

select * from final
