-- Cohort lifetime value on contribution margin (revenue - funding cost - expected credit loss),
-- per cohort month (the month clients first fund), discounted monthly:
--   LTV_c(H) = sum over life months m = 1..H of contribution_c,m / N_c / (1 + r)^m
-- where life month 1 is the cohort month, N_c counts every client of the cohort (churned ones
-- included) and r = discount_rate_annual / 12 (growth_params in force at the cohort month end).
--   ltv_*_realised  the sum over the life months observed so far (the current, incomplete
--                   month included);
--   ltv_*m          the complete life months observed, then the cohort's run rate (its average
--                   contribution per client per complete month) for the remaining months up to
--                   H: a projection while fewer than H complete months exist (months_observed).
-- LTV/CAC divides by the cohort's blended CAC (fct_growth_cac_monthly); payback_months =
-- blended CAC / run rate, null when the run rate is not positive. Discount factors are
-- 1 / (1 + r)^m rounded to 12 decimals; money is at the fen.
with

client_months as (

    select * from {{ ref('fct_growth_client_monthly') }}

),

cac as (

    select * from {{ ref('fct_growth_cac_monthly') }}
    where attribution_level = 'platform'

),

params as (

    select * from {{ ref('int_growth_params_monthly') }}

),

cohorts as (

    select
        cohort_month,
        count(distinct client_id) as cohort_clients
    from client_months
    where cohort_month is not null
    group by cohort_month

),

life_months as (

    select
        cohort_month,
        months_since_cohort + 1 as life_month,
        sum(contribution) as contribution,
        bool_and(is_month_complete) as is_month_complete
    from client_months
    where cohort_month is not null and months_since_cohort >= 0
    group by cohort_month, months_since_cohort

),

cohort_stats as (

    select
        cohorts.cohort_month,
        cohorts.cohort_clients,
        params.discount_rate_monthly,
        count(life_months.life_month) as months_observed,
        count(life_months.life_month) filter (where life_months.is_month_complete) as complete_months,
        coalesce(sum(life_months.contribution) filter (where life_months.is_month_complete), 0)
            as complete_contribution
    from cohorts
    inner join params
        on cohorts.cohort_month = params.month_id
    left join life_months
        on cohorts.cohort_month = life_months.cohort_month
    group by cohorts.cohort_month, cohorts.cohort_clients, params.discount_rate_monthly

),

run_rates as (

    select
        *,
        case
            when complete_months > 0
                then {{ divide_decimal(
                    'complete_contribution',
                    'cast(complete_months * cohort_clients as decimal(38, 0))',
                    scale=2
                ) }}
        end as monthly_contribution_per_client
    from cohort_stats

),

horizon_months as (

    select unnest(range(1, 25)) as life_month

),

-- Life months 1..24 of every cohort with the contribution per month used by each measure.
horizon as (

    select
        run_rates.cohort_month,
        horizon_months.life_month,
        run_rates.cohort_clients,
        cast(
            pow(1 + cast(run_rates.discount_rate_monthly as double), -horizon_months.life_month) as decimal(
                18, 12
            )
        ) as discount_factor,
        coalesce(life_months.contribution, 0) as realised_contribution,
        case
            when horizon_months.life_month <= run_rates.complete_months then life_months.contribution
            else run_rates.monthly_contribution_per_client * run_rates.cohort_clients
        end as projected_contribution
    from run_rates
    cross join horizon_months
    left join life_months
        on
            run_rates.cohort_month = life_months.cohort_month
            and horizon_months.life_month = life_months.life_month

),

ltv as (

    select
        cohort_month,
        cohort_clients,
        sum(realised_contribution * discount_factor) filter (where life_month <= 12) as pv_realised_12m,
        sum(realised_contribution * discount_factor) filter (where life_month <= 24) as pv_realised_24m,
        sum(projected_contribution * discount_factor) filter (where life_month <= 12) as pv_projected_12m,
        sum(projected_contribution * discount_factor) filter (where life_month <= 24) as pv_projected_24m,
        count(projected_contribution) filter (where life_month <= 24) as projected_month_count
    from horizon
    group by cohort_month, cohort_clients

),

final as (

    select
        run_rates.cohort_month,
        cast(run_rates.cohort_clients as bigint) as cohort_clients,
        cast(run_rates.months_observed as bigint) as months_observed,
        cast(run_rates.complete_months as bigint) as complete_months,
        run_rates.discount_rate_monthly,
        run_rates.monthly_contribution_per_client,
        {{ divide_decimal('ltv.pv_realised_12m', 'cast(ltv.cohort_clients as decimal(38, 0))', scale=2) }}
            as ltv_12m_realised,
        {{ divide_decimal('ltv.pv_realised_24m', 'cast(ltv.cohort_clients as decimal(38, 0))', scale=2) }}
            as ltv_24m_realised,
        case
            when ltv.projected_month_count = 24
                then
                    {{ divide_decimal(
                        'ltv.pv_projected_12m', 'cast(ltv.cohort_clients as decimal(38, 0))', scale=2
                    ) }}
        end as ltv_12m,
        case
            when ltv.projected_month_count = 24
                then
                    {{ divide_decimal(
                        'ltv.pv_projected_24m', 'cast(ltv.cohort_clients as decimal(38, 0))', scale=2
                    ) }}
        end as ltv_24m,
        cac.blended_cac,
        cac.paid_cac,
        case
            when ltv.projected_month_count = 24 and cac.blended_cac > 0
                then {{ divide_decimal(
                    divide_decimal('ltv.pv_projected_12m', 'cast(ltv.cohort_clients as decimal(38, 0))', scale=2),
                    'cac.blended_cac'
                ) }}
        end as ltv_to_cac_12m,
        case
            when ltv.projected_month_count = 24 and cac.blended_cac > 0
                then {{ divide_decimal(
                    divide_decimal('ltv.pv_projected_24m', 'cast(ltv.cohort_clients as decimal(38, 0))', scale=2),
                    'cac.blended_cac'
                ) }}
        end as ltv_to_cac_24m,
        case
            when run_rates.monthly_contribution_per_client > 0
                then
                    {{ divide_decimal(
                        'cac.blended_cac', 'run_rates.monthly_contribution_per_client', scale=2
                    ) }}
        end as payback_months,
        run_rates.complete_months >= 12 as is_12m_observed,
        run_rates.complete_months >= 24 as is_24m_observed
    from run_rates
    inner join ltv
        on run_rates.cohort_month = ltv.cohort_month
    left join cac
        on run_rates.cohort_month = cac.cohort_month

)

select * from final
