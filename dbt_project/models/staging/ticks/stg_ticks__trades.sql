with

source as (

    select * from {{ source('ticks', 'trades') }}

),

renamed as (

    select
        cast(trade_id as varchar) as trade_id,
        cast(instrument_id as varchar) as instrument_id,
        cast(aggressor_side as varchar) as aggressor_side,
        cast(seq as bigint) as seq,
        cast(price as decimal(18, 8)) as price,
        cast(quantity as decimal(18, 8)) as quantity,
        cast(trade_date as date) as trade_date,
        cast(exchange_ts as timestamptz) as exchange_ts,
        cast(_source_file as varchar) as _source_file,
        cast(_source_row as bigint) as _source_row,
        cast(_batch_id as varchar) as _batch_id,
        cast(business_date as date) as business_date,
        cast(_ingested_at as timestamptz) as _ingested_at
    from source

)

select * from renamed
