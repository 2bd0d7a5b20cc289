-- The delinquency ranges of the seed, with the range each period's defaulted accounts are
-- floored at, so the marts resolve a bucket with one join.
with

ranges as (

    select * from {{ ref('credit_delinquency_ranges') }}

),

default_floors as (

    select
        effective_from,
        max(range_order) filter (where is_default_floor) as default_floor_order
    from ranges
    group by effective_from

),

final as (

    select
        ranges.bucket,
        ranges.range_order,
        ranges.min_days,
        ranges.max_days,
        default_floors.default_floor_order,
        ranges.is_non_performing,
        ranges.is_default_floor,
        ranges.effective_from,
        ranges.effective_to
    from ranges
    inner join default_floors
        on ranges.effective_from = default_floors.effective_from

)

select * from final
