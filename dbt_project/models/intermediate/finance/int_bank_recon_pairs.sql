-- Every pair of a bank statement line and a ledger bank movement, on the same bank account and
-- currency, that a one-to-one rule of finance_recon_rules accepts, with the first such rule
-- (lowest rule_order among the rules in force on the bank booking date) and the distances the
-- reconciliation cascade ranks pairs by. A pair qualifies for a rule when the references agree
-- (equal; or, for a rule that does not require one, at least one side has none), the amounts
-- differ by at most max(abs_tolerance, pct_tolerance x |ledger amount|), and the bank value date
-- lies within date_window_business_days of the ledger booking date. Which pairs become matches
-- (each item at most once) is decided by fct_bank_reconciliation_matches.
with

rules as (

    select * from {{ ref('finance_recon_rules') }}
    where match_type = 'one_to_one'

),

bank_lines as (

    select * from {{ ref('int_bank_statement_lines_mapped') }}

),

ledger_movements as (

    select * from {{ ref('int_ledger_bank_movements') }}

),

-- Pairs without a common reference are looked for within the widest window of the rules that
-- need none, as equi-joins on the business day shifted by each offset.
day_offsets as (

    select unnest(range(-max(date_window_business_days), max(date_window_business_days) + 1)) as day_offset
    from rules
    where not requires_reference

),

referenced_pairs as (

    select
        bank_lines.line_id,
        ledger_movements.movement_id,
        true as is_referenced
    from bank_lines
    inner join ledger_movements
        on
            bank_lines.bank_account_id = ledger_movements.bank_account_id
            and bank_lines.currency = ledger_movements.currency
            and bank_lines.end_to_end_id = ledger_movements.external_ref

),

unreferenced_pairs as (

    select
        bank_lines.line_id,
        ledger_movements.movement_id,
        false as is_referenced
    from bank_lines
    cross join day_offsets
    inner join ledger_movements
        on
            bank_lines.bank_account_id = ledger_movements.bank_account_id
            and bank_lines.currency = ledger_movements.currency
            and bank_lines.value_business_day + day_offsets.day_offset = ledger_movements.booking_business_day
    where bank_lines.end_to_end_id is null or ledger_movements.external_ref is null

),

candidate_pairs as (

    select * from referenced_pairs
    union all
    select * from unreferenced_pairs

),

qualified as (

    select
        candidate_pairs.line_id,
        candidate_pairs.movement_id,
        bank_lines.bank_account_id,
        rules.rule_id,
        rules.rule_order,
        abs(bank_lines.value_business_day - ledger_movements.booking_business_day) as day_distance,
        abs(bank_lines.amount - ledger_movements.amount) as amount_distance,
        case
            when bank_lines.counterparty_account_token = ledger_movements.counterparty_account_token then 0
            else 1
        end as counterparty_distance,
        rules.effective_from as rule_effective_from
    from candidate_pairs
    inner join bank_lines
        on candidate_pairs.line_id = bank_lines.line_id
    inner join ledger_movements
        on candidate_pairs.movement_id = ledger_movements.movement_id
    inner join rules
        on
            (candidate_pairs.is_referenced or not rules.requires_reference)
            and bank_lines.booking_date >= rules.effective_from
            and (rules.effective_to is null or bank_lines.booking_date < rules.effective_to)
    where
        abs(bank_lines.amount - ledger_movements.amount)
        <= greatest(rules.abs_tolerance, rules.pct_tolerance * abs(ledger_movements.amount))
        and abs(bank_lines.value_business_day - ledger_movements.booking_business_day)
        <= rules.date_window_business_days
    qualify row_number() over (
        partition by candidate_pairs.line_id, candidate_pairs.movement_id order by rules.rule_order
    ) = 1

)

select * from qualified
