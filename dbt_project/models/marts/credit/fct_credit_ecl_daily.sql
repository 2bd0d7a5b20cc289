{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['account_id', 'as_of_date'],
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'as_of_date'}
    )
}}
-- IFRS 9 stage, expected credit loss and ageing provision of every margin account at each
-- trading day's close. Parameters are those of credit_ecl_params and credit_provision_categories
-- in force on the day; PD is read only from int_credit_pd_resolved.
--   stage  3 with a deficit outstanding or days past due > stage_3_days_past_due; else 2 with
--          days past due > stage_2_days_past_due or a significant increase in credit risk (the
--          close below the call line on at least sicr_days_below_call of the last
--          sicr_lookback_days trading days); else 1.
--   EAD    financing principal + accrued interest + fees due + deficit receivable.
--   LGD    max(lgd_floor, max(0, EAD - (cash + (1 - liquidation_haircut) x MV)) / EAD), exact.
--   ECL    PD x LGD x EAD at the fen, 12-month and lifetime; stage 1 books the 12-month ECL,
--          stages 2 and 3 the lifetime ECL.
--   provision  EAD x the rate of the ageing category (first category holding the days past
--          due, floored for accounts in default), at the fen.
-- Incremental by business date; the ratio history reaches back sicr_lookback_days trading days.

with

