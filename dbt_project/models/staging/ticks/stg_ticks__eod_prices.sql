with

source as (

    select * from {{ source('ticks', 'eod_prices') }}

),

renamed as (

    select
        cast(instrument_id as varchar) as instrument_id,
        cast(open_price as decimal(18, 8)) as open_price,
        cast(high_price as decimal(18, 8)) as high_price,
        cast(low_price as decimal(18, 8)) as low_price,
        cast(close_price as decimal(18, 8)) as close_price,
        cast(prev_close_price as decimal(18, 8)) as prev_close_price,
        cast(limit_up_price as decimal(18, 8)) as limit_up_price,
        cast(limit_down_price as decimal(18, 8)) as limit_down_price,
        cast(volume as decimal(18, 8)) as volume,
        cast(turnover as decimal(18, 2)) as turnover,
        cast(is_suspended as boolean) as is_suspended,
        cast(trade_date as date) as trade_date,
        cast(_source_file as varchar) as _source_file,
        cast(_source_row as bigint) as _source_row,
        cast(_batch_id as varchar) as _batch_id,
        cast(business_date as date) as business_date,
        cast(_ingested_at as timestamptz) as _ingested_at
    from source

)

select * from renamed
