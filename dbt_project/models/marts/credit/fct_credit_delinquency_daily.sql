{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['account_id', 'as_of_date'],
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'as_of_date'}
    )
}}
-- Days past due and delinquency bucket of every margin account at each trading day's close.
-- Days past due count from the due date of the oldest obligation not met at the close
-- (Fineract's overdueSinceDate), whichever of:
--   margin_call        a margin call still unresolved on or after its deadline (fct_margin_calls);
--   interest           interest billed on the first trading day of a month and still unpaid;
--   fees               a fee charged to fees receivable and still unpaid;
--   matured_financing  financing principal outstanding on or after the maturity date in force;
--   deficit            a deficit left after a forced liquidation, owed from the day it is booked.
-- days_past_due = as_of_date - that due date in calendar days (0 on the due date itself, 0 with
-- nothing overdue). The bucket is the first range of credit_delinquency_ranges (in force on the
-- day) with min_days <= days_past_due <= max_days; an account in default (a deficit outstanding)
-- is floored at the range flagged is_default_floor (90+). Incremental by business date.

with

exposure as (

    select * from {{ ref('fct_account_exposure_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('as_of_date') }}
    {%- endif %}

),

margin_calls as (

    select * from {{ ref('fct_margin_calls') }}

),

receivable_arrears as (

    select * from {{ ref('int_credit_receivable_arrears') }}

),

account_terms as (

    select * from {{ ref('int_account_terms_dated') }}

),

ranges as (

    select * from {{ ref('int_credit_delinquency_ranges') }}

),

-- Every obligation overdue at a close, with its due date.
overdue_calls as (

    select
        exposure.account_id,
        exposure.as_of_date,
        'margin_call' as obligation_type,
        margin_calls.deadline_date as due_date
    from exposure
    inner join margin_calls
        on
            exposure.account_id = margin_calls.account_id
            and exposure.as_of_date >= margin_calls.deadline_date
            and (margin_calls.resolved_date is null or exposure.as_of_date < margin_calls.resolved_date)

),

overdue_receivables as (

    select
        exposure.account_id,
        exposure.as_of_date,
        receivable_arrears.receivable as obligation_type,
        receivable_arrears.oldest_unpaid_due_date as due_date
    from exposure
    inner join receivable_arrears
        on
            exposure.account_id = receivable_arrears.account_id
            and exposure.as_of_date >= receivable_arrears.valid_from_date
            and (
                receivable_arrears.valid_to_date is null
                or exposure.as_of_date < receivable_arrears.valid_to_date
            )
    where receivable_arrears.oldest_unpaid_due_date <= exposure.as_of_date

),

overdue_principal as (

    select
        exposure.account_id,
        exposure.as_of_date,
        'matured_financing' as obligation_type,
        account_terms.maturity_date as due_date
    from exposure
    inner join account_terms
        on
            exposure.account_id = account_terms.account_id
            and exposure.as_of_date >= account_terms.valid_from
            and (account_terms.valid_to is null or exposure.as_of_date < account_terms.valid_to)
    where exposure.financing_principal > 0 and account_terms.maturity_date <= exposure.as_of_date

),

overdue as (

    select * from overdue_calls
    union all
    select * from overdue_receivables
    union all
    select * from overdue_principal

),

-- The oldest overdue obligation; on a tie the order of the list above decides the type.
oldest_overdue as (

    select
        account_id,
        as_of_date,
        obligation_type,
        due_date
    from overdue
    qualify row_number() over (
        partition by account_id, as_of_date
        order by
            due_date,
            case obligation_type
                when 'deficit' then 1
                when 'margin_call' then 2
                when 'matured_financing' then 3
                when 'interest' then 4
                else 5
            end
    ) = 1

),

aged as (

    select
        exposure.account_id,
        exposure.client_id,
        exposure.product_id,
        oldest_overdue.obligation_type as oldest_overdue_obligation,
        cast(
            case
                when oldest_overdue.due_date is null then 0
                else greatest(datediff('day', oldest_overdue.due_date, exposure.as_of_date), 0)
            end as integer
        ) as days_past_due,
        exposure.financing_principal,
        exposure.accrued_interest,
        exposure.fees_due,
        exposure.deficit_receivable,
        exposure.liabilities as outstanding_balance,
        exposure.deficit_receivable > 0 as is_defaulted,
        oldest_overdue.due_date as overdue_since_date,
        exposure.as_of_date
    from exposure
    left join oldest_overdue
        on
            exposure.account_id = oldest_overdue.account_id
            and exposure.as_of_date = oldest_overdue.as_of_date

),

-- The first range, in range_order, that holds the days past due.
ranged as (

    select
        aged.*,
        ranges.range_order as matched_range_order,
        ranges.default_floor_order
    from aged
    inner join ranges
        on
            aged.as_of_date >= ranges.effective_from
            and (ranges.effective_to is null or aged.as_of_date < ranges.effective_to)
            and aged.days_past_due >= ranges.min_days
            and (ranges.max_days is null or aged.days_past_due <= ranges.max_days)
    qualify row_number() over (partition by aged.account_id, aged.as_of_date order by ranges.range_order) = 1

),

final as (

    select
        ranged.account_id,
        ranged.client_id,
        ranged.product_id,
        ranges.bucket as delinquency_bucket,
        ranged.oldest_overdue_obligation,
        ranged.days_past_due,
        ranges.range_order as bucket_order,
        ranged.financing_principal,
        ranged.accrued_interest,
        ranged.fees_due,
        ranged.deficit_receivable,
        ranged.outstanding_balance,
        ranged.is_defaulted,
        ranges.is_non_performing,
        ranged.overdue_since_date,
        ranged.as_of_date
    from ranged
    inner join ranges
        on
            ranged.as_of_date >= ranges.effective_from
            and (ranges.effective_to is null or ranged.as_of_date < ranges.effective_to)
            and ranges.range_order = case
                when ranged.is_defaulted and ranged.default_floor_order > ranged.matched_range_order
                    then ranged.default_floor_order
                else ranged.matched_range_order
            end

)

select * from final
