-- The instrument attributes the concentration limits measure against: sector and shares
-- outstanding (latest instrument version), with the listing board for context.
with

instruments as (

    select * from {{ ref('stg_platform__instruments') }}

),

final as (

    select
        instrument_id,
        sector,
        board,
        shares_outstanding
    from instruments

)

select * from final
