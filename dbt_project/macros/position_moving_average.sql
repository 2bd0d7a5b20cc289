{#-
    The CTEs `sequenced_fills` and `position_states` of a `with recursive` clause: the long
    position of every account and instrument after each fill, from a CTE of fills (account_id,
    instrument_id, fill_id, side, quantity, price, is_forced_liquidation, trade_date, executed_at).
      position_units       buys minus sells so far, in units of 10^-8 shares;
      average_cost_units   moving average in units of 10^-8: a buy blends its price in (rounded
                           half away from zero), a sell leaves it unchanged, a buy into a flat
                           (or short) position starts afresh at its price. Commissions and taxes
                           are not part of it (they are booked in the ledger).
    Fills are applied in executed_at order (fill_id breaks ties), one recursion step per fill.
-#}
{% macro position_moving_average_ctes(fills='fills') -%}
sequenced_fills as (

    select
        account_id,
        instrument_id,
        fill_id,
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
        coalesce(is_forced_liquidation, false) as is_forced_liquidation,
        trade_date,
        executed_at
    from {{ fills }}

),

position_states as (

    select
        account_id,
        instrument_id,
        fill_id,
        fill_sequence,
        signed_quantity_units as position_units,
        price_units as average_cost_units,
        is_forced_liquidation,
        trade_date,
        executed_at
    from sequenced_fills
    where fill_sequence = 1

    union all

    select
        position_states.account_id,
        position_states.instrument_id,
        sequenced_fills.fill_id,
        sequenced_fills.fill_sequence,
        position_states.position_units + sequenced_fills.signed_quantity_units as position_units,
        case
            when sequenced_fills.side <> 'buy' then position_states.average_cost_units
            when position_states.position_units <= 0 then sequenced_fills.price_units
            else {{ divide_units_rounded(
                'position_states.position_units * position_states.average_cost_units'
                ~ ' + sequenced_fills.quantity_units * sequenced_fills.price_units',
                'position_states.position_units + sequenced_fills.quantity_units'
            ) }}
        end as average_cost_units,
        sequenced_fills.is_forced_liquidation,
        sequenced_fills.trade_date,
        sequenced_fills.executed_at
    from position_states
    inner join sequenced_fills
        on
            position_states.account_id = sequenced_fills.account_id
            and position_states.instrument_id = sequenced_fills.instrument_id
            and position_states.fill_sequence + 1 = sequenced_fills.fill_sequence

)
{%- endmacro %}
