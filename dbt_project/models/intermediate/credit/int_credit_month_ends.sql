-- One row per month of the trading calendar: its last trading day (the month-end the monthly
-- credit and growth marts are measured at), the previous month's, and whether the month is
-- complete (the calendar already has a trading day in a later month).
with

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

months as (

    select
        cast(date_trunc('month', trading_date) as date) as month_start_date,
        min(trading_date) as first_trading_date,
        max(trading_date) as month_end_date,
        count(*) as trading_day_count
    from trading_days
    group by date_trunc('month', trading_date)

),

final as (

    select
        strftime(month_start_date, '%Y-%m') as month_id,
        trading_day_count,
        month_end_date < max(month_end_date) over () as is_month_complete,
        month_start_date,
        first_trading_date,
        month_end_date,
        lag(month_end_date) over (order by month_start_date) as previous_month_end_date
    from months

)

select * from final
