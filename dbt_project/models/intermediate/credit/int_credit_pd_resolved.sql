-- The one place probability of default is resolved: one row per account and trading day, the
-- PD every ECL figure reads.
-- - From the credit-score model when it has scored the account on or before the day (the latest
--   score, as of the day): pd_12m is the model's 12-month PD, and pd_lifetime keeps the bucket's
--   term structure from the credit_pd_by_bucket seed (seed lifetime x model pd_12m / seed pd_12m,
--   capped at 1). pd_source is the model's name and version.
-- - From the dated credit_pd_by_bucket seed by the account's delinquency bucket otherwise
--   (pd_source 'seed_pd_by_bucket'), and always for a bucket whose seed PD is 1 (in default: a
--   score cannot make a defaulted account less than certain to default).
-- Reading the scores puts this model and everything downstream of it after the scoring asset
-- (the ML-fed dbt group). This model reads the delinquency mart rather than the layer below
-- because PD is resolved at the mart's grain, by its bucket.
with

delinquency as (

    select * from {{ ref('fct_credit_delinquency_daily') }}

),

pd_by_bucket as (

    select * from {{ ref('credit_pd_by_bucket') }}

),

scores as (

    select * from {{ ref('stg_ml__credit_scores') }}
    where pd_12m is not null

),

seeded as (

    select
        delinquency.account_id,
        delinquency.delinquency_bucket,
        pd_by_bucket.pd_12m as seed_pd_12m,
        pd_by_bucket.pd_lifetime as seed_pd_lifetime,
        delinquency.as_of_date
    from delinquency
    left join pd_by_bucket
        on
            delinquency.delinquency_bucket = pd_by_bucket.bucket
            and delinquency.as_of_date >= pd_by_bucket.effective_from
            and (pd_by_bucket.effective_to is null or delinquency.as_of_date < pd_by_bucket.effective_to)

),

with_scores as (

    select
        seeded.*,
        scores.model_name,
        scores.model_version,
        cast(round(scores.pd_12m, 6) as decimal(9, 6)) as model_pd_12m
    from seeded
    asof left join scores
        on
            seeded.account_id = scores.account_id
            and seeded.as_of_date >= scores.score_date

),

resolved as (

    select
        account_id,
        delinquency_bucket,
        case
            when model_pd_12m is null or seed_pd_12m >= 1 then 'seed_pd_by_bucket'
            else model_name || ' ' || model_version
        end as pd_source,
        case
            when model_pd_12m is null or seed_pd_12m >= 1 then seed_pd_12m
            else model_pd_12m
        end as pd_12m,
        case
            when model_pd_12m is null or seed_pd_12m >= 1 then seed_pd_lifetime
            else least(
                cast(1 as decimal(9, 6)),
                greatest(
                    model_pd_12m,
                    cast(
                        {{ divide_decimal('seed_pd_lifetime * model_pd_12m', 'seed_pd_12m') }}
                        as decimal(9, 6)
                    )
                )
            )
        end as pd_lifetime,
        as_of_date
    from with_scores

)

select * from resolved
