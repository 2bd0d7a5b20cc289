-- Margin calls: one row per call, issued at the first intraday snapshot (the closing snapshot
-- included) where the account's maintenance collateral ratio is below its call line, having been
-- at or above it at the snapshot before, while no earlier call of the account is still open.
--   observations  the snapshots of fct_account_exposure_intraday; below the call line means
--                 liabilities > 0 and total_assets < call_line x liabilities (exact). The closing
--                 snapshot (the session close, at the closing prices) is the day's close; the
--                 evening's journals (interest accrual, late top-ups) reach the next morning's
--                 snapshots through the opening balances.
--   amount        amount_required = target_line x D - (C + MV) at issue, computed exactly in
--                 decimals and rounded up to the fen: a top-up of that much restores the target.
--   deadline      the trading day call_deadline_days trading days after the issue date.
--   outcome       from the events that follow the issue, first come first served:
--                   met         a closing snapshot at or above the call line, or top-ups
--                               (deposits and margin top-ups) adding up to amount_required,
--                               before any forced sale or deficit;
--                   deficit     a deficit booked (deficit receivable up) or a closing snapshot
--                               with negative equity, before the account is met again;
--                   liquidated  a forced-liquidation fill first, not followed by a deficit before
--                               the account is back at or above the call line at a close;
--                   open        nothing yet.
--                 resolved_at is the time of the deciding event (the first forced fill for
--                 liquidated); the next call needs a new crossing after it.
-- Materialized as a table, not incrementally: whether a call is issued depends on whether the
-- previous one is still open, and open calls are resolved by later days, so a day's run must
-- see the account's history. The input is small (crossings, closing snapshots and a few event
-- types), so a rebuild costs a filtered scan of the intraday mart.

with recursive

intraday_exposure as (

    select * from {{ ref('fct_account_exposure_intraday') }}

),

