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
-- Cycles in the transfer graph: money that leaves an account and comes back to it through
-- other client accounts. The platform sees no account-to-account transfers, only withdrawals
-- to bank cards and deposits from bank cards, so the graph's nodes are margin accounts and a
-- hop A -> B is a withdrawal from A to card X followed by a deposit into another account B
-- from the same card X (same counterparty_account_token), at or after the withdrawal, of at
-- least min_hop_amount_share of it. A cycle is a path of hops A -> ... -> A, each hop's
-- withdrawal at or after the previous hop's deposit (money moves forward in time), visiting
-- no account twice, of at most max_cycle_length hops, the last deposit within window_days of
-- the first withdrawal. A recursive CTE extends paths one hop at a time, bounded by both.
-- The parameters are those in force on the first withdrawal's business date. One hit per
-- starting account and business date of the closing deposit; several cycles closing the same
-- day share a hit, reported at the shortest (then earliest) one, with all as evidence.
-- measured_value = hops of that cycle, threshold_value = max_cycle_length.
-- Incremental by alert date: a run rebuilds [var('min_date'), var('max_date')) and reads
-- lookback_days of flows before it.

with recursive

rule_parameters as (

    {{ aml_rule_parameters('cycle') }}

),

fund_flows as (

    select * from {{ ref('int_aml_fund_flows') }}
    where
        counterparty_account_token is not null
        {% if is_incremental() -%}
            and {{ in_partition_window('booking_date', lookback_days=aml_lookback_days()) }}
        {%- endif %}

),

hops as (

    select
        withdrawals.txn_id as withdrawal_txn_id,
        deposits.txn_id as deposit_txn_id,
        withdrawals.account_id as from_account_id,
        withdrawals.client_id as from_client_id,
        deposits.account_id as to_account_id,
        deposits.client_id as to_client_id,
        withdrawals.amount as withdrawal_amount,
        deposits.amount as deposit_amount,
        withdrawals.booking_date as withdrawal_date,
        deposits.booking_date as deposit_date,
        withdrawals.effective_at as withdrawal_at,
        deposits.effective_at as deposit_at
    from fund_flows as withdrawals
    inner join fund_flows as deposits
        on
            withdrawals.counterparty_account_token = deposits.counterparty_account_token
            and withdrawals.account_id <> deposits.account_id
            and withdrawals.effective_at <= deposits.effective_at
    where withdrawals.flow_direction = 'out' and deposits.flow_direction = 'in'

),

paths as (

    select
        hops.from_account_id as start_account_id,
        hops.to_account_id as current_account_id,
        [hops.from_account_id, hops.to_account_id] as path_account_ids,
        [hops.from_client_id, hops.to_client_id] as path_client_ids,
        [hops.withdrawal_txn_id, hops.deposit_txn_id] as path_txn_ids,
        rule_parameters.rule_version,
        rule_parameters.max_cycle_length,
        rule_parameters.min_hop_amount_share,
        rule_parameters.window_days,
        rule_parameters.suppression_days,
        rule_parameters.base_score,
        1 as path_length,
        hops.withdrawal_amount as start_amount,
        hops.deposit_amount as last_amount,
        false as is_closed,
        hops.deposit_date as last_date,
        hops.withdrawal_at as started_at,
        hops.deposit_at as last_at
    from hops
    inner join rule_parameters
        on
            {{ aml_parameters_in_force('hops.withdrawal_date') }}
    where
        hops.deposit_at <= hops.withdrawal_at + to_days(rule_parameters.window_days)
        and hops.deposit_amount >= rule_parameters.min_hop_amount_share * hops.withdrawal_amount

    union all

    select
        paths.start_account_id,
        hops.to_account_id as current_account_id,
        list_append(paths.path_account_ids, hops.to_account_id) as path_account_ids,
        list_append(paths.path_client_ids, hops.to_client_id) as path_client_ids,
        list_concat(paths.path_txn_ids, [hops.withdrawal_txn_id, hops.deposit_txn_id]) as path_txn_ids,
        paths.rule_version,
        paths.max_cycle_length,
        paths.min_hop_amount_share,
        paths.window_days,
        paths.suppression_days,
        paths.base_score,
        paths.path_length + 1 as path_length,
        paths.start_amount,
        hops.deposit_amount as last_amount,
        hops.to_account_id = paths.start_account_id as is_closed,
        hops.deposit_date as last_date,
        paths.started_at,
        hops.deposit_at as last_at
    from paths
    inner join hops
        on
            paths.current_account_id = hops.from_account_id
            and paths.last_at <= hops.withdrawal_at
            and hops.deposit_at <= paths.started_at + to_days(paths.window_days)
            and hops.deposit_amount >= paths.min_hop_amount_share * hops.withdrawal_amount
    where
        not paths.is_closed
        and paths.path_length < paths.max_cycle_length
        and (
            hops.to_account_id = paths.start_account_id
            or not list_contains(paths.path_account_ids, hops.to_account_id)
        )

),

cycles as (

    select * from paths
    where is_closed

),

daily as (

    select
        start_account_id,
        path_account_ids,
        list_sort(list_distinct(flatten(list(path_account_ids) over per_day))) as account_ids,
        list_sort(list_distinct(flatten(list(path_client_ids) over per_day))) as client_ids,
        list_sort(list_distinct(flatten(list(path_txn_ids) over per_day))) as evidence_txn_ids,
        rule_version,
        max_cycle_length,
        window_days,
        suppression_days,
        base_score,
        path_length,
        start_amount,
        last_amount,
        count(*) over per_day as cycle_count,
        last_date as alert_date,
        min(started_at) over per_day as window_start_at,
        max(last_at) over per_day as window_end_at,
        started_at,
        last_at
    from cycles
    window
        per_day as (
            partition by start_account_id, last_date
            rows between unbounded preceding and unbounded following
        )
    qualify row_number() over (
        partition by start_account_id, last_date
        order by path_length, last_at, started_at, path_txn_ids
    ) = 1

),

hits as (

    select
        'cycle' as rule_id,
        start_account_id as subject_id,
        'cycle' as typology,
        'account' as subject_type,
        start_amount || ' CNY left the account and ' || last_amount || ' CNY came back through '
        || (path_length - 1) || ' other client account' || case when path_length > 2 then 's' else '' end
        || ' (' || array_to_string(path_account_ids, ' -> ') || ') in ' || path_length
        || ' hops by bank card within ' || cast(date_diff('hour', started_at, last_at) as integer)
        || ' hours (rule: at most ' || max_cycle_length || ' hops within ' || window_days || ' days)'
        || case when cycle_count > 1 then ' (' || (cycle_count - 1) || ' more such paths)' else '' end
            as reason,
        client_ids,
        account_ids,
        evidence_txn_ids,
        cast([] as varchar[]) as evidence_event_ids,
        rule_version,
        cast(path_length as decimal(38, 6)) as measured_value,
        cast(max_cycle_length as decimal(38, 6)) as threshold_value,
        cast(
            100 - {{ divide_decimal(
                '(100 - base_score) * path_length', 'max_cycle_length', scale=2
            ) }}
            as decimal(5, 2)
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
