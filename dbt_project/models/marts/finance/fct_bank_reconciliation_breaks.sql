{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='break_id',
        on_schema_change='fail',
        tags=['partitioned'],
        pre_hook="{% if is_incremental() %}delete from {{ this }} where opened_date >= (select min(trading_date) from {{ ref('int_trading_days') }} where trading_day_number >= (select min(trading_day_number) from {{ ref('int_trading_days') }} where trading_date >= date '{{ var('min_date') }}') - (select max(date_window_business_days) from {{ ref('finance_recon_rules') }})){% endif %}"
    )
}}
-- Reconciliation breaks: every item that keeps a bank account's statement balance apart from
-- its mirror GL account, with a reason, an amount (break_amount: what it adds to bank balance
-- minus ledger balance while open), an age and a severity.
--   timing          a matched pair booked on different days: the earlier side is open from its
--                   booking date until the other side's (cleared_date).
--   fee_variance    a pair matched within the amount tolerance: bank minus ledger, open from the
--                   day the pair is complete.
--   amount_mismatch an unmatched line and an unmatched movement with the same reference (within
--                   the largest rule window): bank minus ledger.
--   reversal        an unmatched line flagged as a reversal, or returning the opposite of an
--                   earlier line with the same reference.
--   duplicate       an unmatched line repeating an earlier line of the account: same reference
--                   and amount or, without reference, the same amount, value date,
--                   counterparty, transaction code and narrative.
--   bank_only       any other unmatched bank line. ledger_only: an unmatched ledger movement.
-- An unmatched item is provisional while younger (in business days) than the largest rule
-- window: a later match turns it into a timing break. Severity and ageing bucket are read at
-- the break's age (to cleared_date, or to as_of_date, the last trading day, while open).
-- Incremental (tag partitioned): the pre-hook deletes the breaks opened from the lookback start
-- (the largest rule window, in business days, before var('min_date')) on; the run rebuilds them
-- from the items booked since and the matches that hold them, and re-ages older open breaks.
with

trading_days as (

    select * from {{ ref('int_trading_days') }}

),

rules as (

    select * from {{ ref('finance_recon_rules') }}

),

severities as (

    select * from {{ ref('finance_break_severity') }}

),

ageing_buckets as (

    select * from {{ ref('finance_break_ageing_buckets') }}

),

all_bank_lines as (

    select * from {{ ref('int_bank_statement_lines_mapped') }}

),

all_ledger_movements as (

    select * from {{ ref('int_ledger_bank_movements') }}

),

matches as (

    select * from {{ ref('fct_bank_reconciliation_matches') }}

),

lookback as (

    select max(date_window_business_days) as business_days
    from rules

),

bounds as (

    select
        max(trading_days.trading_date) as as_of_date,
        max(trading_days.trading_day_number) as as_of_business_day,
        {% if is_incremental() -%}
            min(trading_days.trading_day_number) filter (
                where trading_days.trading_date >= cast('{{ var("min_date") }}' as date)
            ) - max(lookback.business_days)
        {%- else -%}
            min(trading_days.trading_day_number) - max(lookback.business_days)
        {%- endif %} as first_business_day
    from trading_days
    cross join lookback

),

range_start as (

    select min(trading_days.trading_date) as first_date
    from trading_days
    cross join bounds
    where trading_days.trading_day_number >= bounds.first_business_day

),

bank_lines as (

    select all_bank_lines.*
    from all_bank_lines
    cross join bounds
    where all_bank_lines.booking_business_day >= bounds.first_business_day

),

ledger_movements as (

    select all_ledger_movements.*
    from all_ledger_movements
    cross join bounds
    where all_ledger_movements.booking_business_day >= bounds.first_business_day

),

matched_bank_lines as (

    select
        matches.match_id,
        unnest(matches.bank_line_ids) as line_id
    from matches

),

matched_ledger_movements as (

    select
        matches.match_id,
        unnest(matches.ledger_movement_ids) as movement_id
    from matches

),

-- Matches holding an item of the range (cleared on or before as_of_date).
range_matches as (

    select matches.*
    from matches
    where
        matches.match_id in (
            select matched_bank_lines.match_id
            from matched_bank_lines
            inner join bank_lines
                on matched_bank_lines.line_id = bank_lines.line_id
            union
            select matched_ledger_movements.match_id
            from matched_ledger_movements
            inner join ledger_movements
                on matched_ledger_movements.movement_id = ledger_movements.movement_id
        )

),

