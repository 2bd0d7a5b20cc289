-- Level-1 quotes with the 1-minute bar they fall in (the exchange-local minute of the quote,
-- as a UTC timestamp; see int_trades_bucketed).
with

quotes as (

    select * from {{ ref('stg_ticks__quotes') }}

),

bucketed as (

    select
        instrument_id,
        seq,
        bid_price,
        bid_size,
        ask_price,
        ask_size,
        trade_date,
        exchange_ts,
        timezone(
            '{{ var("exchange_timezone") }}',
            date_trunc('minute', timezone('{{ var("exchange_timezone") }}', exchange_ts))
        ) as bar_start_at
    from quotes

)

select * from bucketed
