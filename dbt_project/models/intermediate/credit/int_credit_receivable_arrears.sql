-- The oldest unpaid obligation of each receivable an account owes the platform, after every
-- trading day the receivable moved: interest (GL 1110), fees (GL 1130) and a deficit left after a
-- forced liquidation (GL 1120). Payments settle the oldest obligation first (first in, first
-- out): the oldest unpaid obligation is the first debit whose running total of debits exceeds
-- everything credited so far. Due dates:
--   interest  accrued interest is billed, and due, on the first trading day of the month after
--             it accrued (the platform bills monthly); a day's accrual is a debit of that day;
--   fees      a fee left unpaid (charged to fees receivable because the cash was not there) is
--             due the day it is charged;
--   deficit   the deficit is owed from the day it is booked.
-- A state holds from its trading_date until the account's next movement of the receivable
-- (valid_to_date, exclusive). Credits are payments, reversals and the transfer of interest and
-- fees into the deficit receivable when a deficit is booked (the deficit then carries the debt).
with

balance_changes as (

    select * from {{ ref('int_account_balance_changes') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

-- The first trading day of each month: the billing date of the previous month's interest.
billing_dates as (

    select
        date_trunc('month', trading_date) as billing_month,
        min(trading_date) as billing_date
    from trading_days
    group by date_trunc('month', trading_date)

),

movements as (

    select
        account_id,
        'interest' as receivable,
        accrued_interest_change as amount_change,
        trading_date
    from balance_changes
    where accrued_interest_change <> 0

    union all

    select
        account_id,
        'fees' as receivable,
        fees_receivable_change as amount_change,
        trading_date
    from balance_changes
    where fees_receivable_change <> 0

    union all

    select
        account_id,
        'deficit' as receivable,
        deficit_receivable_change as amount_change,
        trading_date
    from balance_changes
    where deficit_receivable_change <> 0

),

daily_movements as (

    select
        account_id,
        receivable,
        sum(case when amount_change > 0 then amount_change else 0 end) as debit_amount,
        sum(case when amount_change < 0 then -amount_change else 0 end) as credit_amount,
        trading_date
    from movements
    where trading_date is not null
    group by account_id, receivable, trading_date

),

running as (

    select
        account_id,
        receivable,
        debit_amount,
        cast(sum(debit_amount) over cumulative as decimal(38, 2)) as cumulative_debit_amount,
        cast(sum(credit_amount) over cumulative as decimal(38, 2)) as cumulative_credit_amount,
        trading_date,
        lead(trading_date) over (partition by account_id, receivable order by trading_date) as valid_to_date
    from daily_movements
    window cumulative as (
        partition by account_id, receivable order by trading_date
        rows between unbounded preceding and current row
    )

),

debits as (

    select
        running.account_id,
        running.receivable,
        running.cumulative_debit_amount,
        case
            when running.receivable = 'interest' then billing_dates.billing_date
            else running.trading_date
        end as due_date,
        running.trading_date as debit_date
    from running
    left join billing_dates
        on date_trunc('month', running.trading_date) + interval 1 month = billing_dates.billing_month
    where running.debit_amount > 0

),

-- The first debit not yet covered by the credits: the smallest running debit above them.
oldest_unpaid as (

    select
        running.account_id,
        running.receivable,
        cast(running.cumulative_debit_amount - running.cumulative_credit_amount as decimal(38, 2))
            as unpaid_amount,
        case when debits.debit_date <= running.trading_date then debits.debit_date end
            as oldest_unpaid_debit_date,
        case when debits.debit_date <= running.trading_date then debits.due_date end
            as oldest_unpaid_due_date,
        running.trading_date as valid_from_date,
        running.valid_to_date
    from running
    asof left join debits
        on
            running.account_id = debits.account_id
            and running.receivable = debits.receivable
            and running.cumulative_credit_amount < debits.cumulative_debit_amount

)

select * from oldest_unpaid