delinquency as (

    select * from {{ ref('fct_credit_delinquency_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('as_of_date') }}
    {%- endif %}

),

pd_resolved as (

    select * from {{ ref('int_credit_pd_resolved') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('as_of_date') }}
    {%- endif %}

),

params as (

    select * from {{ ref('int_credit_ecl_params') }}

),

categories as (

    select * from {{ ref('int_credit_provision_categories') }}

),

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

-- The first trading day whose close the SICR test of the window's first day looks at.
window_start as (

    select coalesce(min(trading_day_number), 1) as first_day_number
    from trading_days
    where trading_date >= cast('{{ var("min_date") }}' as date)

),

longest_lookback as (

    select max(sicr_lookback_days) as lookback_days
    from params

),

history_start as (

    select
        coalesce(min(trading_days.trading_date), cast('{{ var("min_date") }}' as date))
            as history_start_date
    from trading_days
    cross join window_start
    cross join longest_lookback
    where trading_days.trading_day_number > window_start.first_day_number - longest_lookback.lookback_days

),

exposure as (

    select * from {{ ref('fct_account_exposure_daily') }}
    {% if is_incremental() -%}
        where
            as_of_date >= (select history_start.history_start_date from history_start)
            and as_of_date < cast('{{ var("max_date") }}' as date)
    {%- endif %}

),

closes as (

    select
        exposure.account_id,
        exposure.cash,
        exposure.long_market_value,
        coalesce(
            exposure.liabilities > 0 and exposure.total_assets < exposure.call_line * exposure.liabilities,
            false
        )
            as is_below_call_line,
        trading_days.trading_day_number,
        exposure.as_of_date
    from exposure
    inner join trading_days
        on exposure.as_of_date = trading_days.trading_date

),

with_params as (

    select
        delinquency.*,
        params.liquidation_haircut,
        params.lgd_floor,
        params.stage_2_days_past_due,
        params.stage_3_days_past_due,
        params.sicr_lookback_days,
        params.sicr_days_below_call,
        closes.cash,
        closes.long_market_value,
        closes.trading_day_number
    from delinquency
    inner join closes
        on
            delinquency.account_id = closes.account_id
            and delinquency.as_of_date = closes.as_of_date
    inner join params
        on
            delinquency.as_of_date >= params.effective_from
            and (params.effective_to is null or delinquency.as_of_date < params.effective_to)

),

ratio_history as (

    select
        with_params.account_id,
        with_params.as_of_date,
        count(history.account_id) as closes_below_call_line
    from with_params
    left join closes as history
        on
            with_params.account_id = history.account_id
            and history.is_below_call_line
            and history.trading_day_number > with_params.trading_day_number - with_params.sicr_lookback_days
            and with_params.trading_day_number >= history.trading_day_number
    group by with_params.account_id, with_params.as_of_date

),

staged as (

    select
        with_params.*,
        ratio_history.closes_below_call_line,
        ratio_history.closes_below_call_line >= with_params.sicr_days_below_call as has_sicr,
        case
            when with_params.is_defaulted then 'deficit'
            when
                with_params.days_past_due > with_params.stage_3_days_past_due
                then 'days_past_due_over_stage_3'
            when
                with_params.days_past_due > with_params.stage_2_days_past_due
                then 'days_past_due_over_stage_2'
            when
                ratio_history.closes_below_call_line >= with_params.sicr_days_below_call
                then 'sicr_ratio_history'
            else 'performing'
        end as stage_reason,
        cast(
            with_params.cash
            + (1 - with_params.liquidation_haircut) * with_params.long_market_value as decimal(38, 2)
        ) as collateral_recovery
    from with_params
    inner join ratio_history
        on
            with_params.account_id = ratio_history.account_id
            and with_params.as_of_date = ratio_history.as_of_date

),

measured as (

    select
        staged.*,
        case staged.stage_reason
            when 'performing' then 1
            when 'sicr_ratio_history' then 2
            when 'days_past_due_over_stage_2' then 2
            else 3
        end as ifrs9_stage,
        case
            when staged.outstanding_balance > 0
                then greatest(
                    staged.lgd_floor,
                    {{ divide_decimal(
                        'greatest(staged.outstanding_balance - staged.collateral_recovery, 0)',
                        'staged.outstanding_balance'
                    ) }}
                )
        end as lgd,
        pd_resolved.pd_source,
        pd_resolved.pd_12m,
        pd_resolved.pd_lifetime
    from staged
    inner join pd_resolved
        on
            staged.account_id = pd_resolved.account_id
            and staged.as_of_date = pd_resolved.as_of_date

),

-- The first ageing category holding the days past due, floored for accounts in default.
categorised as (

    select
        measured.*,
        categories.category_order as matched_category_order,
        categories.default_floor_order
    from measured
    inner join categories
        on
            measured.as_of_date >= categories.effective_from
            and (categories.effective_to is null or measured.as_of_date < categories.effective_to)
            and measured.days_past_due >= categories.min_days
            and (categories.max_days is null or measured.days_past_due <= categories.max_days)
    qualify row_number() over (
        partition by measured.account_id, measured.as_of_date order by categories.category_order
    ) = 1

),

losses as (

    select
        categorised.*,
        categories.provision_category,
        categories.provision_rate,
        cast(
            categorised.pd_12m * cast(coalesce(categorised.lgd, 0) as decimal(18, 6))
            * categorised.outstanding_balance as decimal(38, 2)
        ) as ecl_12m,
        cast(
            categorised.pd_lifetime * cast(coalesce(categorised.lgd, 0) as decimal(18, 6))
            * categorised.outstanding_balance as decimal(38, 2)
        ) as ecl_lifetime,
        cast(categorised.outstanding_balance * categories.provision_rate as decimal(38, 2))
            as provision_amount
    from categorised
    inner join categories
        on
            categorised.as_of_date >= categories.effective_from
            and (categories.effective_to is null or categorised.as_of_date < categories.effective_to)
            and categories.category_order = case
                when
                    categorised.is_defaulted
                    and categorised.default_floor_order > categorised.matched_category_order
                    then categorised.default_floor_order
                else categorised.matched_category_order
            end

),

final as (

    select
        account_id,
        client_id,
        product_id,
        delinquency_bucket,
        stage_reason,
        provision_category,
        pd_source,
        ifrs9_stage,
        days_past_due,
        closes_below_call_line,
        outstanding_balance as ead,
        collateral_recovery,
        pd_12m,
        pd_lifetime,
        cast(lgd as decimal(38, 6)) as lgd,
        ecl_12m,
        ecl_lifetime,
        case when ifrs9_stage = 1 then ecl_12m else ecl_lifetime end as ecl_booked,
        provision_rate,
        provision_amount,
        is_defaulted,
        has_sicr,
        as_of_date
    from losses

)

select * from final
