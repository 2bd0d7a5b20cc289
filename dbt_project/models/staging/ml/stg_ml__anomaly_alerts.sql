with

source as (

    select * from {{ source('ml', 'anomaly_alerts') }}

),

renamed as (

    select
        cast(account_id as varchar) as account_id,
        cast(client_id as varchar) as client_id,
        cast(model_name as varchar) as model_name,
        cast(model_version as varchar) as model_version,
        cast(reason as varchar) as reason,
        cast(reason_feature_1 as varchar) as reason_feature_1,
        cast(reason_feature_2 as varchar) as reason_feature_2,
        cast(reason_feature_3 as varchar) as reason_feature_3,
        cast(evidence_txn_ids as varchar[]) as evidence_txn_ids,
        cast(model_version_number as integer) as model_version_number,
        cast(anomaly_score as double) as anomaly_score,
        cast(threshold_value as double) as threshold_value,
        cast(score_percentile as double) as score_percentile,
        cast(daily_rank as integer) as daily_rank,
        cast(alert_date as date) as alert_date,
        cast(window_start_at as timestamptz) as window_start_at,
        cast(window_end_at as timestamptz) as window_end_at,
        cast(scored_at as timestamptz) as scored_at
    from source

)

select * from renamed
