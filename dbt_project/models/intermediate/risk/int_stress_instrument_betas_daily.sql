-- Each instrument's beta against the market as of every trading day, estimated point in time:
-- the ordinary least-squares slope covar_samp(r_i, r_m) / var_samp(r_m) of its daily returns on
-- the market's (equal- or cap-weighted, as the risk_beta_estimation seed row in force says) over
-- the lookback_days trading days ending on the day, inclusive. Days the instrument has no return
-- (suspended, not yet listed) drop out of its sample. With fewer than min_observations pairs, or
-- no market variance, the seed's fallback_beta applies. The estimate is DOUBLE (a statistic);
-- the beta the stress scenarios apply is rounded half away from zero to 4 decimals.
with

instrument_returns as (

    select * from {{ ref('int_stress_instrument_returns_daily') }}

),

market_returns as (

    select * from {{ ref('int_stress_market_returns_daily') }}

),

estimation_parameters as (

    select * from {{ ref('risk_beta_estimation') }}

),

instruments as (

    select * from {{ ref('stg_platform__instruments') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

parameters_daily as (

    select
        estimation_parameters.market_weighting,
        estimation_parameters.lookback_days,
        estimation_parameters.min_observations,
        estimation_parameters.fallback_beta,
        trading_days.trading_day_number,
        trading_days.trading_date as as_of_date
    from trading_days
    inner join estimation_parameters
        on
            trading_days.trading_date >= estimation_parameters.effective_from
            and (
                estimation_parameters.effective_to is null
                or trading_days.trading_date < estimation_parameters.effective_to
            )

),

spine as (

    select
        instruments.instrument_id,
        parameters_daily.market_weighting,
        parameters_daily.lookback_days,
        parameters_daily.min_observations,
        parameters_daily.fallback_beta,
        parameters_daily.trading_day_number,
        parameters_daily.as_of_date
    from instruments
    cross join parameters_daily

),

paired_returns as (

    select
        instrument_returns.instrument_id,
        instrument_returns.trading_day_number,
        instrument_returns.daily_return as instrument_return,
        market_returns.equal_weighted_return,
        market_returns.cap_weighted_return
    from instrument_returns
    inner join market_returns
        on instrument_returns.trading_day_number = market_returns.trading_day_number

),

estimates as (

    select
        spine.instrument_id,
        spine.market_weighting,
        spine.lookback_days,
        spine.min_observations,
        spine.fallback_beta,
        count(paired_returns.trading_day_number) as observation_count,
        covar_samp(
            paired_returns.instrument_return,
            case spine.market_weighting
                when 'equal' then paired_returns.equal_weighted_return
                else paired_returns.cap_weighted_return
            end
        ) as market_covariance,
        var_samp(
            case spine.market_weighting
                when 'equal' then paired_returns.equal_weighted_return
                else paired_returns.cap_weighted_return
            end
        ) as market_variance,
        spine.as_of_date
    from spine
    left join paired_returns
        on
            spine.instrument_id = paired_returns.instrument_id
            -- the lookback_days trading days ending on the as-of day: (n - lookback_days, n]
            and spine.trading_day_number - spine.lookback_days < paired_returns.trading_day_number
            and spine.trading_day_number >= paired_returns.trading_day_number
    group by
        spine.instrument_id,
        spine.market_weighting,
        spine.lookback_days,
        spine.min_observations,
        spine.fallback_beta,
        spine.as_of_date

),

final as (

    select
        instrument_id,
        market_weighting,
        lookback_days,
        observation_count,
        case
            when observation_count >= min_observations and market_variance > 0
                then market_covariance / market_variance
        end as beta_estimate,
        case
            when observation_count >= min_observations and market_variance > 0
                then cast(market_covariance / market_variance as decimal(18, 4))
            else cast(fallback_beta as decimal(18, 4))
        end as beta,
        not coalesce(observation_count >= min_observations and market_variance > 0, false)
            as is_fallback_beta,
        as_of_date
    from estimates

)

select * from final
