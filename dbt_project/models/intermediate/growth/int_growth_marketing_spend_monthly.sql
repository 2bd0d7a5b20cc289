-- Acquisition spend per calendar month of spend_date, channel and agent (agent_id is set for
-- agent referral bonuses and stipends, empty for campaign spend).
with

spend as (

    select * from {{ ref('stg_marketing__marketing_spend') }}

),

final as (

    select
        strftime(spend_date, '%Y-%m') as month_id,
        channel,
        agent_id,
        cast(sum(spend) as decimal(38, 2)) as spend
    from spend
    group by strftime(spend_date, '%Y-%m'), channel, agent_id

)

select * from final