unmatched_bank_lines as (

    select bank_lines.*
    from bank_lines
    left join matched_bank_lines
        on bank_lines.line_id = matched_bank_lines.line_id
    left join range_matches
        on matched_bank_lines.match_id = range_matches.match_id
    where range_matches.match_id is null

),

unmatched_ledger_movements as (

    select ledger_movements.*
    from ledger_movements
    left join matched_ledger_movements
        on ledger_movements.movement_id = matched_ledger_movements.movement_id
    left join range_matches
        on matched_ledger_movements.match_id = range_matches.match_id
    where range_matches.match_id is null

),

-- Unmatched items with the same reference: amount mismatches, paired first-come.
mismatch_candidates as (

    select
        unmatched_bank_lines.line_id,
        unmatched_ledger_movements.movement_id,
        row_number() over (
            partition by unmatched_bank_lines.line_id
            order by
                abs(
                    unmatched_bank_lines.value_business_day - unmatched_ledger_movements.booking_business_day
                ),
                abs(unmatched_bank_lines.amount - unmatched_ledger_movements.amount),
                unmatched_ledger_movements.booking_date,
                unmatched_ledger_movements.movement_id
        ) as bank_choice,
        row_number() over (
            partition by unmatched_ledger_movements.movement_id
            order by
                abs(
                    unmatched_bank_lines.value_business_day - unmatched_ledger_movements.booking_business_day
                ),
                abs(unmatched_bank_lines.amount - unmatched_ledger_movements.amount),
                unmatched_bank_lines.booking_date,
                unmatched_bank_lines.line_no,
                unmatched_bank_lines.line_id
        ) as ledger_choice
    from unmatched_bank_lines
    cross join lookback
    inner join unmatched_ledger_movements
        on
            unmatched_bank_lines.bank_account_id = unmatched_ledger_movements.bank_account_id
            and unmatched_bank_lines.currency = unmatched_ledger_movements.currency
            and unmatched_bank_lines.end_to_end_id = unmatched_ledger_movements.external_ref
    where
        abs(unmatched_bank_lines.value_business_day - unmatched_ledger_movements.booking_business_day)
        <= lookback.business_days

),

mismatch_pairs as (

    select
        line_id,
        movement_id
    from mismatch_candidates
    where bank_choice = 1 and ledger_choice = 1

),

-- Pairs that can leave a timing or an amount difference: matches and amount mismatches.
pairs as (

    select
        match_id as pair_id,
        'fee_variance' as variance_reason,
        bank_account_id,
        currency,
        end_to_end_id,
        match_id,
        rule_id,
        bank_line_ids[1] as bank_line_id,
        ledger_movement_ids[1] as ledger_movement_id,
        ledger_txn_ids[1] as ledger_txn_id,
        bank_amount,
        ledger_amount,
        bank_booking_date,
        ledger_booking_date
    from range_matches
    union all
    select
        'A:' || unmatched_bank_lines.line_id || '|' || unmatched_ledger_movements.movement_id as pair_id,
        'amount_mismatch' as variance_reason,
        unmatched_bank_lines.bank_account_id,
        unmatched_bank_lines.currency,
        unmatched_bank_lines.end_to_end_id,
        null as match_id,
        null as rule_id,
        unmatched_bank_lines.line_id as bank_line_id,
        unmatched_ledger_movements.movement_id as ledger_movement_id,
        unmatched_ledger_movements.txn_id as ledger_txn_id,
        unmatched_bank_lines.amount as bank_amount,
        unmatched_ledger_movements.amount as ledger_amount,
        unmatched_bank_lines.booking_date as bank_booking_date,
        unmatched_ledger_movements.booking_date as ledger_booking_date
    from mismatch_pairs
    inner join unmatched_bank_lines
        on mismatch_pairs.line_id = unmatched_bank_lines.line_id
    inner join unmatched_ledger_movements
        on mismatch_pairs.movement_id = unmatched_ledger_movements.movement_id

),

