with

source as (

    select * from {{ source('bank_statements', 'bank_statements') }}

),

renamed as (

    select
        cast(statement_id as varchar) as statement_id,
        cast(message_id as varchar) as message_id,
        cast(account_number as varchar) as account_number,
        cast(currency as varchar) as currency,
        cast(source_format as varchar) as source_format,
        cast(opening_balance as decimal(18, 2)) as opening_balance,
        cast(closing_balance as decimal(18, 2)) as closing_balance,
        cast(entry_count as integer) as entry_count,
        cast(statement_date as date) as statement_date,
        cast(created_at as timestamptz) as created_at,
        cast(_source_file as varchar) as _source_file,
        cast(_source_row as bigint) as _source_row,
        cast(_batch_id as varchar) as _batch_id,
        cast(business_date as date) as business_date,
        cast(_ingested_at as timestamptz) as _ingested_at
    from source

)

select * from renamed
