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
-- Agent-level clusters: an agent whose book has at least min_alerted_clients distinct clients
-- hit by the other AML rules (every client in a hit's client_ids) on alert dates within
-- window_days up to a date. The book is the clients the agent brought directly
-- (stg_platform__clients.agent_id), not those of agents below it. Evaluated on every date with a
-- hit in the book; one hit per agent and date, with the parameters in force on it; evidence
-- is the union of the contributing hits' evidence. Hits before suppression count, so a pattern
-- repeated under one agent is seen even when its alerts are suppressed.
-- measured_value = distinct hit clients, threshold_value = min_alerted_clients.
-- Incremental by alert date: a run rebuilds [var('min_date'), var('max_date')) and reads
-- lookback_days of hits before it.
{%- set client_rules = [
    'int_aml_structuring_hits',
    'int_aml_rapid_in_out_hits',
    'int_aml_third_party_funding_hits',
    'int_aml_fan_in_hits',
    'int_aml_fan_out_hits',
    'int_aml_cycle_hits',
    'int_aml_linked_accounts_hits',
    'int_aml_dormant_reactivation_hits',
] %}

with

rule_parameters as (

    {{ aml_rule_parameters('agent_cluster') }}

),

rule_hits as (

    {% for model in client_rules -%}
        select
            rule_id,
            client_ids,
            evidence_txn_ids,
            evidence_event_ids,
            alert_date,
            window_start_at,
            window_end_at
        from {{ ref(model) }}
        {% if is_incremental() -%}
            where
                {{ in_partition_window('alert_date', lookback_days=aml_lookback_days()) }}
        {%- endif %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

clients as (

    select * from {{ ref('stg_platform__clients') }}

),

book_hits as (

    select
        clients.agent_id,
        hit_clients.client_id,
        rule_hits.rule_id,
        rule_hits.evidence_txn_ids,
        rule_hits.evidence_event_ids,
        rule_hits.alert_date,
        rule_hits.window_start_at,
        rule_hits.window_end_at
    from rule_hits
    cross join unnest(rule_hits.client_ids) as hit_clients (client_id)
    inner join clients
        on hit_clients.client_id = clients.client_id
    where clients.agent_id is not null

),

evaluation_dates as (

    select distinct
        book_hits.agent_id,
        rule_parameters.rule_version,
        rule_parameters.min_alerted_clients,
        rule_parameters.window_days,
        rule_parameters.suppression_days,
        rule_parameters.base_score,
        book_hits.alert_date
    from book_hits
    inner join rule_parameters
        on
            {{ aml_parameters_in_force('book_hits.alert_date') }}

),

clusters as (

    select
        evaluation_dates.agent_id,
        list(distinct book_hits.client_id order by book_hits.client_id) as client_ids,
        list(distinct book_hits.rule_id order by book_hits.rule_id) as rule_ids,
        list_sort(list_distinct(flatten(list(book_hits.evidence_txn_ids)))) as evidence_txn_ids,
        list_sort(list_distinct(flatten(list(book_hits.evidence_event_ids)))) as evidence_event_ids,
        evaluation_dates.rule_version,
        evaluation_dates.min_alerted_clients,
        evaluation_dates.window_days,
        evaluation_dates.suppression_days,
        evaluation_dates.base_score,
        count(distinct book_hits.client_id) as client_count,
        evaluation_dates.alert_date,
        min(book_hits.window_start_at) as window_start_at,
        max(book_hits.window_end_at) as window_end_at
    from evaluation_dates
    inner join book_hits
        on
            evaluation_dates.agent_id = book_hits.agent_id
            and evaluation_dates.alert_date >= book_hits.alert_date
            and book_hits.alert_date > evaluation_dates.alert_date - evaluation_dates.window_days
    group by
        evaluation_dates.agent_id,
        evaluation_dates.rule_version,
        evaluation_dates.min_alerted_clients,
        evaluation_dates.window_days,
        evaluation_dates.suppression_days,
        evaluation_dates.base_score,
        evaluation_dates.alert_date
    having count(distinct book_hits.client_id) >= evaluation_dates.min_alerted_clients

),

accounts as (

    select * from {{ ref('stg_platform__accounts') }}

),

cluster_accounts as (

    select
        clusters.agent_id,
        clusters.alert_date,
        list(distinct accounts.account_id order by accounts.account_id) as account_ids
    from clusters
    cross join unnest(clusters.client_ids) as cluster_clients (client_id)
    inner join accounts
        on cluster_clients.client_id = accounts.client_id
    group by clusters.agent_id, clusters.alert_date

),

hits as (

    select
        'agent_cluster' as rule_id,
        clusters.agent_id as subject_id,
        'agent_cluster' as typology,
        'agent' as subject_type,
        clusters.client_count || ' clients of agent ' || clusters.agent_id || ' ('
        || array_to_string(clusters.client_ids, ', ') || ') were hit by AML rules ('
        || array_to_string(clusters.rule_ids, ', ') || ') within ' || clusters.window_days
        || ' days (rule: at least ' || clusters.min_alerted_clients || ' clients)' as reason,
        clusters.client_ids,
        coalesce(cluster_accounts.account_ids, cast([] as varchar[])) as account_ids,
        clusters.evidence_txn_ids,
        clusters.evidence_event_ids,
        clusters.rule_version,
        cast(clusters.client_count as decimal(38, 6)) as measured_value,
        cast(clusters.min_alerted_clients as decimal(38, 6)) as threshold_value,
        cast(
            100 - {{ divide_decimal(
                '(100 - clusters.base_score) * clusters.min_alerted_clients', 'clusters.client_count', scale=2
            ) }} as decimal(5, 2)
        ) as score,
        clusters.suppression_days,
        clusters.alert_date,
        clusters.window_start_at,
        clusters.window_end_at
    from clusters
    left join cluster_accounts
        on
            clusters.agent_id = cluster_accounts.agent_id
            and clusters.alert_date = cluster_accounts.alert_date
    {% if is_incremental() -%}
        where
            {{ in_partition_window('clusters.alert_date') }}
    {%- endif %}

)

select * from hits
