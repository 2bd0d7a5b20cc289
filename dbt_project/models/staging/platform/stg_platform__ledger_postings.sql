with

source as (

    select * from {{ source('platform', 'ledger_postings') }}

),

renamed as (

    select
        cast(posting_id as varchar) as posting_id,
        cast(txn_id as varchar) as txn_id,
        cast(account_id as varchar) as account_id,
        cast(gl_code as varchar) as gl_code,
        cast(direction as varchar) as direction,
        cast(currency as varchar) as currency,
        cast(line_no as integer) as line_no,
        cast(amount as decimal(18, 2)) as amount,
        cast(recorded_at as timestamptz) as recorded_at,
        cast(_source_file as varchar) as _source_file,
        cast(_source_row as bigint) as _source_row,
        cast(_batch_id as varchar) as _batch_id,
        cast(business_date as date) as business_date,
        cast(_ingested_at as timestamptz) as _ingested_at
    from source

)

select * from renamed
