with

source as (

    select * from {{ source('ticks', 'quotes') }}

),

renamed as (

    select
        cast(instrument_id as varchar) as instrument_id,
        cast(seq as bigint) as seq,
        cast(bid_price as decimal(18, 8)) as bid_price,
        cast(bid_size as decimal(18, 8)) as bid_size,
        cast(ask_price as decimal(18, 8)) as ask_price,
        cast(ask_size as decimal(18, 8)) as ask_size,
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
