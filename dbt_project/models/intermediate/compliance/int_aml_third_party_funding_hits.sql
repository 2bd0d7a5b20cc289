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
-- Third-party funding: deposits into a client's accounts paid by someone whose name is not the
-- client's legal name (int_aml_fund_flows.is_third_party: the payer's name token differs from
-- the client's full-name token). Every third-party deposit is a trigger looking back
-- window_days over the client's third-party deposits; it qualifies when they number at least
-- min_deposits and total at least min_amount. One hit per client and business date on which a
-- trigger qualified, with the union of the qualifying windows as evidence; the parameters are
-- those in force on that date.
-- measured_value = third-party total in the evidence (CNY), threshold_value = min_amount.
-- Incremental by alert date: a run rebuilds [var('min_date'), var('max_date')) and reads
-- lookback_days of deposits before it.

with

rule_parameters as (

    {{ aml_rule_parameters('third_party_funding') }}

),

third_party_deposits as (

    select * from {{ ref('int_aml_fund_flows') }}
    where
        flow_direction = 'in'
        and is_third_party
        {% if is_incremental() -%}
            and {{ in_partition_window('booking_date', lookback_days=aml_lookback_days()) }}
        {%- endif %}

),

triggers as (

    select
        third_party_deposits.txn_id as trigger_txn_id,
        third_party_deposits.client_id,
        rule_parameters.rule_version,
        rule_parameters.min_deposits,
        rule_parameters.min_amount,
        rule_parameters.window_days,
        rule_parameters.suppression_days,
        rule_parameters.base_score,
        third_party_deposits.booking_date as alert_date,
        third_party_deposits.effective_at as trigger_at
    from third_party_deposits
    inner join rule_parameters
        on
            {{ aml_parameters_in_force('third_party_deposits.booking_date') }}

),

trigger_members as (

    select
        triggers.*,
        third_party_deposits.txn_id,
        third_party_deposits.account_id,
        third_party_deposits.counterparty_name_token,
        third_party_deposits.amount,
        third_party_deposits.effective_at
    from triggers
    inner join third_party_deposits
        on
            triggers.client_id = third_party_deposits.client_id
            and third_party_deposits.effective_at > triggers.trigger_at - to_days(triggers.window_days)
            and triggers.trigger_at >= third_party_deposits.effective_at

),

qualifying_members as (

    select distinct
        client_id,
        txn_id,
        account_id,
        counterparty_name_token,
        rule_version,
        min_deposits,
        min_amount,
        window_days,
        suppression_days,
        base_score,
        amount,
        alert_date,
        effective_at
    from trigger_members
    qualify
        count(*) over (partition by trigger_txn_id) >= min_deposits
        and sum(amount) over (partition by trigger_txn_id) >= min_amount

),

daily as (

    select
        client_id,
        list(distinct account_id order by account_id) as account_ids,
        list(txn_id order by txn_id) as evidence_txn_ids,
        rule_version,
        min_deposits,
        min_amount,
        window_days,
        suppression_days,
        base_score,
        count(*) as deposit_count,
        count(distinct counterparty_name_token) as payer_count,
        sum(amount) as total_amount,
        alert_date,
        min(effective_at) as window_start_at,
        max(effective_at) as window_end_at
    from qualifying_members
    group by
        client_id,
        rule_version,
        min_deposits,
        min_amount,
        window_days,
        suppression_days,
        base_score,
        alert_date

),

hits as (

    select
        'third_party_funding' as rule_id,
        client_id as subject_id,
        'third_party_funding' as typology,
        'client' as subject_type,
        deposit_count || ' deposit' || case when deposit_count > 1 then 's' else '' end || ' totalling '
        || total_amount || ' CNY paid by ' || payer_count || ' payer'
        || case when payer_count > 1 then 's' else '' end
        || ' whose name is not the client''s within ' || window_days || ' days (rule: at least '
        || min_deposits || ' and ' || min_amount || ' CNY)' as reason,
        [client_id] as client_ids,
        account_ids,
        evidence_txn_ids,
        cast([] as varchar[]) as evidence_event_ids,
        rule_version,
        cast(total_amount as decimal(38, 6)) as measured_value,
        cast(min_amount as decimal(38, 6)) as threshold_value,
        cast(
            100 - {{ divide_decimal(
                '(100 - base_score) * min_amount', 'total_amount', scale=2
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
