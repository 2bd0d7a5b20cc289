{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['account_id', 'snapshot_at'],
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'as_of_date'}
    )
}}
-- Exposure of every margin account at each intraday risk snapshot (int_risk_snapshot_times,
-- every 5 minutes of the sessions by default), so an account that crosses a line at 10:40 is
-- seen at 10:40 and not at the close. At a snapshot on trading day d:
--   positions  the state after the last fill executed at or before the snapshot (quantity and
--              moving-average cost, int_position_states): the previous close's holdings plus
--              d's fills so far; priced at the instrument's last print at or before the snapshot
--              (the previous close before its first print of the day), with d's haircut;
--   balances   the previous trading day's end-of-day balances (fct_account_exposure_daily) plus
--              d's journals effective at or before the snapshot (int_account_balance_changes);
--   lines      those in force on d, as in fct_account_exposure_daily.
-- The formulas are the macros of macros/risk_exposure.sql, the ones the daily mart uses.
-- Incremental by business date: an incremental run rebuilds the snapshots of the trading days
-- in [var('min_date'), var('max_date')); a full build covers all dates.

with

snapshot_times as (

    select * from {{ ref('int_risk_snapshot_times') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('trading_date') }}
    {%- endif %}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

daily_exposure as (

    select * from {{ ref('fct_account_exposure_daily') }}

),

daily_positions as (

    select * from {{ ref('fct_positions_daily') }}

),

-- Fills of one order can share an execution time: the state after the last of them holds.
position_states as (

    select * from {{ ref('int_position_states') }}
    qualify row_number() over (
        partition by account_id, instrument_id, executed_at order by fill_sequence desc
    ) = 1

),

balance_changes as (

    select * from {{ ref('int_account_balance_changes') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('trading_date') }}
    {%- endif %}

),

instrument_prices as (

    select * from {{ ref('int_instrument_prices_intraday') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('trading_date') }}
    {%- endif %}

),

instrument_params as (

    select * from {{ ref('int_instrument_params_resolved') }}

),

snapshot_days as (

    select
        trading_date,
        previous_trading_date
    from (
        select
            trading_date,
            lag(trading_date) over (order by trading_date) as previous_trading_date
        from trading_days
    ) as numbered_days
    where trading_date in (select snapshot_times.trading_date from snapshot_times)

),

-- The accounts of the day with their lines, and the previous close's balances (zero on the
-- account's first day).
account_days as (

    select
        current_day.account_id,
        current_day.client_id,
        current_day.product_id,
        current_day.line_basis,
        coalesce(previous_day.cash, 0) as opening_cash,
        coalesce(previous_day.financing_principal, 0) as opening_financing_principal,
        coalesce(previous_day.accrued_interest, 0) as opening_accrued_interest,
        coalesce(previous_day.fees_due, 0) as opening_fees_due,
        coalesce(previous_day.deficit_receivable, 0) as opening_deficit_receivable,
        current_day.warning_line,
        current_day.call_line,
        current_day.close_line,
        snapshot_days.trading_date,
        snapshot_days.previous_trading_date
    from daily_exposure as current_day
    inner join snapshot_days
        on current_day.as_of_date = snapshot_days.trading_date
    left join daily_exposure as previous_day
        on
            current_day.account_id = previous_day.account_id
            and snapshot_days.previous_trading_date = previous_day.as_of_date

),

-- Balance changes of the day, accumulated in the order they took effect.
cumulative_changes as (

    select
        account_id,
        sum(client_cash_change) over running as client_cash_change,
        sum(financing_principal_change) over running as financing_principal_change,
        sum(accrued_interest_change) over running as accrued_interest_change,
        sum(fees_receivable_change) over running as fees_receivable_change,
        sum(deficit_receivable_change) over running as deficit_receivable_change,
        trading_date,
        effective_at
    from balance_changes
    window running as (
        partition by account_id, trading_date
        order by effective_at, txn_id
        rows between unbounded preceding and current row
    )

),

account_snapshots as (

    select
        account_days.*,
        snapshot_times.snapshot_number,
        snapshot_times.is_closing_snapshot,
        snapshot_times.snapshot_at
    from account_days
    inner join snapshot_times
        on account_days.trading_date = snapshot_times.trading_date

),

balances_at_snapshot as (

    select
        account_snapshots.*,
        cast(
            account_snapshots.opening_cash + coalesce(cumulative_changes.client_cash_change, 0)
            as decimal(38, 2)
        ) as cash,
        cast(
            account_snapshots.opening_financing_principal
            + coalesce(cumulative_changes.financing_principal_change, 0)
            as decimal(38, 2)
        ) as financing_principal,
        cast(
            account_snapshots.opening_accrued_interest
            + coalesce(cumulative_changes.accrued_interest_change, 0)
            as decimal(38, 2)
        ) as accrued_interest,
        cast(
            account_snapshots.opening_fees_due + coalesce(cumulative_changes.fees_receivable_change, 0)
            as decimal(38, 2)
        ) as fees_due,
        cast(
            account_snapshots.opening_deficit_receivable
            + coalesce(cumulative_changes.deficit_receivable_change, 0)
            as decimal(38, 2)
        ) as deficit_receivable
    from account_snapshots
    asof left join cumulative_changes
        on
            account_snapshots.account_id = cumulative_changes.account_id
            and account_snapshots.trading_date = cumulative_changes.trading_date
            and account_snapshots.snapshot_at >= cumulative_changes.effective_at

),

-- Instruments an account may hold during the day: held at the previous close or traded today.
position_keys as (

    select
        daily_positions.account_id,
        daily_positions.instrument_id,
        snapshot_days.trading_date
    from daily_positions
    inner join snapshot_days
        on daily_positions.as_of_date = snapshot_days.previous_trading_date

    union

    select
        position_states.account_id,
        position_states.instrument_id,
        position_states.trade_date as trading_date
    from position_states
    inner join snapshot_days
        on position_states.trade_date = snapshot_days.trading_date

),

position_snapshots as (

    select
        position_keys.account_id,
        position_keys.instrument_id,
        position_keys.trading_date,
        snapshot_times.snapshot_at
    from position_keys
    inner join snapshot_times
        on position_keys.trading_date = snapshot_times.trading_date

),

-- The position after the last fill executed at or before the snapshot; none before the first.
positions_at_snapshot as (

    select
        position_snapshots.account_id,
        position_snapshots.instrument_id,
        position_states.quantity,
        position_states.average_cost,
        position_snapshots.trading_date,
        position_snapshots.snapshot_at
    from position_snapshots
    asof inner join position_states
        on
            position_snapshots.account_id = position_states.account_id
            and position_snapshots.instrument_id = position_states.instrument_id
            and position_snapshots.snapshot_at >= position_states.executed_at
    where position_states.quantity <> 0

),

-- Priced at the snapshot; without an intraday price (no end-of-day row that day) at the
-- previous close, and for a name bought that day without any price, at its average cost.
valued_positions as (

    select
        positions_at_snapshot.account_id,
        positions_at_snapshot.quantity,
        positions_at_snapshot.average_cost,
        coalesce(
            instrument_prices.price, previous_positions.close_price, positions_at_snapshot.average_cost
        ) as price,
        instrument_params.haircut,
        positions_at_snapshot.snapshot_at
    from positions_at_snapshot
    left join instrument_prices
        on
            positions_at_snapshot.instrument_id = instrument_prices.instrument_id
            and positions_at_snapshot.snapshot_at = instrument_prices.snapshot_at
    left join snapshot_days
        on positions_at_snapshot.trading_date = snapshot_days.trading_date
    left join daily_positions as previous_positions
        on
            positions_at_snapshot.account_id = previous_positions.account_id
            and positions_at_snapshot.instrument_id = previous_positions.instrument_id
            and snapshot_days.previous_trading_date = previous_positions.as_of_date
    left join instrument_params
        on
            positions_at_snapshot.instrument_id = instrument_params.instrument_id
            and positions_at_snapshot.trading_date >= instrument_params.effective_from
            and (
                instrument_params.effective_to is null
                or positions_at_snapshot.trading_date < instrument_params.effective_to
            )

),

position_values as (

    select
        account_id,
        {{ position_market_value('quantity', 'price') }} as market_value,
        {{ position_collateral_value('quantity', 'price', 'haircut') }} as collateral_value,
        {{ position_unrealized_pnl('quantity', 'price', 'average_cost') }} as unrealized_pnl,
        snapshot_at
    from valued_positions

),

position_totals as (

    select
        account_id,
        count(*) as position_count,
        sum(market_value) as long_market_value,
        sum(collateral_value) as collateral_value,
        sum(unrealized_pnl) as unrealized_pnl,
        max(market_value) as largest_position_value,
        sum(market_value * market_value) as sum_of_squared_market_values,
        snapshot_at
    from position_values
    group by account_id, snapshot_at

),

totals as (

    select
        balances_at_snapshot.account_id,
        balances_at_snapshot.client_id,
        balances_at_snapshot.product_id,
        balances_at_snapshot.line_basis,
        balances_at_snapshot.cash,
        cast(coalesce(position_totals.long_market_value, 0) as decimal(38, 2)) as long_market_value,
        cast(coalesce(position_totals.collateral_value, 0) as decimal(38, 2)) as collateral_value,
        balances_at_snapshot.financing_principal,
        balances_at_snapshot.accrued_interest,
        balances_at_snapshot.fees_due,
        balances_at_snapshot.deficit_receivable,
        {{ exposure_liabilities(
            'balances_at_snapshot.financing_principal', 'balances_at_snapshot.accrued_interest',
            'balances_at_snapshot.fees_due', 'balances_at_snapshot.deficit_receivable'
        ) }} as liabilities,
        cast(
            balances_at_snapshot.cash + coalesce(position_totals.long_market_value, 0) as decimal(38, 2)
        ) as total_assets,
        cast(coalesce(position_totals.unrealized_pnl, 0) as decimal(38, 2)) as unrealized_pnl,
        coalesce(position_totals.position_count, 0) as position_count,
        position_totals.largest_position_value,
        position_totals.sum_of_squared_market_values,
        balances_at_snapshot.warning_line,
        balances_at_snapshot.call_line,
        balances_at_snapshot.close_line,
        balances_at_snapshot.snapshot_number,
        balances_at_snapshot.is_closing_snapshot,
        balances_at_snapshot.trading_date,
        balances_at_snapshot.snapshot_at
    from balances_at_snapshot
    left join position_totals
        on
            balances_at_snapshot.account_id = position_totals.account_id
            and balances_at_snapshot.snapshot_at = position_totals.snapshot_at

),

with_equity as (

    select
        *,
        cast(total_assets - liabilities as decimal(38, 2)) as equity
    from totals

),

exposure as (

    select
        {{ exposure_columns() }},
        snapshot_number,
        is_closing_snapshot,
        trading_date as as_of_date,
        snapshot_at
    from with_equity

)

select * from exposure
