-- The stress scenarios in force on each trading day: a row of the risk_stress_scenarios seed
-- applies on date d when effective_from <= d and (effective_to is null or d < effective_to).
-- horizon_days is the number of sessions the scenario plays out over: path_days for a path, 1
-- for an instantaneous shock.
with

scenarios as (

    select * from {{ ref('risk_stress_scenarios') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

scenarios_in_force as (

    select
        scenarios.scenario_id,
        scenarios.scenario_name,
        scenarios.scenario_type,
        scenarios.shocked_sector,
        scenarios.market_shock,
        scenarios.sector_shock,
        scenarios.liquidation_haircut,
        scenarios.path_days,
        coalesce(scenarios.path_days, 1) as horizon_days,
        scenarios.effective_from,
        trading_days.trading_date as as_of_date
    from scenarios
    inner join trading_days
        on
            scenarios.effective_from <= trading_days.trading_date
            and (scenarios.effective_to is null or scenarios.effective_to > trading_days.trading_date)

)

select * from scenarios_in_force
