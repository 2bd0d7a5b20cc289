with

source as (

    select * from {{ source('platform', 'device_events') }}

),

renamed as (

    select
        cast(event_id as varchar) as event_id,
        cast(client_id as varchar) as client_id,
        cast(device_id as varchar) as device_id_token,
        cast(event_type as varchar) as event_type,
        cast(ip_address as varchar) as ip_address_token,
        cast(occurred_at as timestamptz) as occurred_at,
        cast(recorded_at as timestamptz) as recorded_at,
        cast(_source_file as varchar) as _source_file,
        cast(_source_row as bigint) as _source_row,
        cast(_batch_id as varchar) as _batch_id,
        cast(business_date as date) as business_date,
        cast(_ingested_at as timestamptz) as _ingested_at
    from source

)

select * from renamed
