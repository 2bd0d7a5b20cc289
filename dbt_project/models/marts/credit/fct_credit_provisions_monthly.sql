-- Provisioning by ageing category at each month end (Fineract provisioning entries): every
-- category in force, empty ones included, with the financed accounts in it, their EAD, the
-- category's rate and the allowance (sum of EAD x rate per account, at the fen), beside the
-- IFRS 9 ECL booked on the same accounts.
with

ecl as (

    select * from {{ ref('fct_credit_ecl_daily') }}

),

month_ends as (

    select * from {{ ref('int_credit_month_ends') }}

),

categories as (

    select * from {{ ref('int_credit_provision_categories') }}

),

grid as (

    select
        month_ends.month_id,
        categories.provision_category,
        categories.category_order,
        categories.provision_rate,
        month_ends.is_month_complete,
        month_ends.month_end_date
    from month_ends
    inner join categories
        on
            month_ends.month_end_date >= categories.effective_from
            and (categories.effective_to is null or month_ends.month_end_date < categories.effective_to)

),

category_totals as (

    select
        as_of_date,
        provision_category,
        count(*) as account_count,
        sum(ead) as ead,
        sum(provision_amount) as provision_amount,
        sum(ecl_booked) as ecl_booked
    from ecl
    where ead > 0
    group by as_of_date, provision_category

),

final as (

    select
        grid.month_id,
        grid.provision_category,
        grid.category_order,
        coalesce(category_totals.account_count, 0) as account_count,
        cast(coalesce(category_totals.ead, 0) as decimal(38, 2)) as ead,
        grid.provision_rate,
        cast(coalesce(category_totals.provision_amount, 0) as decimal(38, 2)) as provision_amount,
        cast(coalesce(category_totals.ecl_booked, 0) as decimal(38, 2)) as ecl_booked,
        grid.is_month_complete,
        grid.month_end_date
    from grid
    left join category_totals
        on
            grid.month_end_date = category_totals.as_of_date
            and grid.provision_category = category_totals.provision_category

)

select * from final
