{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['instrument_id', 'scenario_id', 'path_day', 'as_of_date'],
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'as_of_date'},
        pre_hook="{{ delete_partition_window('as_of_date') }}"
    )
}}
-- Incremental by trading day: a run rebuilds the scenarios of the days in
-- [var('min_date'), var('max_date')); a full build covers all days.
-- What each stress scenario in force does to each instrument's price, per trading day and
-- session of the scenario (path_day), as a price factor: shocked price = price x price_factor.
-- Instantaneous scenarios have one session; the shock s of the instrument is
--   uniform  s = market_shock;
--   sector   s = sector_shock in shocked_sector, market_shock elsewhere;
--   beta     s = market_shock x beta (beta as of the day, int_stress_instrument_betas_daily),
--            floored at 0 (no credit for a stock rising in a crash) and capped at 1;
-- and price_factor = 1 - s. Such shocks are hypothetical jumps: price limits do not bind.
-- A path scenario falls toward its target (1 - market_shock) as fast as the instrument's daily
-- price limit l allows, for path_days sessions:
--   f_0 = 1,  f_k = max(f_{k-1} x (1 - l), 1 - market_shock),
-- each f_k rounded half away from zero to 8 decimals. A session whose full limit move did not
-- overshoot the target (f_{k-1} x (1 - l) >= 1 - market_shock) closes limit-down: it is locked,
-- no forced sale fills. An instrument without a price limit reaches the target on the first
-- session.
with recursive

scenarios as (

    select * from {{ ref('int_stress_scenarios_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('as_of_date') }}
    {%- endif %}

),

instruments as (

    select * from {{ ref('stg_platform__instruments') }}

),

betas as (

    select * from {{ ref('int_stress_instrument_betas_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('as_of_date') }}
    {%- endif %}

),

instrument_scenarios as (

    select
        instruments.instrument_id,
        scenarios.scenario_id,
        scenarios.scenario_type,
        instruments.sector,
        scenarios.shocked_sector,
        scenarios.market_shock,
        scenarios.sector_shock,
        cast(coalesce(instruments.price_limit_pct, 1) as decimal(9, 4)) as price_limit_pct,
        scenarios.horizon_days,
        scenarios.as_of_date
    from scenarios
    cross join instruments

),

instant_shocks as (

    select
        instrument_scenarios.instrument_id,
        instrument_scenarios.scenario_id,
        instrument_scenarios.scenario_type,
        instrument_scenarios.sector,
        instrument_scenarios.price_limit_pct,
        betas.beta,
        cast(
            case instrument_scenarios.scenario_type
                when 'uniform' then instrument_scenarios.market_shock
                when 'sector'
                    then
                        case
                            when instrument_scenarios.sector = instrument_scenarios.shocked_sector
                                then instrument_scenarios.sector_shock
                            else instrument_scenarios.market_shock
                        end
                when 'beta' then least(1, greatest(0, instrument_scenarios.market_shock * betas.beta))
            end as decimal(18, 8)
        ) as instrument_shock,
        1 as path_day,
        instrument_scenarios.horizon_days,
        instrument_scenarios.as_of_date
    from instrument_scenarios
    left join betas
        on
            instrument_scenarios.scenario_type = 'beta'
            and instrument_scenarios.instrument_id = betas.instrument_id
            and instrument_scenarios.as_of_date = betas.as_of_date
    where instrument_scenarios.scenario_type <> 'path'

),

path_definitions as (

    select distinct
        scenario_id,
        cast(market_shock as decimal(18, 8)) as market_shock,
        price_limit_pct,
        horizon_days
    from instrument_scenarios
    where scenario_type = 'path'

),

path_factors as (

    select
        scenario_id,
        market_shock,
        price_limit_pct,
        horizon_days,
        1 as path_day,
        cast(greatest(1 - price_limit_pct, 1 - market_shock) as decimal(18, 8)) as price_factor,
        1 - price_limit_pct >= 1 - market_shock as is_limit_down
    from path_definitions

    union all

    select
        scenario_id,
        market_shock,
        price_limit_pct,
        horizon_days,
        path_day + 1 as path_day,
        cast(
            greatest(cast(price_factor * (1 - price_limit_pct) as decimal(18, 8)), 1 - market_shock)
            as decimal(18, 8)
        ) as price_factor,
        price_factor * (1 - price_limit_pct) >= 1 - market_shock as is_limit_down
    from path_factors
    where path_day < horizon_days

),

path_shocks as (

    select
        instrument_scenarios.instrument_id,
        instrument_scenarios.scenario_id,
        instrument_scenarios.scenario_type,
        instrument_scenarios.sector,
        instrument_scenarios.price_limit_pct,
        cast(null as decimal(18, 4)) as beta,
        cast(1 - path_factors.price_factor as decimal(18, 8)) as instrument_shock,
        path_factors.path_day,
        instrument_scenarios.horizon_days,
        path_factors.is_limit_down,
        instrument_scenarios.as_of_date
    from instrument_scenarios
    inner join path_factors
        on
            instrument_scenarios.scenario_id = path_factors.scenario_id
            and instrument_scenarios.market_shock = path_factors.market_shock
            and instrument_scenarios.horizon_days = path_factors.horizon_days
            and instrument_scenarios.price_limit_pct = path_factors.price_limit_pct

),

shocks as (

    select
        instrument_id,
        scenario_id,
        scenario_type,
        sector,
        price_limit_pct,
        beta,
        instrument_shock,
        path_day,
        horizon_days,
        false as is_limit_down,
        as_of_date
    from instant_shocks

    union all

    select
        instrument_id,
        scenario_id,
        scenario_type,
        sector,
        price_limit_pct,
        beta,
        instrument_shock,
        path_day,
        horizon_days,
        is_limit_down,
        as_of_date
    from path_shocks

),

final as (

    select
        instrument_id,
        scenario_id,
        scenario_type,
        sector,
        price_limit_pct,
        beta,
        instrument_shock,
        cast(1 - instrument_shock as decimal(18, 8)) as price_factor,
        path_day,
        horizon_days,
        cast(sum(case when is_limit_down then 1 else 0 end) over (
            partition by instrument_id, scenario_id, as_of_date
            order by path_day
            rows between unbounded preceding and current row
        ) as integer) as limit_down_days,
        path_day = horizon_days as is_final_day,
        is_limit_down,
        as_of_date
    from shocks

)

select * from final
