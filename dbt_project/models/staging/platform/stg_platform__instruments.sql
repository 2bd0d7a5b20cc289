with

instrument_versions as (

    select * from {{ ref('base_platform__instruments') }}

),

latest as (

    select * from instrument_versions
    -- The platform exports a row again whenever it changes: the latest recorded version wins.
    qualify row_number() over (
        partition by instrument_id
        order by recorded_at desc, _ingested_at desc, _source_file desc, _source_row desc
    ) = 1

)

select * from latest
