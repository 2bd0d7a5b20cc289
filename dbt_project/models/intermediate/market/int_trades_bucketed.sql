-- Trade prints with the 1-minute bar they fall in. Bars follow the exchange's clock: a print
-- belongs to the minute of its exchange-local time, and bar_start_at is that local minute
-- converted back to UTC (for a time zone with a whole-hour offset it is also the UTC minute).
with

trades as (

    select * from {{ ref('stg_ticks__trades') }}

),

bucketed as (

    select
        trade_id,
        instrument_id,
        seq,
        price,
        quantity,
        trade_date,
        exchange_ts,
        timezone(
            '{{ var("exchange_timezone") }}',
            date_trunc('minute', timezone('{{ var("exchange_timezone") }}', exchange_ts))
        ) as bar_start_at
    from trades

)

select * from bucketed
