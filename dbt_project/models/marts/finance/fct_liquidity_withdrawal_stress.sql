{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['scenario_id', 'currency', 'balance_date'],
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'balance_date'}
    )
}}
-- Withdrawal-run stress per scenario (finance_liquidity_params), trading day and currency:
-- clients withdraw run_share of their equity (the positive equity of fct_account_exposure_daily,
-- in the currency of the account's terms in force) within run_days calendar days. The run is
-- paid first from client money (the client_segregated and reserve bank balances), then from
-- the platform's own liquidity: own bank balances, plus the scheduled inflows of the buckets
-- that end within run_days, minus the scheduled outflows of the buckets that start within
-- them (fct_liquidity_funding_gap; partial buckets count for outflows only). A negative own
-- surplus is a shortfall. coverage_ratio = (client money + own liquidity) / run withdrawals,
-- exact to 6 decimals (null without withdrawals).
-- Incremental by business date (tag partitioned): a run rebuilds the trading days in
-- [var('min_date'), var('max_date')).

with

exposure as (

    select * from {{ ref('fct_account_exposure_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('as_of_date') }}
    {%- endif %}

),

account_terms as (

    select * from {{ ref('int_account_terms_dated') }}

),

positions as (

    select * from {{ ref('fct_liquidity_position_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('balance_date') }}
    {%- endif %}

),

funding_gap as (

    select * from {{ ref('fct_liquidity_funding_gap') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('balance_date') }}
    {%- endif %}

),

scenarios as (

    select * from {{ ref('finance_liquidity_params') }}

),

client_equity as (

    select
        account_terms.currency,
        sum(greatest(exposure.equity, 0)) as client_equity,
        count(*) filter (where exposure.equity > 0) as client_account_count,
        exposure.as_of_date as balance_date
    from exposure
    inner join account_terms
        on
            exposure.account_id = account_terms.account_id
            and exposure.as_of_date >= account_terms.valid_from
            and (account_terms.valid_to is null or exposure.as_of_date < account_terms.valid_to)
    group by account_terms.currency, exposure.as_of_date

),

scenario_days as (

    select
        scenarios.scenario_id,
        scenarios.run_share,
        scenarios.run_days,
        positions.currency,
        positions.own_bank_balance,
        positions.segregated_bank_balance + positions.reserve_bank_balance as client_money_balance,
        coalesce(client_equity.client_equity, 0) as client_equity,
        coalesce(client_equity.client_account_count, 0) as client_account_count,
        positions.balance_date
    from positions
    inner join scenarios
        on
            positions.balance_date >= scenarios.effective_from
            and (scenarios.effective_to is null or positions.balance_date < scenarios.effective_to)
    left join client_equity
        on positions.currency = client_equity.currency and positions.balance_date = client_equity.balance_date

),

run_flows as (

    select
        scenario_days.scenario_id,
        scenario_days.currency,
        scenario_days.balance_date,
        coalesce(
            sum(funding_gap.inflows) filter (
                where funding_gap.max_days is not null and funding_gap.max_days <= scenario_days.run_days
            ),
            0
        ) as inflows_within_run,
        coalesce(sum(funding_gap.outflows) filter (where funding_gap.min_days <= scenario_days.run_days), 0)
            as outflows_within_run
    from scenario_days
    left join funding_gap
        on
            scenario_days.currency = funding_gap.currency
            and scenario_days.balance_date = funding_gap.balance_date
    group by scenario_days.scenario_id, scenario_days.currency, scenario_days.balance_date

),

stressed as (

    select
        scenario_days.*,
        run_flows.inflows_within_run,
        run_flows.outflows_within_run,
        cast(scenario_days.run_share * scenario_days.client_equity as decimal(38, 2)) as run_withdrawals,
        scenario_days.own_bank_balance + run_flows.inflows_within_run - run_flows.outflows_within_run
            as own_liquidity_available
    from scenario_days
    inner join run_flows
        on
            scenario_days.scenario_id = run_flows.scenario_id
            and scenario_days.currency = run_flows.currency
            and scenario_days.balance_date = run_flows.balance_date

),

final as (

    select
        scenario_id,
        currency,
        run_share,
        cast(run_days as integer) as run_days,
        cast(client_equity as decimal(38, 2)) as client_equity,
        run_withdrawals,
        cast(client_money_balance as decimal(38, 2)) as client_money_balance,
        cast(least(run_withdrawals, greatest(client_money_balance, 0)) as decimal(38, 2))
            as paid_from_client_money,
        cast(run_withdrawals - least(run_withdrawals, greatest(client_money_balance, 0)) as decimal(38, 2))
            as own_funding_need,
        cast(own_bank_balance as decimal(38, 2)) as own_bank_balance,
        cast(inflows_within_run as decimal(38, 2)) as inflows_within_run,
        cast(outflows_within_run as decimal(38, 2)) as outflows_within_run,
        cast(own_liquidity_available as decimal(38, 2)) as own_liquidity_available,
        cast(
            own_liquidity_available
            - (run_withdrawals - least(run_withdrawals, greatest(client_money_balance, 0)))
            as decimal(38, 2)
        ) as own_surplus,
        cast(
            greatest(
                (run_withdrawals - least(run_withdrawals, greatest(client_money_balance, 0)))
                - own_liquidity_available,
                0
            ) as decimal(38, 2)
        ) as shortfall_amount,
        {{ divide_decimal('client_money_balance + own_liquidity_available', 'run_withdrawals') }}
            as coverage_ratio,
        cast(client_account_count as integer) as client_account_count,
        own_liquidity_available < run_withdrawals - least(run_withdrawals, greatest(client_money_balance, 0))
            as is_shortfall,
        balance_date
    from stressed

)

select * from final
