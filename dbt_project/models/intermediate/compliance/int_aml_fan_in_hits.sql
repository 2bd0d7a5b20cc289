{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['rule_id', 'subject_type', 'subject_id', 'alert_date'],
        on_schema_change='fail',
        tags=['partitioned'],
        pre_hook="{% if is_incremental() %}delete from {{ this }} where alert_date >= cast('{{ var('min_date') }}' as date) and alert_date < cast('{{ var('max_date') }}' as date){% endif %}"
    )
}}
-- Fan-in: money from many payers gathered into one account. Every deposit is a trigger looking
-- back window_days over the account's deposits; it qualifies when they come from at least
-- min_counterparties distinct payers (the payer's bank card or account token, or the payer's
-- name token when the card is missing; the client's own card counts as one payer). One hit per
-- account and business date on which a trigger qualified, with the union of the qualifying
-- windows as evidence; the parameters are those in force on that date.
-- measured_value = distinct payers in the evidence, threshold_value = min_counterparties.
-- Incremental by alert date: a run rebuilds [var('min_date'), var('max_date')) and reads
-- lookback_days of deposits before it.

with

rule_parameters as (

    select * from {{ ref('int_aml_rule_parameters') }}
    where rule_id = 'fan_in'

),

flows as (

    select
        *,
        coalesce(counterparty_account_token, counterparty_name_token) as counterparty_key
    from {{ ref('int_aml_fund_flows') }}
    where
        flow_direction = 'in'
        {% if is_incremental() -%}
            and booking_date >= cast('{{ var("min_date") }}' as date)
            - (select max(rule_parameters.lookback_days) as lookback_days from rule_parameters)
            and booking_date < cast('{{ var("max_date") }}' as date)
        {%- endif %}

),

triggers as (

    select
        flows.txn_id as trigger_txn_id,
        flows.account_id,
        flows.client_id,
        rule_parameters.rule_version,
        rule_parameters.min_counterparties,
        rule_parameters.window_days,
        rule_parameters.suppression_days,
        rule_parameters.base_score,
        flows.booking_date as alert_date,
        flows.effective_at as trigger_at
    from flows
    inner join rule_parameters
        on
            flows.booking_date >= rule_parameters.effective_from
            and (rule_parameters.effective_to is null or flows.booking_date < rule_parameters.effective_to)

),

trigger_members as (

    select
        triggers.*,
        flows.txn_id,
        flows.counterparty_key,
        flows.amount,
        flows.effective_at
    from triggers
    inner join flows
        on
            triggers.account_id = flows.account_id
            and flows.effective_at > triggers.trigger_at - to_days(triggers.window_days)
            and triggers.trigger_at >= flows.effective_at

),

qualifying_members as (

    select distinct
        account_id,
        client_id,
        txn_id,
        counterparty_key,
        rule_version,
        min_counterparties,
        window_days,
        suppression_days,
        base_score,
        amount,
        alert_date,
        effective_at
    from trigger_members
    qualify count(distinct counterparty_key) over (partition by trigger_txn_id) >= min_counterparties

),

daily as (

    select
        account_id,
        client_id,
        list(txn_id order by txn_id) as evidence_txn_ids,
        rule_version,
        min_counterparties,
        window_days,
        suppression_days,
        base_score,
        count(*) as flow_count,
        count(distinct counterparty_key) as counterparty_count,
        sum(amount) as total_amount,
        alert_date,
        min(effective_at) as window_start_at,
        max(effective_at) as window_end_at
    from qualifying_members
    group by
        account_id,
        client_id,
        rule_version,
        min_counterparties,
        window_days,
        suppression_days,
        base_score,
        alert_date

),

hits as (

    select
        'fan_in' as rule_id,
        account_id as subject_id,
        'fan_in' as typology,
        'account' as subject_type,
        counterparty_count || ' distinct payers paid ' || flow_count || ' deposits totalling '
        || total_amount || ' CNY into the account within ' || window_days || ' days (rule: at least '
        || min_counterparties || ' payers)' as reason,
        [client_id] as client_ids,
        [account_id] as account_ids,
        evidence_txn_ids,
        cast([] as varchar[]) as evidence_event_ids,
        rule_version,
        cast(counterparty_count as decimal(38, 6)) as measured_value,
        cast(min_counterparties as decimal(38, 6)) as threshold_value,
        cast(
            100 - {{ divide_decimal(
                '(100 - base_score) * min_counterparties', 'counterparty_count', scale=2
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
            alert_date >= cast('{{ var("min_date") }}' as date)
            and alert_date < cast('{{ var("max_date") }}' as date)
    {%- endif %}

)

select * from hits
