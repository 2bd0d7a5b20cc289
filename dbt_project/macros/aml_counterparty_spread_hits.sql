{#- Fan-in and fan-out are one rule read in two directions: every flow of the direction is a trigger
    looking back window_days over the account's flows of that direction; it qualifies when they
    involve at least min_counterparties distinct counterparties (bank card or account token, else
    name token). One hit per account and business date on which a trigger qualified, with the union
    of the qualifying windows as evidence and the parameters in force on that date.
    measured_value = distinct counterparties in the evidence, threshold_value = min_counterparties.
    Incremental by alert date: reads lookback_days of flows before var('min_date'). -#}
{% macro aml_counterparty_spread_hits(rule_id, flow_direction, counterparties, verb, flows, direction_phrase) %}
with

rule_parameters as (

    {{ aml_rule_parameters(rule_id) }}

),

flows as (

    select
        *,
        coalesce(counterparty_account_token, counterparty_name_token) as counterparty_key
    from {{ ref('int_aml_fund_flows') }}
    where
        flow_direction = '{{ flow_direction }}'
        {% if is_incremental() -%}
            and {{ in_partition_window('booking_date', lookback_days=aml_lookback_days()) }}
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
            {{ aml_parameters_in_force('flows.booking_date') }}

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
        '{{ rule_id }}' as rule_id,
        account_id as subject_id,
        '{{ rule_id }}' as typology,
        'account' as subject_type,
        counterparty_count || ' distinct {{ counterparties }} {{ verb }} ' || flow_count || ' {{ flows }} totalling '
        || total_amount || ' CNY {{ direction_phrase }} within ' || window_days || ' days (rule: at least '
        || min_counterparties || ' {{ counterparties }})' as reason,
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
{% endmacro %}
