-- The one place probability of default is resolved: one row per account and trading day, the
-- PD every ECL figure reads. Until the credit-score model exists, PD comes from the dated
-- credit_pd_by_bucket seed by the account's delinquency bucket on the day (pd_source
-- 'seed_pd_by_bucket').
--
-- When the credit-score model's scoring asset writes its daily scores (Parquet read back as a
-- dbt source), join them here on account_id and as_of_date, prefer the score's PD over the seed
-- when present (coalesce) and set pd_source to the model's name and version; nothing downstream
-- changes. This model reads the delinquency mart rather than the layer below because PD is
-- resolved at the mart's grain, by its bucket.
with

delinquency as (

    select * from {{ ref('fct_credit_delinquency_daily') }}

),

pd_by_bucket as (

    select * from {{ ref('credit_pd_by_bucket') }}

),

resolved as (

    select
        delinquency.account_id,
        delinquency.delinquency_bucket,
        'seed_pd_by_bucket' as pd_source,
        pd_by_bucket.pd_12m,
        pd_by_bucket.pd_lifetime,
        delinquency.as_of_date
    from delinquency
    left join pd_by_bucket
        on
            delinquency.delinquency_bucket = pd_by_bucket.bucket
            and delinquency.as_of_date >= pd_by_bucket.effective_from
            and (pd_by_bucket.effective_to is null or delinquency.as_of_date < pd_by_bucket.effective_to)

)

select * from resolved