margin_lines as (

    select * from {{ ref('int_margin_lines_resolved') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

position_states as (

    select * from {{ ref('int_position_states') }}

),

balance_changes as (

    select * from {{ ref('int_account_balance_changes') }}

),

observations as (

    select
        account_id,
        client_id,
        product_id,
        case when is_closing_snapshot then 'close' else 'intraday' end as observation_type,
        maintenance_collateral_ratio,
        total_assets,
        liabilities,
        equity,
        call_line,
        coalesce(liabilities > 0 and total_assets < call_line * liabilities, false) as is_below_call_line,
        is_closing_snapshot,
        as_of_date,
        snapshot_at as observed_at
    from intraday_exposure

),

closes as (

    select * from observations
    where is_closing_snapshot

),

-- A crossing: below the call line after an observation that was not (or the account's first).
crossings as (

    select *
    from observations
    qualify
        is_below_call_line
        and not coalesce(lag(is_below_call_line) over (partition by account_id order by observed_at), false)

),

candidates as (

    select
        crossings.account_id,
        crossings.client_id,
        crossings.product_id,
        crossings.observation_type,
        row_number() over (
            partition by crossings.account_id order by crossings.observed_at
        ) as crossing_number,
        crossings.maintenance_collateral_ratio,
        crossings.total_assets,
        crossings.liabilities,
        crossings.call_line,
        margin_lines.target_line,
        {{ units_to_decimal(
            '(' ~ decimal_to_units('margin_lines.target_line * crossings.liabilities - crossings.total_assets', 8)
            ~ ' + 999999) // 1000000',
            2
        ) }} as amount_required,
        margin_lines.call_deadline_days,
        crossings.as_of_date as issued_date,
        deadline_days.trading_date as deadline_date,
        crossings.observed_at as issued_at
    from crossings
    inner join margin_lines
        on
            crossings.product_id = margin_lines.product_id
            and crossings.as_of_date >= margin_lines.effective_from
            and (margin_lines.effective_to is null or crossings.as_of_date < margin_lines.effective_to)
    inner join trading_days as issue_days
        on crossings.as_of_date = issue_days.trading_date
    left join trading_days as deadline_days
        on issue_days.trading_day_number + margin_lines.call_deadline_days = deadline_days.trading_day_number

),

-- First close at or above the call line after the issue.
ratio_met as (

    select
        candidates.account_id,
        candidates.crossing_number,
        min(closes.observed_at) as event_at,
        arg_min(closes.as_of_date, closes.observed_at) as event_date
    from candidates
    inner join closes
        on
            candidates.account_id = closes.account_id
            and candidates.issued_at < closes.observed_at
            and not closes.is_below_call_line
    group by candidates.account_id, candidates.crossing_number

),

topups as (

    select
        account_id,
        client_cash_change as topup_amount,
        booking_date,
        effective_at,
        txn_id
    from balance_changes
    where txn_type in ('deposit', 'margin_topup') and client_cash_change > 0

),

candidate_topups as (

    select
        candidates.account_id,
        candidates.crossing_number,
        candidates.amount_required,
        topups.topup_amount,
        sum(topups.topup_amount) over (
            partition by candidates.account_id, candidates.crossing_number
            order by topups.effective_at, topups.txn_id
            rows between unbounded preceding and current row
        ) as cumulative_topup_amount,
        topups.booking_date,
        topups.effective_at
    from candidates
    inner join topups
        on
            candidates.account_id = topups.account_id
            and candidates.issued_at < topups.effective_at

),

-- The top-up that brings the total since the issue up to the amount required.
topup_met as (

    select
        account_id,
        crossing_number,
        min(effective_at) as event_at,
        arg_min(booking_date, effective_at) as event_date
    from candidate_topups
    where cumulative_topup_amount >= amount_required
    group by account_id, crossing_number

),

forced_sales as (

    select
        candidates.account_id,
        candidates.crossing_number,
        min(position_states.executed_at) as event_at,
        arg_min(position_states.trade_date, position_states.executed_at) as event_date
    from candidates
    inner join position_states
        on
            candidates.account_id = position_states.account_id
            and position_states.is_forced_liquidation
            and candidates.issued_at < position_states.executed_at
    group by candidates.account_id, candidates.crossing_number

),

deficit_events as (

    select
        account_id,
        booking_date as event_date,
        effective_at as event_at
    from balance_changes
    where deficit_receivable_change > 0

    union all

    select
        account_id,
        as_of_date as event_date,
        observed_at as event_at
    from closes
    where equity < 0

),

deficits as (

    select
        candidates.account_id,
        candidates.crossing_number,
        min(deficit_events.event_at) as event_at,
        arg_min(deficit_events.event_date, deficit_events.event_at) as event_date
    from candidates
    inner join deficit_events
        on
            candidates.account_id = deficit_events.account_id
            and candidates.issued_at < deficit_events.event_at
    group by candidates.account_id, candidates.crossing_number

),

candidate_events as (

    select
        candidates.*,
        case
            when topup_met.event_at is null then ratio_met.event_at
            when ratio_met.event_at is null then topup_met.event_at
            else least(ratio_met.event_at, topup_met.event_at)
        end as met_at,
        case
            when topup_met.event_at is null or ratio_met.event_at <= topup_met.event_at
                then ratio_met.event_date
            else topup_met.event_date
        end as met_date,
        forced_sales.event_at as forced_sale_at,
        forced_sales.event_date as forced_sale_date,
        deficits.event_at as deficit_at,
        deficits.event_date as deficit_date
    from candidates
    left join ratio_met
        on
            candidates.account_id = ratio_met.account_id
            and candidates.crossing_number = ratio_met.crossing_number
    left join topup_met
        on
            candidates.account_id = topup_met.account_id
            and candidates.crossing_number = topup_met.crossing_number
    left join forced_sales
        on
            candidates.account_id = forced_sales.account_id
            and candidates.crossing_number = forced_sales.crossing_number
    left join deficits
        on
            candidates.account_id = deficits.account_id
            and candidates.crossing_number = deficits.crossing_number

),

resolved as (

    select
        *,
        case
            when
                met_at is not null
                and (forced_sale_at is null or met_at < forced_sale_at)
                and (deficit_at is null or met_at < deficit_at)
                then 'met'
            when deficit_at is not null and (met_at is null or deficit_at < met_at) then 'deficit'
            when forced_sale_at is not null then 'liquidated'
            else 'open'
        end as outcome
    from candidate_events

),

resolution_times as (

    select
        *,
        case outcome
            when 'met' then met_at
            when 'deficit' then deficit_at
            when 'liquidated' then forced_sale_at
        end as resolved_at,
        case outcome
            when 'met' then met_date
            when 'deficit' then deficit_date
            when 'liquidated' then forced_sale_date
        end as resolved_date
    from resolved

),

-- Each candidate's successor: the account's first crossing after it is resolved.
linked as (

    select
        resolution_times.*,
        (
            select min(later.crossing_number) as next_crossing_number
            from resolution_times as later
            where
                later.account_id = resolution_times.account_id
                and later.issued_at > resolution_times.resolved_at
        ) as next_crossing_number
    from resolution_times

),

-- Calls are the chain of successors from each account's first crossing.
call_chain as (

    select
        linked.*,
        1 as call_number
    from linked
    where linked.crossing_number = 1

    union all

    select
        linked.*,
        call_chain.call_number + 1 as call_number
    from call_chain
    inner join linked
        on
            call_chain.account_id = linked.account_id
            and call_chain.next_crossing_number = linked.crossing_number

),

topped_up as (

    select
        call_chain.account_id,
        call_chain.crossing_number,
        sum(candidate_topups.topup_amount) as topped_up_amount
    from call_chain
    inner join candidate_topups
        on
            call_chain.account_id = candidate_topups.account_id
            and call_chain.crossing_number = candidate_topups.crossing_number
            and (
                call_chain.resolved_at is null
                or call_chain.resolved_at >= candidate_topups.effective_at
            )
    group by call_chain.account_id, call_chain.crossing_number

),

final as (

    select
        concat_ws(
            '-',
            call_chain.account_id,
            strftime(timezone('{{ var("exchange_timezone") }}', call_chain.issued_at), '%Y%m%dT%H%M%S')
        ) as call_id,
        call_chain.account_id,
        call_chain.client_id,
        call_chain.product_id,
        call_chain.outcome,
        call_chain.observation_type as issued_on,
        call_chain.call_number,
        call_chain.maintenance_collateral_ratio as maintenance_collateral_ratio_at_issue,
        call_chain.call_line,
        call_chain.target_line,
        call_chain.total_assets as total_assets_at_issue,
        call_chain.liabilities as liabilities_at_issue,
        call_chain.amount_required,
        cast(coalesce(topped_up.topped_up_amount, 0) as decimal(38, 2)) as topped_up_amount,
        call_chain.call_deadline_days,
        call_chain.resolved_date <= call_chain.deadline_date as is_resolved_by_deadline,
        call_chain.issued_date,
        call_chain.deadline_date,
        call_chain.resolved_date,
        call_chain.issued_at,
        call_chain.resolved_at
    from call_chain
    left join topped_up
        on
            call_chain.account_id = topped_up.account_id
            and call_chain.crossing_number = topped_up.crossing_number

)

select * from final
