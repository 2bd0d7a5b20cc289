-- The provisioning ageing categories of the seed, with the category each period's defaulted
-- accounts are floored at.
with

categories as (

    select * from {{ ref('credit_provision_categories') }}

),

default_floors as (

    select
        effective_from,
        max(category_order) filter (where is_default_floor) as default_floor_order
    from categories
    group by effective_from

),

final as (

    select
        categories.provision_category,
        categories.category_order,
        categories.min_days,
        categories.max_days,
        default_floors.default_floor_order,
        categories.provision_rate,
        categories.effective_from,
        categories.effective_to
    from categories
    inner join default_floors
        on categories.effective_from = default_floors.effective_from

)

select * from final
