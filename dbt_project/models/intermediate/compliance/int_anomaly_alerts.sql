-- The anomaly model's alerts in the AML alert schema, for fct_aml_alerts to union in beside the
-- rules' hits: one row per alerted account-day of stg_ml__anomaly_alerts. rule_id
-- 'anomaly_model', typology 'anomaly', subject the account; rule_version the model version's
-- training date (yyyymmdd); measured_value the anomaly score and threshold_value the score at the
-- day's alert budget; score the score's percentile among the training account-days (0-100);
-- suppression_days 0 (the model budgets its own alerts); reason from the top SHAP contributions;
-- evidence the account's fund flows of the day. The column types are the contract of
-- fct_aml_alerts.

with

alerts as (

    select * from {{ ref('stg_ml__anomaly_alerts') }}

),

mapped as (

    select
        'anomaly_model' as rule_id,
        alerts.account_id as subject_id,
        'anomaly' as typology,
        'account' as subject_type,
        'Unusual account-day (rank ' || alerts.daily_rank || ' of the day): ' || alerts.reason as reason,
        [alerts.client_id] as client_ids,
        [alerts.account_id] as account_ids,
        coalesce(alerts.evidence_txn_ids, []) as evidence_txn_ids,
        cast([] as varchar[]) as evidence_event_ids,
        alerts.model_version_number as rule_version,
        cast(alerts.anomaly_score as decimal(38, 6)) as measured_value,
        cast(alerts.threshold_value as decimal(38, 6)) as threshold_value,
        cast(round(alerts.score_percentile, 2) as decimal(5, 2)) as score,
        0 as suppression_days,
        alerts.alert_date,
        alerts.window_start_at,
        alerts.window_end_at
    from alerts

),

final as (

    select
        cast(rule_id as varchar) as rule_id,
        cast(subject_id as varchar) as subject_id,
        cast(typology as varchar) as typology,
        cast(subject_type as varchar) as subject_type,
        cast(reason as varchar) as reason,
        cast(client_ids as varchar[]) as client_ids,
        cast(account_ids as varchar[]) as account_ids,
        cast(evidence_txn_ids as varchar[]) as evidence_txn_ids,
        cast(evidence_event_ids as varchar[]) as evidence_event_ids,
        cast(rule_version as integer) as rule_version,
        cast(measured_value as decimal(38, 6)) as measured_value,
        cast(threshold_value as decimal(38, 6)) as threshold_value,
        cast(score as decimal(5, 2)) as score,
        cast(suppression_days as integer) as suppression_days,
        cast(alert_date as date) as alert_date,
        cast(window_start_at as timestamptz) as window_start_at,
        cast(window_end_at as timestamptz) as window_end_at
    from mapped

)

select * from final