pair_breaks as (

    select
        'T:' || pair_id as break_id,
        'timing' as break_reason,
        case when ledger_booking_date < bank_booking_date then 'ledger' else 'bank' end as side,
        bank_account_id,
        currency,
        end_to_end_id,
        match_id,
        rule_id,
        bank_line_id,
        ledger_movement_id,
        ledger_txn_id,
        bank_amount,
        ledger_amount,
        case when ledger_booking_date < bank_booking_date then -ledger_amount else bank_amount end
            as break_amount,
        least(bank_booking_date, ledger_booking_date) as opened_date,
        greatest(bank_booking_date, ledger_booking_date) as cleared_date
    from pairs
    where bank_booking_date <> ledger_booking_date
    union all
    select
        'V:' || pair_id as break_id,
        variance_reason as break_reason,
        'both' as side,
        bank_account_id,
        currency,
        end_to_end_id,
        match_id,
        rule_id,
        bank_line_id,
        ledger_movement_id,
        ledger_txn_id,
        bank_amount,
        ledger_amount,
        bank_amount - ledger_amount as break_amount,
        greatest(bank_booking_date, ledger_booking_date) as opened_date,
        cast(null as date) as cleared_date
    from pairs
    where bank_amount <> ledger_amount

),

bank_only_lines as (

    select unmatched_bank_lines.*
    from unmatched_bank_lines
    left join mismatch_pairs
        on unmatched_bank_lines.line_id = mismatch_pairs.line_id
    where mismatch_pairs.line_id is null

),

-- An earlier line of the account that the unmatched line reverses or repeats.
earlier_lines as (

    select
        bank_only_lines.line_id,
        max(
            case
                when
                    bank_only_lines.end_to_end_id is not null
                    and earlier.end_to_end_id = bank_only_lines.end_to_end_id
                    and earlier.amount = -bank_only_lines.amount
                    then 1
                else 0
            end
        ) as has_reversed_line,
        max(
            case
                when
                    bank_only_lines.end_to_end_id is not null
                    and earlier.end_to_end_id = bank_only_lines.end_to_end_id
                    and earlier.amount = bank_only_lines.amount
                    then 1
                when
                    bank_only_lines.end_to_end_id is null
                    and earlier.end_to_end_id is null
                    and earlier.amount = bank_only_lines.amount
                    and earlier.value_date = bank_only_lines.value_date
                    and earlier.counterparty_account_token = bank_only_lines.counterparty_account_token
                    and earlier.transaction_code = bank_only_lines.transaction_code
                    and earlier.remittance_info = bank_only_lines.remittance_info
                    then 1
                else 0
            end
        ) as has_repeated_line
    from bank_only_lines
    cross join lookback
    inner join all_bank_lines as earlier
        on
            bank_only_lines.bank_account_id = earlier.bank_account_id
            and bank_only_lines.currency = earlier.currency
            and earlier.booking_business_day >= bank_only_lines.booking_business_day - lookback.business_days
            and (
                bank_only_lines.booking_date > earlier.booking_date
                or (
                    bank_only_lines.booking_date = earlier.booking_date
                    and (
                        bank_only_lines.line_no > earlier.line_no
                        or (
                            bank_only_lines.line_no = earlier.line_no
                            and bank_only_lines.line_id > earlier.line_id
                        )
                    )
                )
            )
    group by bank_only_lines.line_id

),

item_breaks as (

    select
        'B:' || bank_only_lines.line_id as break_id,
        case
            when bank_only_lines.is_reversal or earlier_lines.has_reversed_line = 1 then 'reversal'
            when earlier_lines.has_repeated_line = 1 then 'duplicate'
            else 'bank_only'
        end as break_reason,
        'bank' as side,
        bank_only_lines.bank_account_id,
        bank_only_lines.currency,
        bank_only_lines.end_to_end_id,
        null as match_id,
        null as rule_id,
        bank_only_lines.line_id as bank_line_id,
        null as ledger_movement_id,
        null as ledger_txn_id,
        bank_only_lines.amount as bank_amount,
        cast(null as decimal(18, 2)) as ledger_amount,
        bank_only_lines.amount as break_amount,
        bank_only_lines.booking_date as opened_date,
        cast(null as date) as cleared_date
    from bank_only_lines
    left join earlier_lines
        on bank_only_lines.line_id = earlier_lines.line_id
    union all
    select
        'L:' || unmatched_ledger_movements.movement_id as break_id,
        'ledger_only' as break_reason,
        'ledger' as side,
        unmatched_ledger_movements.bank_account_id,
        unmatched_ledger_movements.currency,
        unmatched_ledger_movements.external_ref as end_to_end_id,
        null as match_id,
        null as rule_id,
        null as bank_line_id,
        unmatched_ledger_movements.movement_id as ledger_movement_id,
        unmatched_ledger_movements.txn_id as ledger_txn_id,
        cast(null as decimal(18, 2)) as bank_amount,
        unmatched_ledger_movements.amount as ledger_amount,
        -unmatched_ledger_movements.amount as break_amount,
        unmatched_ledger_movements.booking_date as opened_date,
        cast(null as date) as cleared_date
    from unmatched_ledger_movements
    left join mismatch_pairs
        on unmatched_ledger_movements.movement_id = mismatch_pairs.movement_id
    where mismatch_pairs.movement_id is null

),

