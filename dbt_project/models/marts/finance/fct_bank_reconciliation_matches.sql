{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='match_id',
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'cleared_date'},
        pre_hook="{{ delete_partition_window('cleared_date') }}"
    )
}}
-- Bank reconciliation matches by the cascade of finance_recon_rules; every bank line and every
-- ledger movement is matched at most once.
--   1. One-to-one (int_bank_recon_pairs holds the pairs each rule accepts): pairs are ranked by
--      rule_order, distance in days, amount difference, same counterparty, position among equal
--      amounts and the keys; a pair is accepted when it ranks first for both its items, in
--      three rounds, each on what the earlier ones left.
--   2. one_to_many: a remaining line equals the sum of the remaining movements of one batch
--      reference and booking date or, for items without reference, of one booking date and
--      counterparty account. 3. many_to_one: the same, with several lines and one movement.
-- Groups of one basis are disjoint and each pairs with at most one item (first for both).
-- cleared_date is the later booking date. Incremental (tag partitioned): the pre-hook deletes
-- the matches cleared in [var('min_date'), var('max_date')); the run re-matches the items booked
-- from the lookback (the largest rule window, in business days, before min_date) to max_date
-- that no remaining match holds.
-- depends_on: {{ ref('int_trading_days') }}
{%- set rounds = 3 %}

with

rules as (

    select * from {{ ref('finance_recon_rules') }}

),

pairs as (

    select * from {{ ref('int_bank_recon_pairs') }}

),

{% if is_incremental() -%}
    window_bounds as (

        select min(trading_days.trading_day_number) - max(rules.date_window_business_days) as first_day
        from {{ ref('int_trading_days') }} as trading_days
        cross join rules
        where trading_days.trading_date >= cast('{{ var("min_date") }}' as date)

    ),

    -- The pre-hook removed the window's matches: the remaining ones keep their items.
    kept_lines as (

        select distinct unnest(bank_line_ids) as line_id
        from {{ this }}

    ),

    kept_movements as (

        select distinct unnest(ledger_movement_ids) as movement_id
        from {{ this }}

    ),
{%- endif %}

lines as (

    select
        bank_lines.*,
        row_number() over (
            partition by bank_lines.bank_account_id, bank_lines.currency, bank_lines.amount
            order by bank_lines.value_date, bank_lines.booking_date, bank_lines.line_no, bank_lines.line_id
        ) as amount_position
    from {{ ref('int_bank_statement_lines_mapped') }} as bank_lines
    {% if is_incremental() -%}
        cross join window_bounds
        left join kept_lines
            on bank_lines.line_id = kept_lines.line_id
        where
            bank_lines.booking_business_day >= window_bounds.first_day
            and bank_lines.booking_date < cast('{{ var("max_date") }}' as date)
            and kept_lines.line_id is null
    {%- endif %}

),

movements as (

    select
        ledger_movements.*,
        row_number() over (
            partition by ledger_movements.bank_account_id, ledger_movements.currency, ledger_movements.amount
            order by ledger_movements.booking_date, ledger_movements.movement_id
        ) as amount_position
    from {{ ref('int_ledger_bank_movements') }} as ledger_movements
    {% if is_incremental() -%}
        cross join window_bounds
        left join kept_movements
            on ledger_movements.movement_id = kept_movements.movement_id
        where
            ledger_movements.booking_business_day >= window_bounds.first_day
            and ledger_movements.booking_date < cast('{{ var("max_date") }}' as date)
            and kept_movements.movement_id is null
    {%- endif %}

),

ordered_pairs as (

    select
        pairs.line_id,
        pairs.movement_id,
        pairs.rule_id,
        pairs.rule_effective_from,
        row_number() over (
            order by
                pairs.rule_order,
                pairs.day_distance,
                pairs.amount_distance,
                pairs.counterparty_distance,
                abs(lines.amount_position - movements.amount_position),
                lines.booking_date,
                lines.line_no,
                lines.line_id,
                movements.booking_date,
                movements.movement_id
        ) as pair_rank
    from pairs
    inner join lines
        on pairs.line_id = lines.line_id
    inner join movements
        on pairs.movement_id = movements.movement_id

),

{% for round in range(1, rounds + 1) -%}
    round_{{ round }} as (

        select ordered_pairs.*
        from ordered_pairs
        {% for earlier in range(1, round) -%}
            left join round_{{ earlier }} as line_taken_{{ earlier }}
                on ordered_pairs.line_id = line_taken_{{ earlier }}.line_id
            left join round_{{ earlier }} as movement_taken_{{ earlier }}
                on ordered_pairs.movement_id = movement_taken_{{ earlier }}.movement_id
        {% endfor -%}
        {% if round > 1 -%}
            where
                {% for earlier in range(1, round) -%}
                    line_taken_{{ earlier }}.line_id is null
                    and movement_taken_{{ earlier }}.movement_id is null
                    {% if not loop.last %}and {% endif %}
                {%- endfor %}
        {% endif -%}
        qualify
            ordered_pairs.pair_rank = min(ordered_pairs.pair_rank) over (partition by ordered_pairs.line_id)
            and ordered_pairs.pair_rank
            = min(ordered_pairs.pair_rank) over (partition by ordered_pairs.movement_id)

    ),

