with

source as (

    select * from {{ source('platform', 'instruments') }}

),

renamed as (

    select
        cast(instrument_id as varchar) as instrument_id,
        cast(symbol as varchar) as symbol,
        cast(instrument_name as varchar) as instrument_name,
        cast(exchange as varchar) as exchange,
        cast(board as varchar) as board,
        cast(sector as varchar) as sector,
        cast(currency as varchar) as currency,
        cast(lot_size as integer) as lot_size,
        cast(price_limit_pct as decimal(9, 4)) as price_limit_pct,
        cast(haircut as decimal(9, 4)) as haircut,
        cast(shares_outstanding as bigint) as shares_outstanding,
        cast(is_marginable as boolean) as is_marginable,
        cast(listed_date as date) as listed_date,
        cast(recorded_at as timestamptz) as recorded_at,
        cast(_source_file as varchar) as _source_file,
        cast(_source_row as bigint) as _source_row,
        cast(_batch_id as varchar) as _batch_id,
        cast(business_date as date) as business_date,
        cast(_ingested_at as timestamptz) as _ingested_at
    from source

)

select * from renamed
