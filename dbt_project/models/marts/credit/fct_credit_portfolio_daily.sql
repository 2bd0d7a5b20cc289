-- The loan book at each trading day's close: gross financing, balances by IFRS 9 stage,
-- portfolio at risk, non-performing balance, ECL and provisions, with their ratios to gross
-- financing. Balances are EAD (principal + accrued interest + fees due + deficit receivable).
-- PAR_X is the balance of accounts whose bucket starts beyond X days past due (min_days > X),
-- so accounts in default count through the default floor; NPL is the balance in
-- non-performing ranges. Ratios are exact (divide_decimal), null without financing.
with

ecl as (

    select * from {{ ref('fct_credit_ecl_daily') }}

),

ranges as (

    select * from {{ ref('int_credit_delinquency_ranges') }}

),

accounts as (

    select
        ecl.as_of_date,
        ecl.ifrs9_stage,
        ecl.ead,
        ecl.ecl_booked,
        ecl.provision_amount,
        ranges.min_days as bucket_min_days,
        ranges.is_non_performing
    from ecl
    inner join ranges
        on
            ecl.delinquency_bucket = ranges.bucket
            and ecl.as_of_date >= ranges.effective_from
            and (ranges.effective_to is null or ecl.as_of_date < ranges.effective_to)

),

totals as (

    select
        as_of_date,
        count(*) filter (where ead > 0) as financed_account_count,
        count(*) filter (where ead > 0 and is_non_performing) as non_performing_account_count,
        cast(sum(ead) as decimal(38, 2)) as gross_financing,
        cast(coalesce(sum(ead) filter (where ifrs9_stage = 1), 0) as decimal(38, 2)) as stage_1_balance,
        cast(coalesce(sum(ead) filter (where ifrs9_stage = 2), 0) as decimal(38, 2)) as stage_2_balance,
        cast(coalesce(sum(ead) filter (where ifrs9_stage = 3), 0) as decimal(38, 2)) as stage_3_balance,
        cast(coalesce(sum(ead) filter (where bucket_min_days > 30), 0) as decimal(38, 2)) as par30_balance,
        cast(coalesce(sum(ead) filter (where bucket_min_days > 90), 0) as decimal(38, 2)) as par90_balance,
        cast(coalesce(sum(ead) filter (where is_non_performing), 0) as decimal(38, 2)) as npl_balance,
        cast(sum(ecl_booked) as decimal(38, 2)) as ecl_booked,
        cast(sum(provision_amount) as decimal(38, 2)) as provision_amount
    from accounts
    group by as_of_date

),

final as (

    select
        financed_account_count,
        non_performing_account_count,
        gross_financing,
        stage_1_balance,
        stage_2_balance,
        stage_3_balance,
        par30_balance,
        par90_balance,
        npl_balance,
        ecl_booked,
        provision_amount,
        {{ divide_decimal('par30_balance', 'gross_financing') }} as par30_ratio,
        {{ divide_decimal('par90_balance', 'gross_financing') }} as par90_ratio,
        {{ divide_decimal('npl_balance', 'gross_financing') }} as npl_ratio,
        {{ divide_decimal('ecl_booked', 'gross_financing') }} as ecl_coverage_ratio,
        as_of_date
    from totals

)

select * from final
