-- The anomaly model's alerts in the AML alert schema, for fct_aml_alerts to union in beside the
-- rules' hits. Empty until the anomaly scoring asset writes its alerts back to the lake: then
-- declare that Parquet output as a source (with meta.dagster.asset_key, as the bronze sources
-- do), read it through a staging model, and replace the empty select below with a mapping from
-- it to these columns: rule_id 'anomaly_model', typology 'anomaly', subject_type 'account',
-- rule_version the model version, measured_value the anomaly score and threshold_value the
-- score at the daily alert budget, score on 0-100, suppression_days 0 (the model budgets its
-- own alerts), reason from the top SHAP contributions, alert_date the scored business date.
-- The column types are the contract of fct_aml_alerts.

select
    cast(null as varchar) as rule_id,
    cast(null as varchar) as subject_id,
    cast(null as varchar) as typology,
    cast(null as varchar) as subject_type,
    cast(null as varchar) as reason,
    cast(null as varchar[]) as client_ids,
    cast(null as varchar[]) as account_ids,
    cast(null as varchar[]) as evidence_txn_ids,
    cast(null as varchar[]) as evidence_event_ids,
    cast(null as integer) as rule_version,
    cast(null as decimal(38, 6)) as measured_value,
    cast(null as decimal(38, 6)) as threshold_value,
    cast(null as decimal(5, 2)) as score,
    cast(null as integer) as suppression_days,
    cast(null as date) as alert_date,
    cast(null as timestamptz) as window_start_at,
    cast(null as timestamptz) as window_end_at
where false
