-- The intraday risk snapshots of every trading day, from the dated risk_snapshot_params seed:
-- in each session in force on the day, one snapshot every snapshot_interval_minutes after the
-- session opens up to its close, plus the close itself when the interval does not divide the
-- session. The day's last snapshot, at the close of its last session, is its closing snapshot.
-- Local times are the exchange's (var exchange_timezone); snapshot_at is UTC.
with

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

snapshot_params as (

    select * from {{ ref('risk_snapshot_params') }}

),

sessions as (

    select
        snapshot_params.session_name,
        snapshot_params.snapshot_interval_minutes,
        datediff(
            'minute', snapshot_params.session_start_time, snapshot_params.session_end_time
        ) as session_minutes,
        trading_days.trading_date,
        trading_days.trading_date + snapshot_params.session_start_time as session_start_local,
        trading_days.trading_date + snapshot_params.session_end_time as session_end_local
    from trading_days
    inner join snapshot_params
        on
            trading_days.trading_date >= snapshot_params.effective_from
            and (
                snapshot_params.effective_to is null
                or trading_days.trading_date < snapshot_params.effective_to
            )

),

-- Step k is k intervals after the open; the last step is capped at the close.
session_steps as (

    select
        session_name,
        snapshot_interval_minutes,
        trading_date,
        session_start_local,
        session_end_local,
        unnest(
            generate_series(1, (session_minutes + snapshot_interval_minutes - 1) // snapshot_interval_minutes)
        ) as step
    from sessions

),

session_snapshots as (

    select
        session_name,
        trading_date,
        least(
            session_start_local + to_minutes(cast(step * snapshot_interval_minutes as bigint)),
            session_end_local
        ) as snapshot_local
    from session_steps

),

final as (

    select
        session_name,
        row_number() over (partition by trading_date order by snapshot_local) as snapshot_number,
        cast(snapshot_local as time) as snapshot_local_time,
        snapshot_local = max(snapshot_local) over (partition by trading_date) as is_closing_snapshot,
        trading_date,
        timezone('{{ var("exchange_timezone") }}', snapshot_local) as snapshot_at
    from session_snapshots

)

select * from final
