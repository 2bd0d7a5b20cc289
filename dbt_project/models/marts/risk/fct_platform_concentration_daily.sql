{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='as_of_date',
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'as_of_date'}
    )
}}
-- Platform concentration against the limits in force, per trading day, limit and subject (the
-- client, instrument or sector measured). measured_value = subject_amount / base_amount, divided
-- exactly (macros/exact_decimal.sql); a breach is subject_amount > threshold x base_amount,
-- compared exactly rather than on the rounded ratio. Incremental by business date: an
-- incremental run replaces every row of the dates in [var('min_date'), var('max_date')) (the
-- delete+insert key is the date, so a subject or limit that no longer applies disappears).

with

exposure as (

    select * from {{ ref('fct_account_exposure_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('as_of_date') }}
    {%- endif %}

),

positions as (

    select * from {{ ref('fct_positions_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('as_of_date') }}
    {%- endif %}

),

instruments as (

    select * from {{ ref('int_concentration_instruments') }}

),

net_capital as (

    select * from {{ ref('int_concentration_net_capital_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('as_of_date') }}
    {%- endif %}

),

limits as (

    select * from {{ ref('int_concentration_limits_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('as_of_date') }}
    {%- endif %}

),

-- What all accounts hold in each instrument.
holdings as (

    select
        positions.instrument_id,
        instruments.sector,
        instruments.shares_outstanding,
        sum(positions.quantity) as quantity,
        sum(positions.market_value) as market_value,
        positions.as_of_date
    from positions
    left join instruments
        on positions.instrument_id = instruments.instrument_id
    group by
        positions.instrument_id,
        instruments.sector,
        instruments.shares_outstanding,
        positions.as_of_date

),

-- A client's financing exposure is everything its accounts owe the platform (liabilities:
-- principal, accrued interest, fees and deficits); clients owing nothing are not measured.
client_liabilities as (

    select
        client_id,
        sum(liabilities) as liabilities,
        as_of_date
    from exposure
    group by client_id, as_of_date
    having sum(liabilities) > 0

),

loan_book as (

    select
        as_of_date,
        sum(liabilities) as liabilities
    from client_liabilities
    group by as_of_date

),

portfolio as (

    select
        as_of_date,
        sum(market_value) as market_value
    from holdings
    group by as_of_date

),

sector_holdings as (

    select
        coalesce(sector, 'unknown') as sector,
        sum(market_value) as market_value,
        as_of_date
    from holdings
    group by coalesce(sector, 'unknown'), as_of_date

),

measures as (

    select
        'single_client_exposure_share' as metric,
        'client' as subject_type,
        client_liabilities.client_id as subject_id,
        'CNY' as amount_unit,
        client_liabilities.liabilities as subject_amount,
        loan_book.liabilities as base_amount,
        client_liabilities.as_of_date
    from client_liabilities
    inner join loan_book
        on client_liabilities.as_of_date = loan_book.as_of_date

    union all

    select
        'client_financing_to_net_capital' as metric,
        'client' as subject_type,
        client_liabilities.client_id as subject_id,
        'CNY' as amount_unit,
        client_liabilities.liabilities as subject_amount,
        net_capital.net_capital as base_amount,
        client_liabilities.as_of_date
    from client_liabilities
    inner join net_capital
        on client_liabilities.as_of_date = net_capital.as_of_date

    union all

    select
        'single_stock_share' as metric,
        'instrument' as subject_type,
        holdings.instrument_id as subject_id,
        'CNY' as amount_unit,
        holdings.market_value as subject_amount,
        portfolio.market_value as base_amount,
        holdings.as_of_date
    from holdings
    inner join portfolio
        on holdings.as_of_date = portfolio.as_of_date
    where holdings.market_value > 0

    union all

    select
        'sector_share' as metric,
        'sector' as subject_type,
        sector_holdings.sector as subject_id,
        'CNY' as amount_unit,
        sector_holdings.market_value as subject_amount,
        portfolio.market_value as base_amount,
        sector_holdings.as_of_date
    from sector_holdings
    inner join portfolio
        on sector_holdings.as_of_date = portfolio.as_of_date
    where sector_holdings.market_value > 0

    union all

    -- Collateral held in one stock against its market cap: the same ratio as shares held /
    -- shares outstanding, which needs no price and is exact.
    select
        'collateral_to_market_cap' as metric,
        'instrument' as subject_type,
        instrument_id as subject_id,
        'shares' as amount_unit,
        quantity as subject_amount,
        cast(shares_outstanding as decimal(38, 8)) as base_amount,
        as_of_date
    from holdings
    where quantity > 0 and shares_outstanding is not null

),

measured as (

    select
        limits.limit_id,
        measures.metric,
        measures.subject_type,
        measures.subject_id,
        measures.amount_unit,
        cast(measures.subject_amount as decimal(38, 8)) as subject_amount,
        cast(measures.base_amount as decimal(38, 8)) as base_amount,
        {{ divide_decimal('measures.subject_amount', 'measures.base_amount') }} as measured_value,
        limits.threshold,
        {{ divide_decimal(
            'measures.subject_amount', 'limits.threshold * measures.base_amount'
        ) }} as limit_utilization,
        measures.subject_amount > limits.threshold * measures.base_amount as is_breach,
        measures.as_of_date
    from measures
    inner join limits
        on
            measures.metric = limits.metric
            and measures.as_of_date = limits.as_of_date

),

final as (

    select
        limit_id,
        metric,
        subject_type,
        subject_id,
        amount_unit,
        subject_amount,
        base_amount,
        measured_value,
        threshold,
        limit_utilization,
        row_number() over (
            partition by limit_id, as_of_date
            order by measured_value desc nulls first, subject_amount desc, subject_id asc
        ) as subject_rank,
        is_breach,
        as_of_date
    from measured

)

select * from final
