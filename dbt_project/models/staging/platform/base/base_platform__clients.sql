with

source as (

    select * from {{ source('platform', 'clients') }}

),

renamed as (

    select
        cast(client_id as varchar) as client_id,
        cast(campaign_id as varchar) as campaign_id,
        cast(agent_id as varchar) as agent_id,
        cast(full_name as varchar) as full_name_token,
        cast(id_number as varchar) as id_number_token,
        cast(phone as varchar) as phone_token,
        cast(client_type as varchar) as client_type,
        cast(risk_rating as varchar) as risk_rating,
        cast(city as varchar) as city,
        cast(acquisition_channel as varchar) as acquisition_channel,
        cast(kyc_level as integer) as kyc_level,
        cast(birth_year as integer) as birth_year,
        cast(registered_at as timestamptz) as registered_at,
        cast(recorded_at as timestamptz) as recorded_at,
        cast(_source_file as varchar) as _source_file,
        cast(_source_row as bigint) as _source_row,
        cast(_batch_id as varchar) as _batch_id,
        cast(business_date as date) as business_date,
        cast(_ingested_at as timestamptz) as _ingested_at
    from source

)

select * from renamed
