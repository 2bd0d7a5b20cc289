with

source as (

    select * from {{ source('marketing', 'marketing_spend') }}

),

renamed as (

    select
        cast(spend_id as varchar) as spend_id,
        cast(campaign_id as varchar) as campaign_id,
        cast(agent_id as varchar) as agent_id,
        cast(channel as varchar) as channel,
        cast(currency as varchar) as currency,
        cast(spend as decimal(18, 2)) as spend,
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks,
        cast(spend_date as date) as spend_date,
        cast(_source_file as varchar) as _source_file,
        cast(_source_row as bigint) as _source_row,
        cast(_batch_id as varchar) as _batch_id,
        cast(business_date as date) as business_date,
        cast(_ingested_at as timestamptz) as _ingested_at
    from source

)

select * from renamed
