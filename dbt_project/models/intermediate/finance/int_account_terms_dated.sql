-- Every recorded version of a margin account's terms (currency, product, financing maturity),
-- with the business dates it was in force: from the exchange-local date it was recorded
-- (valid_from, inclusive; the first version from the account's opening) to the date the next
-- version was recorded (valid_to, exclusive; null for the latest). A maturity that was rolled
-- over reads as the maturity known on each day.
with

accounts as (

    select * from {{ ref('base_platform__accounts') }}

),

versions as (

    select
        account_id,
        client_id,
        product_id,
        currency,
        status,
        maturity_date,
        {{ exchange_date('recorded_at') }} as recorded_date,
        {{ exchange_date('opened_at') }} as opened_date,
        row_number() over (partition by account_id order by recorded_at, _source_row) as version_number
    from accounts

),

-- Versions recorded on the same day: the last one recorded holds for that day.
daily_versions as (

    select *
    from versions
    qualify version_number = max(version_number) over (partition by account_id, recorded_date)

),

dated as (

    select
        account_id,
        client_id,
        product_id,
        currency,
        status,
        maturity_date,
        case
            when version_number = min(version_number) over (partition by account_id)
                then least(recorded_date, opened_date)
            else recorded_date
        end as valid_from,
        lead(recorded_date) over (partition by account_id order by version_number) as valid_to
    from daily_versions

)

select * from dated
