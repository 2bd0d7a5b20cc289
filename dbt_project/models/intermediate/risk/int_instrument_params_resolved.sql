-- Each instrument's collateral parameters as dated periods: the risk_instrument_params seed
-- (instrument rows, then board rows, then default rows; per attribute the most specific row in
-- force that sets it wins, a later effective_from breaking a tie) over the platform's own values
-- (the latest instrument version's haircut; its sector as the concentration group).
-- Periods are [effective_from, effective_to): the first starts on 1900-01-01, the last is open.
with

instruments as (

    select * from {{ ref('stg_platform__instruments') }}

),

params as (

    select * from {{ ref('risk_instrument_params') }}

),

-- Rank 1 = instrument row, 2 = board row, 3 = default row.
applicable_params as (

    select
        instruments.instrument_id,
        params.haircut,
        params.concentration_group,
        case
            when params.instrument_id is not null then 1
            when params.board is not null then 2
            else 3
        end as scope_rank,
        params.effective_from,
        params.effective_to
    from instruments
    inner join params
        on
            instruments.instrument_id = params.instrument_id
            or (params.instrument_id is null and instruments.board = params.board)
            or (params.instrument_id is null and params.board is null)

),

-- Every date a parameter of the instrument starts or stops applying cuts a period.
boundaries as (

    select
        instrument_id,
        cast('1900-01-01' as date) as boundary_date
    from instruments

    union

    select
        instrument_id,
        effective_from as boundary_date
    from applicable_params

    union

    select
        instrument_id,
        effective_to as boundary_date
    from applicable_params
    where effective_to is not null

),

periods as (

    select
        instrument_id,
        boundary_date as effective_from,
        lead(boundary_date) over (partition by instrument_id order by boundary_date) as effective_to
    from boundaries

),

-- A row in force on a period's first day is in force over the whole period.
period_params as (

    select
        periods.instrument_id,
        arg_min(
            applicable_params.haircut,
            { 'scope_rank': applicable_params.scope_rank, 'age': -epoch(applicable_params.effective_from) }
        ) filter (where applicable_params.haircut is not null) as param_haircut,
        min(applicable_params.scope_rank) filter (
            where applicable_params.haircut is not null
        ) as haircut_scope_rank,
        arg_min(
            applicable_params.concentration_group,
            { 'scope_rank': applicable_params.scope_rank, 'age': -epoch(applicable_params.effective_from) }
        ) filter (where applicable_params.concentration_group is not null) as param_concentration_group,
        periods.effective_from,
        periods.effective_to
    from periods
    left join applicable_params
        on
            periods.instrument_id = applicable_params.instrument_id
            and periods.effective_from >= applicable_params.effective_from
            and (
                applicable_params.effective_to is null
                or periods.effective_from < applicable_params.effective_to
            )
    group by periods.instrument_id, periods.effective_from, periods.effective_to

),

resolved as (

    select
        period_params.instrument_id,
        instruments.board,
        instruments.sector,
        coalesce(period_params.param_concentration_group, instruments.sector) as concentration_group,
        case period_params.haircut_scope_rank
            when 1 then 'instrument'
            when 2 then 'board'
            when 3 then 'default'
            else 'platform'
        end as haircut_source,
        cast(coalesce(period_params.param_haircut, instruments.haircut) as decimal(9, 4)) as haircut,
        instruments.haircut as platform_haircut,
        period_params.effective_from,
        period_params.effective_to
    from period_params
    inner join instruments
        on period_params.instrument_id = instruments.instrument_id

)

select * from resolved
