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
-- Linked accounts: distinct clients sharing one identifier (int_aml_identifier_uses): a device,
-- an IP address, a bank card or account they pay from or to, or a registered phone number.
-- A use is a trigger when it links its client to the identifier anew (the client did not use it
-- in the previous window_days); it qualifies when the identifier was used by at least the
-- type's min_clients_<type> distinct clients within window_days up to it (phones: ever, since a
-- phone is used once, at registration). So a hit is raised each time a new client joins a
-- shared identifier, not on every later use. The subject is the identifier (subject_type =
-- its type, subject_id = its token); client_ids are the clients sharing it. Evidence: the
-- triggering use and each other client's latest use before it (device events or fund flows).
-- The parameters are those in force on the use's business date. One hit per identifier and
-- business date. measured_value = distinct clients, threshold_value = min_clients_<type>.
-- Incremental by alert date: a run rebuilds [var('min_date'), var('max_date')) and reads
-- lookback_days of uses before it (all phones).

with

rule_parameters as (

    {{ aml_rule_parameters('linked_accounts') }}

),

identifier_uses as (

    select * from {{ ref('int_aml_identifier_uses') }}
    where
        identifier_token is not null
        {% if is_incremental() -%}
            and (
                identifier_type = 'phone'
                or used_date >= cast('{{ var("min_date") }}' as date)
                - (select max(rule_parameters.lookback_days) as lookback_days from rule_parameters)
            )
            and used_date < cast('{{ var("max_date") }}' as date)
        {%- endif %}

),

sequenced_uses as (

    select
        *,
        lag(used_at) over (
            partition by identifier_type, identifier_token, client_id
            order by used_at, evidence_txn_id, evidence_event_id
        ) as previous_use_at
    from identifier_uses

),

triggers as (

    select
        sequenced_uses.identifier_type,
        sequenced_uses.identifier_token,
        sequenced_uses.client_id as trigger_client_id,
        sequenced_uses.evidence_txn_id as trigger_txn_id,
        sequenced_uses.evidence_event_id as trigger_event_id,
        rule_parameters.rule_version,
        case sequenced_uses.identifier_type
            when 'device' then rule_parameters.min_clients_device
            when 'ip_address' then rule_parameters.min_clients_ip_address
            when 'bank_card' then rule_parameters.min_clients_bank_card
            when 'phone' then rule_parameters.min_clients_phone
        end as min_clients,
        rule_parameters.window_days,
        rule_parameters.suppression_days,
        rule_parameters.base_score,
        sequenced_uses.used_date as alert_date,
        sequenced_uses.used_at as trigger_at
    from sequenced_uses
    inner join rule_parameters
        on
            {{ aml_parameters_in_force('sequenced_uses.used_date') }}
    where
        sequenced_uses.previous_use_at is null
        or sequenced_uses.previous_use_at <= sequenced_uses.used_at - to_days(rule_parameters.window_days)

),

trigger_members as (

    -- The latest use of each client of the identifier within the window, up to the trigger.
    select
        triggers.*,
        identifier_uses.client_id,
        identifier_uses.evidence_txn_id,
        identifier_uses.evidence_event_id,
        identifier_uses.used_at
    from triggers
    inner join identifier_uses
        on
            triggers.identifier_type = identifier_uses.identifier_type
            and triggers.identifier_token = identifier_uses.identifier_token
            and triggers.trigger_at >= identifier_uses.used_at
            and (
                triggers.identifier_type = 'phone'
                or identifier_uses.used_at > triggers.trigger_at - to_days(triggers.window_days)
            )
    qualify row_number() over (
        partition by
            triggers.identifier_type,
            triggers.identifier_token,
            triggers.trigger_at,
            triggers.trigger_client_id,
            triggers.trigger_txn_id,
            triggers.trigger_event_id,
            identifier_uses.client_id
        order by
            identifier_uses.client_id = triggers.trigger_client_id
            and identifier_uses.used_at = triggers.trigger_at desc,
            identifier_uses.used_at desc,
            identifier_uses.evidence_txn_id asc,
            identifier_uses.evidence_event_id asc
    ) = 1

),

qualifying_members as (

    select * from trigger_members
    qualify count(*) over (
        partition by
            identifier_type, identifier_token, trigger_at, trigger_client_id, trigger_txn_id, trigger_event_id
    ) >= min_clients

),

daily as (

    select
        identifier_type,
        identifier_token,
        list(distinct client_id order by client_id) as client_ids,
        list(distinct evidence_txn_id order by evidence_txn_id)
        filter (where evidence_txn_id is not null) as evidence_txn_ids,
        list(distinct evidence_event_id order by evidence_event_id)
        filter (where evidence_event_id is not null) as evidence_event_ids,
        rule_version,
        min_clients,
        window_days,
        suppression_days,
        base_score,
        count(distinct client_id) as client_count,
        alert_date,
        min(used_at) as window_start_at,
        max(trigger_at) as window_end_at
    from qualifying_members
    group by
        identifier_type,
        identifier_token,
        rule_version,
        min_clients,
        window_days,
        suppression_days,
        base_score,
        alert_date

),

accounts as (

    select * from {{ ref('stg_platform__accounts') }}

),

client_accounts as (

    select
        daily.identifier_type,
        daily.identifier_token,
        daily.alert_date,
        list(distinct accounts.account_id order by accounts.account_id) as account_ids
    from daily
    cross join unnest(daily.client_ids) as linked (client_id)
    inner join accounts
        on linked.client_id = accounts.client_id
    group by daily.identifier_type, daily.identifier_token, daily.alert_date

),

hits as (

    select
        'linked_accounts' as rule_id,
        daily.identifier_token as subject_id,
        'linked_accounts' as typology,
        daily.identifier_type as subject_type,
        daily.client_count || ' distinct clients (' || array_to_string(daily.client_ids, ', ') || ') share '
        || case daily.identifier_type
            when 'device' then 'device '
            when 'ip_address' then 'IP address '
            when 'bank_card' then 'bank card or account '
            when 'phone' then 'phone number '
        end
        || daily.identifier_token
        || case
            when daily.identifier_type = 'phone' then ''
            else ' within ' || daily.window_days || ' days'
        end
        || ' (rule: at least ' || daily.min_clients || ')' as reason,
        daily.client_ids,
        coalesce(client_accounts.account_ids, cast([] as varchar[])) as account_ids,
        coalesce(daily.evidence_txn_ids, cast([] as varchar[])) as evidence_txn_ids,
        coalesce(daily.evidence_event_ids, cast([] as varchar[])) as evidence_event_ids,
        daily.rule_version,
        cast(daily.client_count as decimal(38, 6)) as measured_value,
        cast(daily.min_clients as decimal(38, 6)) as threshold_value,
        cast(
            100 - {{ divide_decimal(
                '(100 - daily.base_score) * daily.min_clients', 'daily.client_count', scale=2
            ) }}
            as decimal(5, 2)
        ) as score,
        daily.suppression_days,
        daily.alert_date,
        daily.window_start_at,
        daily.window_end_at
    from daily
    left join client_accounts
        on
            daily.identifier_type = client_accounts.identifier_type
            and daily.identifier_token = client_accounts.identifier_token
            and daily.alert_date = client_accounts.alert_date
    {% if is_incremental() -%}
        where
            {{ in_partition_window('daily.alert_date') }}
    {%- endif %}

)

select * from hits
