-- Every agent paired with itself and each agent above it in the hierarchy (parent_agent_id),
-- so spend and clients of an agent roll up to every level: one row per agent and ancestor,
-- depth 0 for the agent itself.
with recursive

agents as (

    select * from {{ ref('stg_platform__agents') }}

),

hierarchy as (

    select
        agent_id,
        agent_id as ancestor_agent_id,
        parent_agent_id as next_agent_id,
        0 as hierarchy_depth
    from agents

    union all

    select
        hierarchy.agent_id,
        parents.agent_id as ancestor_agent_id,
        parents.parent_agent_id as next_agent_id,
        hierarchy.hierarchy_depth + 1 as hierarchy_depth
    from hierarchy
    inner join agents as parents
        on hierarchy.next_agent_id = parents.agent_id
    where hierarchy.hierarchy_depth < 20

),

final as (

    select
        hierarchy.agent_id,
        hierarchy.ancestor_agent_id,
        ancestors.region as ancestor_region,
        ancestors.agent_level as ancestor_level,
        hierarchy.hierarchy_depth
    from hierarchy
    inner join agents as ancestors
        on hierarchy.ancestor_agent_id = ancestors.agent_id

)

select * from final
