with

source as (

    select * from {{ source('platform', 'fills') }}

),

renamed as (

    select
        cast(fill_id as varchar) as fill_id,
        cast(order_id as varchar) as order_id,
        cast(account_id as varchar) as account_id,
        cast(instrument_id as varchar) as instrument_id,
        cast(txn_id as varchar) as txn_id,
        cast(side as varchar) as side,
        cast(quantity as decimal(18, 8)) as quantity,
        cast(price as decimal(18, 8)) as price,
        cast(gross_amount as decimal(18, 2)) as gross_amount,
        cast(commission as decimal(18, 2)) as commission,
        cast(taxes as decimal(18, 2)) as taxes,
        cast(is_forced_liquidation as boolean) as is_forced_liquidation,
        cast(trade_date as date) as trade_date,
        cast(executed_at as timestamptz) as executed_at,
        cast(recorded_at as timestamptz) as recorded_at,
        cast(_source_file as varchar) as _source_file,
        cast(_source_row as bigint) as _source_row,
        cast(_batch_id as varchar) as _batch_id,
        cast(business_date as date) as business_date,
        cast(_ingested_at as timestamptz) as _ingested_at
    from source

)

select * from renamed
