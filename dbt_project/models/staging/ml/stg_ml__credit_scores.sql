with

source as (

    select * from {{ source('ml', 'credit_scores') }}

),

renamed as (

    select
        cast(account_id as varchar) as account_id,
        cast(client_id as varchar) as client_id,
        cast(model_name as varchar) as model_name,
        cast(model_version as varchar) as model_version,
        cast(score_band as varchar) as score_band,
        cast(reason_code_1 as varchar) as reason_code_1,
        cast(reason_code_2 as varchar) as reason_code_2,
        cast(reason_code_3 as varchar) as reason_code_3,
        cast(reason_code_4 as varchar) as reason_code_4,
        cast(horizon_days as integer) as horizon_days,
        cast(pd as double) as pd,
        cast(pd_12m as double) as pd_12m,
        cast(score as integer) as score,
        cast(score_date as date) as score_date,
        cast(scored_at as timestamptz) as scored_at
    from source

)

select * from renamed