{% endfor -%}

one_to_one as (

    {% for round in range(1, rounds + 1) -%}
        select * from round_{{ round }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

one_to_one_matches as (

    select
        one_to_one.rule_id,
        'one_to_one' as match_type,
        lines.bank_account_id,
        lines.currency,
        lines.end_to_end_id,
        [lines.line_id] as bank_line_ids,
        [movements.movement_id] as ledger_movement_ids,
        [movements.txn_id] as ledger_txn_ids,
        lines.amount as bank_amount,
        movements.amount as ledger_amount,
        lines.booking_business_day as bank_business_day,
        lines.value_business_day as bank_value_business_day,
        movements.booking_business_day as ledger_business_day,
        one_to_one.rule_effective_from,
        lines.booking_date as bank_booking_date,
        lines.value_date as bank_value_date,
        movements.booking_date as ledger_booking_date
    from one_to_one
    inner join lines
        on one_to_one.line_id = lines.line_id
    inner join movements
        on one_to_one.movement_id = movements.movement_id

),

left_lines as (

    select lines.*
    from lines
    left join one_to_one
        on lines.line_id = one_to_one.line_id
    where one_to_one.line_id is null

),

left_movements as (

    select movements.*
    from movements
    left join one_to_one
        on movements.movement_id = one_to_one.movement_id
    where one_to_one.movement_id is null

),

-- Batches: the remaining movements of a reference and day, or (without reference) of a
-- counterparty and day.
movement_groups as (

    select
        bank_account_id,
        currency,
        coalesce(external_ref, counterparty_account_token) as group_key,
        external_ref is not null as is_reference,
        list(movement_id order by movement_id) as movement_ids,
        list(txn_id order by movement_id) as txn_ids,
        sum(amount) as amount,
        min(booking_business_day) as booking_business_day,
        booking_date
    from left_movements
    where coalesce(external_ref, counterparty_account_token) is not null
    group by all
    having count(*) >= 2

),

one_to_many as (

    select
        rules.rule_id,
        rules.effective_from as rule_effective_from,
        left_lines.line_id,
        movement_groups.*,
        row_number() over (
            partition by left_lines.line_id
            order by
                abs(left_lines.value_business_day - movement_groups.booking_business_day),
                abs(left_lines.amount - movement_groups.amount),
                movement_groups.booking_date,
                movement_groups.movement_ids[1]
        ) as line_choice,
        row_number() over (
            partition by movement_groups.movement_ids[1]
            order by
                abs(left_lines.value_business_day - movement_groups.booking_business_day),
                abs(left_lines.amount - movement_groups.amount),
                left_lines.booking_date,
                left_lines.line_no,
                left_lines.line_id
        ) as group_choice
    from left_lines
    inner join movement_groups
        on
            left_lines.bank_account_id = movement_groups.bank_account_id
            and left_lines.currency = movement_groups.currency
            and coalesce(left_lines.end_to_end_id, left_lines.counterparty_account_token)
            = movement_groups.group_key
            and (left_lines.end_to_end_id is not null) = movement_groups.is_reference
    inner join rules
        on
            rules.match_type = 'one_to_many'
            and left_lines.booking_date >= rules.effective_from
            and (rules.effective_to is null or left_lines.booking_date < rules.effective_to)
    where
        abs(left_lines.amount - movement_groups.amount)
        <= greatest(rules.abs_tolerance, rules.pct_tolerance * abs(movement_groups.amount))
        and abs(left_lines.value_business_day - movement_groups.booking_business_day)
        <= rules.date_window_business_days
    qualify line_choice = 1 and group_choice = 1

),

one_to_many_matches as (

    select
        one_to_many.rule_id,
        'one_to_many' as match_type,
        left_lines.bank_account_id,
        left_lines.currency,
        left_lines.end_to_end_id,
        [left_lines.line_id] as bank_line_ids,
        one_to_many.movement_ids as ledger_movement_ids,
        one_to_many.txn_ids as ledger_txn_ids,
        left_lines.amount as bank_amount,
        one_to_many.amount as ledger_amount,
        left_lines.booking_business_day as bank_business_day,
        left_lines.value_business_day as bank_value_business_day,
        one_to_many.booking_business_day as ledger_business_day,
        one_to_many.rule_effective_from,
        left_lines.booking_date as bank_booking_date,
        left_lines.value_date as bank_value_date,
        one_to_many.booking_date as ledger_booking_date
    from one_to_many
    inner join left_lines
        on one_to_many.line_id = left_lines.line_id

),

grouped_movements as (

    select unnest(movement_ids) as movement_id
    from one_to_many

),

rest_movements as (

    select left_movements.*
    from left_movements
    left join grouped_movements
        on left_movements.movement_id = grouped_movements.movement_id
    where grouped_movements.movement_id is null

),

line_groups as (

    select
        left_lines.bank_account_id,
        left_lines.currency,
        coalesce(left_lines.end_to_end_id, left_lines.counterparty_account_token) as group_key,
        left_lines.end_to_end_id is not null as is_reference,
        min(left_lines.end_to_end_id) as end_to_end_id,
        list(left_lines.line_id order by left_lines.line_no, left_lines.line_id) as line_ids,
        sum(left_lines.amount) as amount,
        min(left_lines.booking_business_day) as booking_business_day,
        min(left_lines.value_business_day) as first_value_business_day,
        max(left_lines.value_business_day) as last_value_business_day,
        min(left_lines.value_date) as value_date,
        left_lines.booking_date
    from left_lines
    left join one_to_many
        on left_lines.line_id = one_to_many.line_id
    where
        one_to_many.line_id is null
        and coalesce(left_lines.end_to_end_id, left_lines.counterparty_account_token) is not null
    group by all
    having count(*) >= 2

),

many_to_one as (

    select
        rules.rule_id,
        rules.effective_from as rule_effective_from,
        rest_movements.movement_id,
        line_groups.*,
        row_number() over (
            partition by rest_movements.movement_id
            order by
                abs(line_groups.amount - rest_movements.amount),
                line_groups.booking_date,
                line_groups.line_ids[1]
        ) as movement_choice,
        row_number() over (
            partition by line_groups.line_ids[1]
            order by
                abs(line_groups.amount - rest_movements.amount),
                rest_movements.booking_date,
                rest_movements.movement_id
        ) as group_choice
    from rest_movements
    inner join line_groups
        on
            rest_movements.bank_account_id = line_groups.bank_account_id
            and rest_movements.currency = line_groups.currency
            and (
                line_groups.is_reference and rest_movements.external_ref = line_groups.group_key
                or not line_groups.is_reference
                and rest_movements.counterparty_account_token = line_groups.group_key
            )
    inner join rules
        on
            rules.match_type = 'many_to_one'
            and line_groups.booking_date >= rules.effective_from
            and (rules.effective_to is null or line_groups.booking_date < rules.effective_to)
    where
        abs(line_groups.amount - rest_movements.amount)
        <= greatest(rules.abs_tolerance, rules.pct_tolerance * abs(rest_movements.amount))
        and greatest(
            abs(line_groups.first_value_business_day - rest_movements.booking_business_day),
            abs(line_groups.last_value_business_day - rest_movements.booking_business_day)
        ) <= rules.date_window_business_days
    qualify movement_choice = 1 and group_choice = 1

),

many_to_one_matches as (

    select
        many_to_one.rule_id,
        'many_to_one' as match_type,
        rest_movements.bank_account_id,
        rest_movements.currency,
        many_to_one.end_to_end_id,
        many_to_one.line_ids as bank_line_ids,
        [rest_movements.movement_id] as ledger_movement_ids,
        [rest_movements.txn_id] as ledger_txn_ids,
        many_to_one.amount as bank_amount,
        rest_movements.amount as ledger_amount,
        many_to_one.booking_business_day as bank_business_day,
        many_to_one.first_value_business_day as bank_value_business_day,
        rest_movements.booking_business_day as ledger_business_day,
        many_to_one.rule_effective_from,
        many_to_one.booking_date as bank_booking_date,
        many_to_one.value_date as bank_value_date,
        rest_movements.booking_date as ledger_booking_date
    from many_to_one
    inner join rest_movements
        on many_to_one.movement_id = rest_movements.movement_id

),

all_matches as (

    select * from one_to_one_matches
    union all
    select * from one_to_many_matches
    union all
    select * from many_to_one_matches

),

final as (

    select
        'M:' || bank_line_ids[1] || '|' || ledger_movement_ids[1] as match_id,
        rule_id,
        bank_account_id,
        bank_line_ids,
        ledger_movement_ids,
        ledger_txn_ids,
        end_to_end_id,
        match_type,
        currency,
        cast(len(bank_line_ids) as integer) as bank_line_count,
        cast(len(ledger_movement_ids) as integer) as ledger_movement_count,
        cast(bank_amount as decimal(18, 2)) as bank_amount,
        cast(ledger_amount as decimal(18, 2)) as ledger_amount,
        cast(bank_amount - ledger_amount as decimal(18, 2)) as amount_difference,
        cast(bank_business_day - ledger_business_day as integer) as booking_day_difference,
        cast(bank_value_business_day - ledger_business_day as integer) as value_day_difference,
        rule_effective_from,
        bank_booking_date,
        bank_value_date,
        ledger_booking_date,
        greatest(bank_booking_date, ledger_booking_date) as cleared_date
    from all_matches

)

select * from final
