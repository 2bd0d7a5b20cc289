-- End-of-day long positions per account, instrument and trading day, built from fills.
--   quantity      buys minus sells, carried forward on days without fills; zero positions dropped.
--   average_cost  moving average: a buy blends its price into the average, a sell leaves it
--                 unchanged, and a buy into a flat position starts afresh at its price. It is
--                 computed fill by fill with a recursive CTE in exact integer units of 10^-8,
--                 rounded half away from zero to 8 decimals at each buy; commissions and taxes
--                 are not part of it (they are booked in the ledger).
--   valuation     at the instrument's latest end-of-day close on or before the day (price_date
--                 says which); market value, unrealized P&L and collateral value (market value
--                 x haircut) are rounded half away from zero to the fen, per position.
with recursive

fills as (

    select * from {{ ref('stg_platform__fills') }}

),

eod_prices as (

    select * from {{ ref('stg_ticks__eod_prices') }}

),

instruments as (

    select * from {{ ref('stg_platform__instruments') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

sequenced_fills as (

    select
        account_id,
        instrument_id,
        side,
        {{ decimal_to_units('quantity') }} as quantity_units,
        case
            when side = 'buy' then {{ decimal_to_units('quantity') }}
            else -{{ decimal_to_units('quantity') }}
        end as signed_quantity_units,
        {{ decimal_to_units('price') }} as price_units,
        row_number() over (
            partition by account_id, instrument_id order by executed_at, fill_id
        ) as fill_sequence,
        trade_date
    from fills

),

moving_average as (

    select
        account_id,
        instrument_id,
        fill_sequence,
        signed_quantity_units as position_units,
        price_units as average_cost_units,
        trade_date
    from sequenced_fills
    where fill_sequence = 1

    union all

    select
        moving_average.account_id,
        moving_average.instrument_id,
        sequenced_fills.fill_sequence,
        moving_average.position_units + sequenced_fills.signed_quantity_units as position_units,
        case
            when sequenced_fills.side <> 'buy' then moving_average.average_cost_units
            when moving_average.position_units <= 0 then sequenced_fills.price_units
            else {{ divide_units_rounded(
                'moving_average.position_units * moving_average.average_cost_units'
                ~ ' + sequenced_fills.quantity_units * sequenced_fills.price_units',
                'moving_average.position_units + sequenced_fills.quantity_units'
            ) }}
        end as average_cost_units,
        sequenced_fills.trade_date
    from moving_average
    inner join sequenced_fills
        on
            moving_average.account_id = sequenced_fills.account_id
            and moving_average.instrument_id = sequenced_fills.instrument_id
            and moving_average.fill_sequence + 1 = sequenced_fills.fill_sequence

),

last_fills_of_day as (

    select * from moving_average
    qualify row_number() over (
        partition by account_id, instrument_id, trade_date order by fill_sequence desc
    ) = 1

),

-- The state after the day's last fill holds until the next day with a fill.
end_of_day_states as (

    select
        account_id,
        instrument_id,
        position_units,
        average_cost_units,
        trade_date as state_from_date,
        lead(trade_date) over (
            partition by account_id, instrument_id order by trade_date
        ) as state_to_date
    from last_fills_of_day

),

-- A close holds until the instrument's next close (covers days an instrument has no row).
closes as (

    select
        instrument_id,
        close_price,
        trade_date as price_date,
        lead(trade_date) over (partition by instrument_id order by trade_date) as next_price_date
    from eod_prices

),

daily_positions as (

    select
        end_of_day_states.account_id,
        end_of_day_states.instrument_id,
        end_of_day_states.position_units,
        end_of_day_states.average_cost_units,
        end_of_day_states.state_from_date as last_fill_date,
        trading_days.trading_date as as_of_date
    from end_of_day_states
    inner join trading_days
        on
            end_of_day_states.state_from_date <= trading_days.trading_date
            and (
                end_of_day_states.state_to_date is null
                or end_of_day_states.state_to_date > trading_days.trading_date
            )
    where end_of_day_states.position_units <> 0

),

valued as (

    select
        daily_positions.account_id,
        daily_positions.instrument_id,
        {{ units_to_decimal('daily_positions.position_units') }} as quantity,
        {{ units_to_decimal('daily_positions.average_cost_units') }} as average_cost,
        closes.close_price,
        instruments.haircut,
        closes.price_date,
        daily_positions.last_fill_date,
        daily_positions.as_of_date
    from daily_positions
    left join closes
        on
            daily_positions.instrument_id = closes.instrument_id
            and daily_positions.as_of_date >= closes.price_date
            and (closes.next_price_date is null or daily_positions.as_of_date < closes.next_price_date)
    left join instruments
        on daily_positions.instrument_id = instruments.instrument_id

),

final as (

    select
        account_id,
        instrument_id,
        quantity,
        average_cost,
        close_price,
        haircut,
        cast(quantity * close_price as decimal(38, 2)) as market_value,
        cast(quantity * (close_price - average_cost) as decimal(38, 2)) as unrealized_pnl,
        cast(cast(quantity * close_price as decimal(38, 2)) * haircut as decimal(38, 2)) as collateral_value,
        price_date,
        last_fill_date,
        as_of_date
    from valued

)

select * from final
