-- A product has at most one set of margin lines in force on any date: no two rows of the
-- margin_products seed for the same product may have overlapping [effective_from, effective_to).
with

products as (

    select * from {{ ref('margin_products') }}

),

overlapping_periods as (

    select
        earlier.product_id,
        earlier.effective_from as earlier_effective_from,
        later.effective_from as later_effective_from
    from products as earlier
    inner join products as later
        on
            earlier.product_id = later.product_id
            and earlier.effective_from < later.effective_from
            and (earlier.effective_to is null or later.effective_from < earlier.effective_to)

)

select * from overlapping_periods
