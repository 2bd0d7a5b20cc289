-- End-of-day prices with each instrument's session number: 1 for the first day it traded in
-- the lake, then +1 for every later day it was not suspended; null on suspended days. The
-- surveillance baselines look back over "the previous N sessions" by this number, so a
-- suspension does not shorten a baseline.
with

eod_prices as (

    select * from {{ ref('stg_ticks__eod_prices') }}

),

sequenced as (

    select
        instrument_id,
        case
            when not is_suspended
                then cast(sum(case when is_suspended then 0 else 1 end) over (
                    partition by instrument_id
                    order by trade_date
                    rows between unbounded preceding and current row
                ) as bigint)
        end as session_number,
        open_price,
        high_price,
        low_price,
        close_price,
        prev_close_price,
        limit_up_price,
        limit_down_price,
        volume,
        turnover,
        is_suspended,
        trade_date
    from eod_prices

)

select * from sequenced
