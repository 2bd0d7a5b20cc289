-- Every use of an identifier that can link distinct clients, one row per use: the device and
-- the IP address of a device event, the bank card or account (counterparty_account_token) of a
-- fund flow, and the phone a client registered with (used once, at registration). Values are
-- keyed-hash tokens. evidence_txn_id / evidence_event_id point at the record that shows the use.

with

device_events as (

    select * from {{ ref('stg_platform__device_events') }}

),

fund_flows as (

    select * from {{ ref('int_aml_fund_flows') }}

),

clients as (

    select * from {{ ref('stg_platform__clients') }}

),

uses as (

    select
        'device' as identifier_type,
        device_id_token as identifier_token,
        client_id,
        cast(null as varchar) as evidence_txn_id,
        event_id as evidence_event_id,
        business_date as used_date,
        occurred_at as used_at
    from device_events
    where device_id_token is not null

    union all

    select
        'ip_address' as identifier_type,
        ip_address_token as identifier_token,
        client_id,
        cast(null as varchar) as evidence_txn_id,
        event_id as evidence_event_id,
        business_date as used_date,
        occurred_at as used_at
    from device_events
    where ip_address_token is not null

    union all

    select
        'bank_card' as identifier_type,
        counterparty_account_token as identifier_token,
        client_id,
        txn_id as evidence_txn_id,
        cast(null as varchar) as evidence_event_id,
        booking_date as used_date,
        effective_at as used_at
    from fund_flows
    where counterparty_account_token is not null

    union all

    select
        'phone' as identifier_type,
        phone_token as identifier_token,
        client_id,
        cast(null as varchar) as evidence_txn_id,
        cast(null as varchar) as evidence_event_id,
        {{ exchange_date('registered_at') }} as used_date,
        registered_at as used_at
    from clients
    where phone_token is not null

)

select * from uses
