-- Balances by delinquency bucket at each month end (the month's last trading day): every range
-- in force, empty ones included, with the number of financed accounts, their EAD and its share of
-- gross financing.
with

delinquency as (

    select * from {{ ref('fct_credit_delinquency_daily') }}

),

month_ends as (

    select * from {{ ref('int_credit_month_ends') }}

),

ranges as (

    select * from {{ ref('int_credit_delinquency_ranges') }}

),

grid as (

    select
        month_ends.month_id,
        ranges.bucket,
        ranges.range_order,
        ranges.is_non_performing,
        month_ends.is_month_complete,
        month_ends.month_end_date
    from month_ends
    inner join ranges
        on
            month_ends.month_end_date >= ranges.effective_from
            and (ranges.effective_to is null or month_ends.month_end_date < ranges.effective_to)

),

bucket_totals as (

    select
        as_of_date,
        delinquency_bucket,
        count(*) as account_count,
        sum(outstanding_balance) as outstanding_balance
    from delinquency
    where outstanding_balance > 0
    group by as_of_date, delinquency_bucket

),

final as (

    select
        grid.month_id,
        grid.bucket as delinquency_bucket,
        grid.range_order as bucket_order,
        coalesce(bucket_totals.account_count, 0) as account_count,
        cast(coalesce(bucket_totals.outstanding_balance, 0) as decimal(38, 2)) as outstanding_balance,
        {{ divide_decimal(
            'coalesce(bucket_totals.outstanding_balance, 0)',
            'sum(coalesce(bucket_totals.outstanding_balance, 0)) over (partition by grid.month_id)'
        ) }} as balance_share,
        grid.is_non_performing,
        grid.is_month_complete,
        grid.month_end_date
    from grid
    left join bucket_totals
        on
            grid.month_end_date = bucket_totals.as_of_date
            and grid.bucket = bucket_totals.delinquency_bucket

)

select * from final
