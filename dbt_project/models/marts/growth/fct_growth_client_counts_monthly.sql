-- Client counts at each month end, by the definitions of fct_growth_client_monthly, and
-- active-client growth: (active - previous month's active) / previous month's active, exact.
with

client_months as (

    select * from {{ ref('fct_growth_client_monthly') }}

),

counts as (

    select
        month_id,
        count(*) as registered_clients,
        count(*) filter (where is_funded) as funded_clients,
        count(*) filter (where is_new_funded) as new_funded_clients,
        count(*) filter (where is_active) as active_clients,
        count(*) filter (where is_churned) as churned_clients,
        count(*) filter (where is_newly_churned) as newly_churned_clients,
        is_month_complete,
        month_end_date
    from client_months
    group by month_id, is_month_complete, month_end_date

),

final as (

    select
        month_id,
        registered_clients,
        funded_clients,
        new_funded_clients,
        active_clients,
        churned_clients,
        newly_churned_clients,
        lag(active_clients) over (order by month_id) as previous_active_clients,
        {{ divide_decimal(
            'cast(active_clients - lag(active_clients) over (order by month_id) as decimal(38, 0))',
            'cast(lag(active_clients) over (order by month_id) as decimal(38, 0))'
        ) }} as active_client_growth,
        is_month_complete,
        month_end_date
    from counts

)

select * from final
