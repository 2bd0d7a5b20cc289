with

source as (

    select * from {{ source('platform', 'accounts') }}

),

renamed as (

    select
        cast(account_id as varchar) as account_id,
        cast(client_id as varchar) as client_id,
        cast(product_id as varchar) as product_id,
        cast(currency as varchar) as currency,
        cast(status as varchar) as status,
        cast(credit_limit as decimal(18, 2)) as credit_limit,
        cast(interest_rate_annual as decimal(9, 6)) as interest_rate_annual,
        cast(leverage_cap as decimal(9, 4)) as leverage_cap,
        cast(maturity_date as date) as maturity_date,
        cast(opened_at as timestamptz) as opened_at,
        cast(recorded_at as timestamptz) as recorded_at,
        cast(_source_file as varchar) as _source_file,
        cast(_source_row as bigint) as _source_row,
        cast(_batch_id as varchar) as _batch_id,
        cast(business_date as date) as business_date,
        cast(_ingested_at as timestamptz) as _ingested_at
    from source

)

select * from renamed
