with

agent_versions as (

    select * from {{ ref('base_platform__agents') }}

),

latest as (

    select * from agent_versions
    -- The platform exports a row again whenever it changes: the latest recorded version wins.
    qualify row_number() over (
        partition by agent_id
        order by recorded_at desc, _ingested_at desc, _source_file desc, _source_row desc
    ) = 1

)

select * from latest
