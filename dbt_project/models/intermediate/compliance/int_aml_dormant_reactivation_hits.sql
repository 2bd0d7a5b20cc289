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
-- Dormant reactivation: a deposit or withdrawal of at least min_amount by a client who had no
-- activity of their own (int_aml_client_activity: fund flows, own trades, logins, orders, cash
-- requests) on any of the dormancy_days calendar days before the flow's business date, and who
-- registered at least dormancy_days before it (a new client is not dormant). The same day's
-- own activity (the request behind the flow) does not break the dormancy. The last activity is
-- looked for over activity_lookback_days; when there is none in that span the dormancy is
-- counted from registration, or reported as at least activity_lookback_days. One hit per client
-- and business date; the parameters are those in force on that date.
-- measured_value = days without activity, threshold_value = dormancy_days.
-- Incremental by alert date: a run rebuilds [var('min_date'), var('max_date')) and reads
-- lookback_days of activity before it.

with

rule_parameters as (

    {{ aml_rule_parameters('dormant_reactivation') }}

),

fund_flows as (

    select * from {{ ref('int_aml_fund_flows') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('booking_date') }}
    {%- endif %}

),

client_activity as (

    select * from {{ ref('int_aml_client_activity') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('activity_date', lookback_days=aml_lookback_days()) }}
    {%- endif %}

),

clients as (

    select * from {{ ref('stg_platform__clients') }}

),

large_flows as (

    select
        fund_flows.txn_id,
        fund_flows.account_id,
        fund_flows.client_id,
        fund_flows.flow_direction,
        rule_parameters.rule_version,
        fund_flows.amount,
        rule_parameters.dormancy_days,
        rule_parameters.min_amount,
        rule_parameters.activity_lookback_days,
        rule_parameters.suppression_days,
        rule_parameters.base_score,
        fund_flows.booking_date,
        {{ exchange_date('clients.registered_at') }} as registered_date,
        fund_flows.effective_at
    from fund_flows
    inner join rule_parameters
        on
            {{ aml_parameters_in_force('fund_flows.booking_date') }}
    inner join clients
        on fund_flows.client_id = clients.client_id
    where fund_flows.amount >= rule_parameters.min_amount

),

last_activity as (

    select
        large_flows.txn_id,
        max(client_activity.activity_date) as last_activity_date,
        max(client_activity.activity_at) as last_activity_at
    from large_flows
    left join client_activity
        on
            large_flows.client_id = client_activity.client_id
            and large_flows.booking_date > client_activity.activity_date
            and client_activity.activity_date >= large_flows.booking_date - large_flows.activity_lookback_days
    group by large_flows.txn_id

),

reactivations as (

    select
        large_flows.*,
        last_activity.last_activity_date,
        last_activity.last_activity_at,
        cast(
            large_flows.booking_date - coalesce(
                last_activity.last_activity_date,
                greatest(
                    large_flows.registered_date,
                    large_flows.booking_date - large_flows.activity_lookback_days
                )
            ) as integer
        ) as inactive_days
    from large_flows
    inner join last_activity
        on large_flows.txn_id = last_activity.txn_id
    where
        large_flows.registered_date <= large_flows.booking_date - large_flows.dormancy_days
        and (
            last_activity.last_activity_date is null
            or last_activity.last_activity_date < large_flows.booking_date - large_flows.dormancy_days
        )

),

daily as (

    select
        client_id,
        list(distinct account_id order by account_id) as account_ids,
        list(txn_id order by txn_id) as evidence_txn_ids,
        rule_version,
        dormancy_days,
        min_amount,
        activity_lookback_days,
        suppression_days,
        base_score,
        count(*) filter (where flow_direction = 'in') as deposit_count,
        count(*) filter (where flow_direction = 'out') as withdrawal_count,
        coalesce(sum(amount) filter (where flow_direction = 'in'), 0) as deposit_amount,
        coalesce(sum(amount) filter (where flow_direction = 'out'), 0) as withdrawal_amount,
        max(inactive_days) as inactive_days,
        booking_date as alert_date,
        max(last_activity_date) as last_activity_date,
        max(registered_date) as registered_date,
        min(
            coalesce(
                last_activity_at,
                timezone('{{ var("exchange_timezone") }}', cast(booking_date - inactive_days as timestamp))
            )
        ) as window_start_at,
        max(effective_at) as window_end_at
    from reactivations
    group by
        client_id,
        rule_version,
        dormancy_days,
        min_amount,
        activity_lookback_days,
        suppression_days,
        base_score,
        booking_date

),

hits as (

    select
        'dormant_reactivation' as rule_id,
        client_id as subject_id,
        'dormant_reactivation' as typology,
        'client' as subject_type,
        'No client activity for '
        || case
            when last_activity_date is null and registered_date < alert_date - activity_lookback_days
                then 'at least '
            else ''
        end
        || inactive_days || ' days ('
        || case
            when last_activity_date is not null then 'last on ' || strftime(last_activity_date, '%Y-%m-%d')
            when registered_date >= alert_date - activity_lookback_days then 'none since registration'
            else 'none in the look-back'
        end
        || '), then '
        || case when deposit_count > 0 then deposit_amount || ' CNY deposited' else '' end
        || case when deposit_count > 0 and withdrawal_count > 0 then ' and ' else '' end
        || case when withdrawal_count > 0 then withdrawal_amount || ' CNY withdrawn' else '' end
        || ' (rule: ' || dormancy_days || ' quiet days, then at least ' || min_amount || ' CNY)' as reason,
        [client_id] as client_ids,
        account_ids,
        evidence_txn_ids,
        cast([] as varchar[]) as evidence_event_ids,
        rule_version,
        cast(inactive_days as decimal(38, 6)) as measured_value,
        cast(dormancy_days as decimal(38, 6)) as threshold_value,
        cast(
            100 - {{ divide_decimal(
                '(100 - base_score) * dormancy_days', 'inactive_days', scale=2
            ) }}
            as decimal(5, 2)
        ) as score,
        suppression_days,
        alert_date,
        window_start_at,
        window_end_at
    from daily

)

select * from hits
