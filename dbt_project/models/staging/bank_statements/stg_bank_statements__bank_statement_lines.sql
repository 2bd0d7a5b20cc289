with

source as (

    select * from {{ source('bank_statements', 'bank_statement_lines') }}

),

renamed as (

    select
        cast(line_id as varchar) as line_id,
        cast(statement_id as varchar) as statement_id,
        cast(end_to_end_id as varchar) as end_to_end_id,
        cast(account_number as varchar) as account_number,
        cast(currency as varchar) as currency,
        cast(credit_debit as varchar) as credit_debit,
        cast(bank_reference as varchar) as bank_reference,
        cast(transaction_code as varchar) as transaction_code,
        cast(counterparty_name as varchar) as counterparty_name_token,
        cast(counterparty_account as varchar) as counterparty_account_token,
        cast(remittance_info as varchar) as remittance_info,
        cast(line_no as integer) as line_no,
        cast(amount as decimal(18, 2)) as amount,
        cast(is_reversal as boolean) as is_reversal,
        cast(booking_date as date) as booking_date,
        cast(value_date as date) as value_date,
        cast(_source_file as varchar) as _source_file,
        cast(_source_row as bigint) as _source_row,
        cast(_batch_id as varchar) as _batch_id,
        cast(business_date as date) as business_date,
        cast(_ingested_at as timestamptz) as _ingested_at
    from source

)

select * from renamed
