-- Roll rates between delinquency buckets from one month end to the next (OCC, retail lending):
-- the population is every account with a balance at the previous month end, grouped by its
-- bucket then (from_bucket) and now (to_bucket; 'repaid' when it owes nothing now).
--   transition_rate  from_balance / from_bucket_balance: the share of the bucket's balance at
--                    the previous month end that moved to to_bucket (sums to 1 per from_bucket);
--   roll_rate        to_balance / from_bucket_balance: the balance now in to_bucket that was in
--                    from_bucket, over that bucket's balance at the previous month end (the OCC
--                    roll rate; chained forward rolls forecast losses).
-- direction: roll_forward (to a worse bucket), stay, cure (to a better bucket that still owes),
-- repaid. The cure rate of a delinquent bucket is its transition_rate to 'current'.
with

delinquency as (

    select * from {{ ref('fct_credit_delinquency_daily') }}

),

month_ends as (

    select * from {{ ref('int_credit_month_ends') }}

),

pairs as (

    select
        month_ends.month_id,
        previous.account_id,
        previous.delinquency_bucket as from_bucket,
        case when current_end.outstanding_balance > 0 then current_end.delinquency_bucket else 'repaid' end
            as to_bucket,
        previous.bucket_order as from_bucket_order,
        case when current_end.outstanding_balance > 0 then current_end.bucket_order end as to_bucket_order,
        previous.outstanding_balance as from_balance,
        coalesce(current_end.outstanding_balance, 0) as to_balance,
        month_ends.is_month_complete,
        month_ends.month_end_date,
        month_ends.previous_month_end_date
    from month_ends
    inner join delinquency as previous
        on month_ends.previous_month_end_date = previous.as_of_date
    left join delinquency as current_end
        on
            month_ends.month_end_date = current_end.as_of_date
            and previous.account_id = current_end.account_id
    where previous.outstanding_balance > 0

),

transitions as (

    select
        month_id,
        from_bucket,
        to_bucket,
        from_bucket_order,
        to_bucket_order,
        count(*) as account_count,
        cast(sum(from_balance) as decimal(38, 2)) as from_balance,
        cast(sum(to_balance) as decimal(38, 2)) as to_balance,
        is_month_complete,
        month_end_date,
        previous_month_end_date
    from pairs
    group by all

),

with_totals as (

    select
        *,
        sum(account_count) over (partition by month_id, from_bucket) as from_bucket_account_count,
        cast(sum(from_balance) over (partition by month_id, from_bucket) as decimal(38, 2))
            as from_bucket_balance
    from transitions

),

final as (

    select
        month_id,
        from_bucket,
        to_bucket,
        case
            when to_bucket_order is null then 'repaid'
            when to_bucket_order > from_bucket_order then 'roll_forward'
            when to_bucket_order < from_bucket_order then 'cure'
            else 'stay'
        end as direction,
        from_bucket_order,
        to_bucket_order,
        account_count,
        cast(from_bucket_account_count as bigint) as from_bucket_account_count,
        from_balance,
        to_balance,
        from_bucket_balance,
        {{ divide_decimal('from_balance', 'from_bucket_balance') }} as transition_rate,
        {{ divide_decimal('to_balance', 'from_bucket_balance') }} as roll_rate,
        is_month_complete,
        month_end_date,
        previous_month_end_date
    from with_totals

)

select * from final