new_breaks as (

    select * from pair_breaks
    union all
    select * from item_breaks

),

{% if is_incremental() -%}
-- Breaks opened before the lookback and still open: kept, re-aged below.
    still_open_breaks as (

        select
            previous_breaks.break_id,
            previous_breaks.break_reason,
            previous_breaks.side,
            previous_breaks.bank_account_id,
            previous_breaks.currency,
            previous_breaks.end_to_end_id,
            previous_breaks.match_id,
            previous_breaks.rule_id,
            previous_breaks.bank_line_id,
            previous_breaks.ledger_movement_id,
            previous_breaks.ledger_txn_id,
            previous_breaks.bank_amount,
            previous_breaks.ledger_amount,
            previous_breaks.break_amount,
            previous_breaks.opened_date,
            previous_breaks.cleared_date
        from {{ this }} as previous_breaks
        cross join range_start
        left join new_breaks
            on previous_breaks.break_id = new_breaks.break_id
        where
            previous_breaks.cleared_date is null
            and previous_breaks.opened_date < range_start.first_date
            and new_breaks.break_id is null

    ),
{%- endif %}

all_breaks as (

    select * from new_breaks
    {% if is_incremental() -%}
        union all
        select * from still_open_breaks
    {%- endif %}

),

business_days as (

    select
        all_breaks.break_id,
        max(trading_days.trading_day_number) as opened_business_day
    from all_breaks
    inner join trading_days
        on all_breaks.opened_date >= trading_days.trading_date
    group by all_breaks.break_id

),

aged as (

    select
        all_breaks.*,
        cast(coalesce(all_breaks.cleared_date, bounds.as_of_date) - all_breaks.opened_date as integer)
            as age_days,
        cast(
            case
                when
                    all_breaks.cleared_date is null
                    then bounds.as_of_business_day - business_days.opened_business_day
            end as integer
        ) as open_business_days,
        bounds.as_of_date
    from all_breaks
    cross join bounds
    left join business_days
        on all_breaks.break_id = business_days.break_id

),

graded as (

    select
        aged.break_id,
        max_by(severities.severity, severities.severity_rank) as severity
    from aged
    inner join severities
        on
            (abs(aged.break_amount) >= severities.min_abs_amount or aged.age_days >= severities.min_age_days)
            and aged.as_of_date >= severities.effective_from
            and (severities.effective_to is null or aged.as_of_date < severities.effective_to)
    group by aged.break_id

),

final as (

    select
        aged.break_id,
        aged.bank_account_id,
        aged.bank_line_id,
        aged.ledger_movement_id,
        aged.ledger_txn_id,
        aged.match_id,
        aged.rule_id,
        aged.end_to_end_id,
        bank_lines.bank_reference,
        aged.currency,
        aged.break_reason,
        aged.side,
        case when aged.cleared_date is null then 'open' else 'cleared' end as status,
        graded.severity,
        ageing_buckets.ageing_bucket,
        cast(aged.bank_amount as decimal(18, 2)) as bank_amount,
        cast(aged.ledger_amount as decimal(18, 2)) as ledger_amount,
        cast(aged.break_amount as decimal(18, 2)) as break_amount,
        aged.age_days,
        coalesce(
            aged.break_reason in ('bank_only', 'ledger_only')
            and aged.open_business_days <= lookback.business_days,
            false
        ) as is_provisional,
        aged.opened_date,
        aged.cleared_date,
        aged.as_of_date
    from aged
    cross join lookback
    left join graded
        on aged.break_id = graded.break_id
    left join ageing_buckets
        on
            aged.age_days >= ageing_buckets.min_age_days
            and (ageing_buckets.max_age_days is null or aged.age_days <= ageing_buckets.max_age_days)
            and aged.as_of_date >= ageing_buckets.effective_from
            and (ageing_buckets.effective_to is null or aged.as_of_date < ageing_buckets.effective_to)
    left join all_bank_lines as bank_lines
        on aged.bank_line_id = bank_lines.line_id

)

select * from final
