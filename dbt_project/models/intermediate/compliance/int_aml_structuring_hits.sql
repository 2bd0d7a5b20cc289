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
-- Structuring: a client makes at least min_deposits deposits within window_hours, each just
-- below the reporting threshold T, in [lower_band_share x T, T). Every band deposit is a
-- possible trigger: it looks back window_hours over the client's deposits (all accounts; the
-- threshold applies per person). One hit per client and business date on which a trigger
-- qualified, with the union of the qualifying windows as evidence; the parameters are those in
-- force on that date.
-- measured_value = band deposits in the evidence, threshold_value = min_deposits.
-- Incremental by alert date: a run rebuilds [var('min_date'), var('max_date')) and reads
-- lookback_days of deposits before it.

with

rule_parameters as (

    {{ aml_rule_parameters('structuring') }}

),

deposits as (

    select * from {{ ref('int_aml_fund_flows') }}
    where
        flow_direction = 'in'
        {% if is_incremental() -%}
            and {{ in_partition_window('booking_date', lookback_days=aml_lookback_days()) }}
        {%- endif %}

),

band_triggers as (

    select
        deposits.txn_id as trigger_txn_id,
        deposits.client_id,
        rule_parameters.rule_version,
        rule_parameters.reporting_threshold,
        cast(rule_parameters.reporting_threshold * rule_parameters.lower_band_share as decimal(18, 2))
            as band_floor,
        rule_parameters.min_deposits,
        rule_parameters.window_hours,
        rule_parameters.suppression_days,
        rule_parameters.base_score,
        deposits.booking_date as alert_date,
        deposits.effective_at as trigger_at
    from deposits
    inner join rule_parameters
        on
            {{ aml_parameters_in_force('deposits.booking_date') }}
    where
        deposits.amount
        >= cast(rule_parameters.reporting_threshold * rule_parameters.lower_band_share as decimal(18, 2))
        and deposits.amount < rule_parameters.reporting_threshold

),

trigger_members as (

    select
        band_triggers.*,
        deposits.txn_id,
        deposits.account_id,
        deposits.amount,
        deposits.effective_at
    from band_triggers
    inner join deposits
        on
            band_triggers.client_id = deposits.client_id
            and deposits.effective_at > band_triggers.trigger_at - to_hours(band_triggers.window_hours)
            and band_triggers.trigger_at >= deposits.effective_at
            and band_triggers.band_floor <= deposits.amount
            and band_triggers.reporting_threshold > deposits.amount

),

qualifying_members as (

    select distinct
        client_id,
        txn_id,
        account_id,
        rule_version,
        reporting_threshold,
        band_floor,
        min_deposits,
        window_hours,
        suppression_days,
        base_score,
        amount,
        alert_date,
        effective_at
    from trigger_members
    qualify count(*) over (partition by trigger_txn_id) >= min_deposits

),

daily as (

    select
        client_id,
        list(distinct account_id order by account_id) as account_ids,
        list(txn_id order by txn_id) as evidence_txn_ids,
        rule_version,
        reporting_threshold,
        band_floor,
        min_deposits,
        window_hours,
        suppression_days,
        base_score,
        count(*) as deposit_count,
        sum(amount) as total_amount,
        alert_date,
        min(effective_at) as window_start_at,
        max(effective_at) as window_end_at
    from qualifying_members
    group by
        client_id,
        rule_version,
        reporting_threshold,
        band_floor,
        min_deposits,
        window_hours,
        suppression_days,
        base_score,
        alert_date

),

hits as (

    select
        'structuring' as rule_id,
        client_id as subject_id,
        'structuring' as typology,
        'client' as subject_type,
        deposit_count || ' deposits just below the ' || reporting_threshold
        || ' CNY reporting threshold (each from ' || band_floor || ' to under ' || reporting_threshold
        || ' CNY), at least ' || min_deposits || ' of them within ' || window_hours || ' hours; '
        || total_amount || ' CNY in total' as reason,
        [client_id] as client_ids,
        account_ids,
        evidence_txn_ids,
        cast([] as varchar[]) as evidence_event_ids,
        rule_version,
        cast(deposit_count as decimal(38, 6)) as measured_value,
        cast(min_deposits as decimal(38, 6)) as threshold_value,
        cast(
            100 - {{ divide_decimal(
                '(100 - base_score) * min_deposits', 'deposit_count', scale=2
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
