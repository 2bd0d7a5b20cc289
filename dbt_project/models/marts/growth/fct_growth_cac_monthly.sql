-- Customer acquisition cost per cohort month (the month clients first fund) at three levels:
--   platform  one row (attribution_id 'all'): spend = all acquisition spend of the month;
--             paid_cac = spend / clients from paid channels; blended_cac = spend / all new
--             clients, organic included (a16z: report both, blended flatters paid channels);
--   channel   one row per channel of growth_acquisition_channels: its spend over its clients;
--             paid_cac is null for unpaid channels (organic);
--   agent     one row per agent, rolled up the agent hierarchy: referral spend of the agent and
--             every agent below it over the funded clients they referred.
-- CAC is in CNY per client at the fen (exact), null without new clients.
with

acquisitions as (

    select * from {{ ref('int_growth_client_acquisitions') }}

),

spend as (

    select * from {{ ref('int_growth_marketing_spend_monthly') }}

),

month_ends as (

    select * from {{ ref('int_credit_month_ends') }}

),

channels as (

    select * from {{ ref('growth_acquisition_channels') }}

),

hierarchy as (

    select * from {{ ref('int_growth_agent_hierarchy') }}

),

new_clients as (

    select * from acquisitions
    where cohort_month is not null

),

month_clients as (

    select
        cohort_month as month_id,
        acquisition_channel,
        count(*) as new_clients,
        count(*) filter (where is_paid_channel) as paid_new_clients
    from new_clients
    group by cohort_month, acquisition_channel

),

month_spend as (

    select
        month_id,
        channel,
        sum(spend) as spend
    from spend
    group by month_id, channel

),

platform_clients as (

    select
        month_id,
        sum(new_clients) as new_clients,
        sum(paid_new_clients) as paid_new_clients
    from month_clients
    group by month_id

),

platform_spend as (

    select
        month_id,
        sum(spend) as spend
    from month_spend
    group by month_id

),

platform as (

    select
        month_ends.month_id,
        'platform' as attribution_level,
        'all' as attribution_id,
        coalesce(platform_clients.new_clients, 0) as new_clients,
        coalesce(platform_clients.paid_new_clients, 0) as paid_new_clients,
        coalesce(platform_spend.spend, 0) as spend,
        true as is_paid
    from month_ends
    left join platform_clients
        on month_ends.month_id = platform_clients.month_id
    left join platform_spend
        on month_ends.month_id = platform_spend.month_id

),

by_channel as (

    select
        month_ends.month_id,
        'channel' as attribution_level,
        channels.channel as attribution_id,
        coalesce(month_clients.new_clients, 0) as new_clients,
        case when channels.is_paid then coalesce(month_clients.new_clients, 0) else 0 end as paid_new_clients,
        coalesce(month_spend.spend, 0) as spend,
        channels.is_paid
    from month_ends
    cross join channels
    left join month_clients
        on
            month_ends.month_id = month_clients.month_id
            and channels.channel = month_clients.acquisition_channel
    left join month_spend
        on month_ends.month_id = month_spend.month_id and channels.channel = month_spend.channel

),

ancestors as (

    select distinct ancestor_agent_id
    from hierarchy

),

agent_spend as (

    select
        spend.month_id,
        hierarchy.ancestor_agent_id,
        sum(spend.spend) as spend
    from spend
    inner join hierarchy
        on spend.agent_id = hierarchy.agent_id
    group by spend.month_id, hierarchy.ancestor_agent_id

),

agent_clients as (

    select
        new_clients.cohort_month as month_id,
        hierarchy.ancestor_agent_id,
        count(*) as new_clients
    from new_clients
    inner join hierarchy
        on new_clients.agent_id = hierarchy.agent_id
    group by new_clients.cohort_month, hierarchy.ancestor_agent_id

),

by_agent as (

    select
        month_ends.month_id,
        'agent' as attribution_level,
        agents.ancestor_agent_id as attribution_id,
        coalesce(agent_clients.new_clients, 0) as new_clients,
        coalesce(agent_clients.new_clients, 0) as paid_new_clients,
        coalesce(agent_spend.spend, 0) as spend,
        true as is_paid
    from month_ends
    cross join ancestors as agents
    left join agent_spend
        on
            month_ends.month_id = agent_spend.month_id
            and agents.ancestor_agent_id = agent_spend.ancestor_agent_id
    left join agent_clients
        on
            month_ends.month_id = agent_clients.month_id
            and agents.ancestor_agent_id = agent_clients.ancestor_agent_id

),

levels as (

    select * from platform
    union all
    select * from by_channel
    union all
    select * from by_agent

),

final as (

    select
        levels.month_id as cohort_month,
        levels.attribution_level,
        levels.attribution_id,
        cast(levels.new_clients as bigint) as new_clients,
        cast(levels.paid_new_clients as bigint) as paid_new_clients,
        cast(levels.spend as decimal(38, 2)) as spend,
        case
            when levels.is_paid
                then
                    {{ divide_decimal(
                        'levels.spend', 'cast(levels.paid_new_clients as decimal(38, 0))', scale=2
                    ) }}
        end as paid_cac,
        {{ divide_decimal('levels.spend', 'cast(levels.new_clients as decimal(38, 0))', scale=2) }}
            as blended_cac,
        levels.is_paid as is_paid_channel,
        month_ends.is_month_complete,
        month_ends.month_end_date
    from levels
    inner join month_ends
        on levels.month_id = month_ends.month_id

)

select * from final
