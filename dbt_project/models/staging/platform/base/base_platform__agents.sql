with

source as (

    select * from {{ source('platform', 'agents') }}

),

renamed as (

    select
        cast(agent_id as varchar) as agent_id,
        cast(parent_agent_id as varchar) as parent_agent_id,
        cast(agent_name as varchar) as agent_name_token,
        cast(region as varchar) as region,
        cast(agent_level as integer) as agent_level,
        cast(commission_rate as decimal(9, 6)) as commission_rate,
        cast(created_at as timestamptz) as created_at,
        cast(recorded_at as timestamptz) as recorded_at,
        cast(_source_file as varchar) as _source_file,
        cast(_source_row as bigint) as _source_row,
        cast(_batch_id as varchar) as _batch_id,
        cast(business_date as date) as business_date,
        cast(_ingested_at as timestamptz) as _ingested_at
    from source

)

select * from renamed
