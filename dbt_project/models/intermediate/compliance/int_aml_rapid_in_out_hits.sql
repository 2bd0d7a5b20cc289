{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['rule_id', 'subject_type', 'subject_id', 'alert_date'],
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'alert_date'},
        pre_hook="{{ delete_partition_window('alert_date') }}"
    )
}}
-- Rapid in-and-out: a deposit of at least min_deposit_amount into an account, of which at least
-- min_withdrawn_share is withdrawn again within window_hours, while the account's own trading
-- turnover (buys plus sells, forced liquidations excluded) between the deposit and that
-- withdrawal stays below max_turnover_share of the deposit: the account was a pass-through, not
-- an investment. The trigger is the first withdrawal that brings the withdrawals since the
-- deposit to the share; the parameters are those in force on the deposit's business date. One
-- hit per account and business date of the trigger (several deposits on one day share a hit).
-- measured_value = withdrawn share of the deposit, threshold_value = min_withdrawn_share.
-- Incremental by alert date: a run rebuilds [var('min_date'), var('max_date')) and reads
-- lookback_days of flows and fills before it.

with

rule_parameters as (

    {{ aml_rule_parameters('rapid_in_out') }}

),

fund_flows as (

    select * from {{ ref('int_aml_fund_flows') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('booking_date', lookback_days=aml_lookback_days()) }}
    {%- endif %}

),

fills as (

    select * from {{ ref('stg_platform__fills') }}
    where
        not coalesce(is_forced_liquidation, false)
        {% if is_incremental() -%}
            and {{ in_partition_window('trade_date', lookback_days=aml_lookback_days()) }}
        {%- endif %}

),

large_deposits as (

    select
        fund_flows.txn_id as deposit_txn_id,
        fund_flows.account_id,
        fund_flows.client_id,
        rule_parameters.rule_version,
        fund_flows.amount as deposit_amount,
        rule_parameters.min_withdrawn_share,
        rule_parameters.max_turnover_share,
        rule_parameters.window_hours,
        rule_parameters.suppression_days,
        rule_parameters.base_score,
        fund_flows.effective_at as deposit_at
    from fund_flows
    inner join rule_parameters
        on
            {{ aml_parameters_in_force('fund_flows.booking_date') }}
    where
        fund_flows.flow_direction = 'in'
        and fund_flows.amount >= rule_parameters.min_deposit_amount

),

withdrawals_after as (

    select
        large_deposits.*,
        fund_flows.txn_id as withdrawal_txn_id,
        fund_flows.amount as withdrawal_amount,
        sum(fund_flows.amount) over (
            partition by large_deposits.deposit_txn_id
            order by fund_flows.effective_at, fund_flows.txn_id
            rows between unbounded preceding and current row
        ) as withdrawn_amount,
        list(fund_flows.txn_id) over (
            partition by large_deposits.deposit_txn_id
            order by fund_flows.effective_at, fund_flows.txn_id
            rows between unbounded preceding and current row
        ) as withdrawal_txn_ids,
        fund_flows.booking_date as withdrawal_date,
        fund_flows.effective_at as withdrawal_at
    from large_deposits
    inner join fund_flows
        on
            large_deposits.account_id = fund_flows.account_id
            and fund_flows.flow_direction = 'out'
            and large_deposits.deposit_at <= fund_flows.effective_at
            and fund_flows.effective_at <= large_deposits.deposit_at + to_hours(large_deposits.window_hours)

),

first_reaching as (

    select * from withdrawals_after
    where withdrawn_amount >= min_withdrawn_share * deposit_amount
    qualify row_number() over (partition by deposit_txn_id order by withdrawal_at, withdrawal_txn_id) = 1

),

with_turnover as (

    select
        first_reaching.deposit_txn_id,
        coalesce(sum(fills.gross_amount), 0) as turnover_amount
    from first_reaching
    left join fills
        on
            first_reaching.account_id = fills.account_id
            and first_reaching.deposit_at <= fills.executed_at
            and first_reaching.withdrawal_at >= fills.executed_at
    group by first_reaching.deposit_txn_id

),

triggers as (

    select
        first_reaching.*,
        cast(with_turnover.turnover_amount as decimal(18, 2)) as turnover_amount,
        {{ divide_decimal('first_reaching.withdrawn_amount', 'first_reaching.deposit_amount') }}
            as withdrawn_share
    from first_reaching
    inner join with_turnover
        on first_reaching.deposit_txn_id = with_turnover.deposit_txn_id
    where with_turnover.turnover_amount < first_reaching.max_turnover_share * first_reaching.deposit_amount

),

daily as (

    -- Several deposits of one account can reach the share on the same day: the hit reports the
    -- one with the largest withdrawn share (then the largest deposit) and lists all as evidence.
    select
        account_id,
        client_id,
        list_sort(list_distinct(flatten(list([deposit_txn_id] || withdrawal_txn_ids) over per_day)))
            as evidence_txn_ids,
        rule_version,
        min_withdrawn_share,
        max_turnover_share,
        window_hours,
        suppression_days,
        base_score,
        count(*) over per_day as deposit_count,
        deposit_amount,
        withdrawn_amount,
        turnover_amount,
        withdrawn_share,
        withdrawal_date as alert_date,
        min(deposit_at) over per_day as window_start_at,
        max(withdrawal_at) over per_day as window_end_at
    from triggers
    window
        per_day as (
            partition by account_id, withdrawal_date
            rows between unbounded preceding and unbounded following
        )
    qualify row_number() over (
        partition by account_id, withdrawal_date
        order by withdrawn_share desc, deposit_amount desc, deposit_txn_id asc
    ) = 1

),

hits as (

    select
        'rapid_in_out' as rule_id,
        account_id as subject_id,
        'rapid_in_out' as typology,
        'account' as subject_type,
        'Deposit of ' || deposit_amount || ' CNY, of which ' || withdrawn_amount || ' CNY ('
        || cast(withdrawn_share * 100 as decimal(9, 1)) || '%) was withdrawn within '
        || window_hours || ' hours (rule: at least ' || cast(min_withdrawn_share * 100 as decimal(9, 1))
        || '%) while the account traded ' || turnover_amount || ' CNY (rule: under '
        || cast(max_turnover_share * 100 as decimal(9, 1)) || '% of the deposit)'
        || case when deposit_count > 1 then ' (' || (deposit_count - 1) || ' more such deposits)' else '' end
            as reason,
        [client_id] as client_ids,
        [account_id] as account_ids,
        evidence_txn_ids,
        cast([] as varchar[]) as evidence_event_ids,
        rule_version,
        cast(withdrawn_share as decimal(38, 6)) as measured_value,
        cast(min_withdrawn_share as decimal(38, 6)) as threshold_value,
        cast(
            100 - {{ divide_decimal(
                '(100 - base_score) * min_withdrawn_share', 'withdrawn_share', scale=2
            ) }} as decimal(5, 2)
        ) as score,
        suppression_days,
        alert_date,
        window_start_at,
        window_end_at
    from daily
    {% if is_incremental() -%}
        where
            {{ in_partition_window('alert_date') }}
    {%- endif %}

)

select * from hits
