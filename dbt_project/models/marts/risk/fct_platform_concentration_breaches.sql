{{ config(materialized='view', tags=['partitioned'], meta={'partition_column': 'as_of_date'}) }}
-- The rows of fct_platform_concentration_daily that breach their limit: a view, so it always
-- agrees with the daily table after an incremental run. Tagged partitioned so that it is built
-- in the same trading-day run as the table it reads (a view ignores the date window).
with

concentration as (

    select * from {{ ref('fct_platform_concentration_daily') }}

),

breaches as (

    select
        limit_id,
        metric,
        subject_type,
        subject_id,
        amount_unit,
        subject_amount,
        base_amount,
        measured_value,
        threshold,
        limit_utilization,
        subject_rank,
        as_of_date
    from concentration
    where is_breach

)

select * from breaches
