with

source as (

    select * from {{ source('platform', 'ledger_transactions') }}

),

renamed as (

    select
        cast(txn_id as varchar) as txn_id,
        cast(idempotency_key as varchar) as idempotency_key,
        cast(account_id as varchar) as account_id,
        cast(client_id as varchar) as client_id,
        cast(txn_type as varchar) as txn_type,
        cast(reference as varchar) as reference,
        cast(external_ref as varchar) as external_ref,
        cast(reversal_of as varchar) as reversal_of,
        cast(counterparty_name as varchar) as counterparty_name_token,
        cast(counterparty_account as varchar) as counterparty_account_token,
        cast(status as varchar) as status,
        cast(description as varchar) as description,
        cast(booking_date as date) as booking_date,
        cast(effective_at as timestamptz) as effective_at,
        cast(recorded_at as timestamptz) as recorded_at,
        cast(_source_file as varchar) as _source_file,
        cast(_source_row as bigint) as _source_row,
        cast(_batch_id as varchar) as _batch_id,
        cast(business_date as date) as business_date,
        cast(_ingested_at as timestamptz) as _ingested_at
    from source

)

select * from renamed
