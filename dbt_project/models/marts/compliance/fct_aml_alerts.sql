{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['alert_id'],
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'alert_date'},
        pre_hook="{{ delete_partition_window('alert_date') }}"
    )
}}
-- AML alerts in one schema: the hits of every monitoring rule (int_aml_<rule>_hits) and the
-- anomaly model's alerts (int_anomaly_alerts), after suppression: a hit is not raised again as
-- an alert when the same rule hit the same subject on one of the previous suppression_days
-- calendar days (the hit's rule version decides the days; 0 never suppresses), so a pattern
-- that keeps qualifying day after day is one alert, from its first day. alert_id is a
-- deterministic hash of rule, version, subject and alert date, so rebuilding a date gives the
-- same ids.
-- Incremental by alert date: a run deletes the alerts of [var('min_date'), var('max_date'))
-- and raises them again from the hits, reading the hits of the longest suppression period
-- before the window too.
{%- set hit_models = [
    'int_aml_structuring_hits',
    'int_aml_rapid_in_out_hits',
    'int_aml_third_party_funding_hits',
    'int_aml_fan_in_hits',
    'int_aml_fan_out_hits',
    'int_aml_cycle_hits',
    'int_aml_linked_accounts_hits',
    'int_aml_dormant_reactivation_hits',
    'int_aml_agent_cluster_hits',
    'int_anomaly_alerts',
] %}
{%- set hit_columns = [
    'rule_id', 'subject_id', 'typology', 'subject_type', 'reason', 'client_ids', 'account_ids',
    'evidence_txn_ids', 'evidence_event_ids', 'rule_version', 'measured_value', 'threshold_value',
    'score', 'suppression_days', 'alert_date', 'window_start_at', 'window_end_at',
] %}

with

rule_parameters as (

    select * from {{ ref('int_aml_rule_parameters') }}

),

hits as (

    {% for model in hit_models -%}
        select {{ hit_columns | join(', ') }}
        from {{ ref(model) }}
        {% if is_incremental() -%}
            where
                alert_date >= cast('{{ var("min_date") }}' as date)
                - (select max(rule_parameters.suppression_days) as suppression_days from rule_parameters)
                and alert_date < cast('{{ var("max_date") }}' as date)
        {%- endif %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

with_previous as (

    select
        *,
        lag(alert_date) over (
            partition by rule_id, subject_type, subject_id
            order by alert_date
        ) as previous_hit_date
    from hits

),

raised as (

    select * from with_previous
    where previous_hit_date is null or previous_hit_date < alert_date - suppression_days

),

alerts as (

    select
        md5(
            concat_ws(
                '|',
                rule_id,
                cast(rule_version as varchar),
                subject_type,
                subject_id,
                strftime(alert_date, '%Y-%m-%d')
            )
        ) as alert_id,
        rule_id,
        subject_id,
        typology,
        subject_type,
        reason,
        client_ids,
        account_ids,
        evidence_txn_ids,
        evidence_event_ids,
        rule_version,
        measured_value,
        threshold_value,
        score,
        alert_date,
        window_start_at,
        window_end_at
    from raised
    {% if is_incremental() -%}
        where
            {{ in_partition_window('alert_date') }}
    {%- endif %}

)

select * from alerts
