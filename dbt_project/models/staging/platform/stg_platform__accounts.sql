with

account_versions as (

    select * from {{ ref('base_platform__accounts') }}

),

latest as (

    select * from account_versions
    -- The platform exports a row again whenever it changes: the latest recorded version wins.
    qualify row_number() over (
        partition by account_id
        order by recorded_at desc, _ingested_at desc, _source_file desc, _source_row desc
    ) = 1

)

select * from latest
