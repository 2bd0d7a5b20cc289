{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['bank_account_id', 'statement_date'],
        on_schema_change='fail',
        tags=['partitioned'],
        meta={'partition_column': 'statement_date'}
    )
}}
-- Daily balance proof of every bank statement: the bank's closing balance minus the closing
-- balance of the GL account that mirrors the bank account equals the sum of the reconciliation
-- breaks open that day (opened on or before it, not cleared by its end), split by reason. What
-- the open breaks do not explain is the unexplained residual, zero when every difference is
-- accounted for; a blocking test holds it within balance_proof_tolerance (finance_recon_params).
-- Incremental by business date (tag partitioned): a run rebuilds the statements dated in
-- [var('min_date'), var('max_date')).
{%- set break_reasons = [
    'timing', 'bank_only', 'ledger_only', 'fee_variance', 'amount_mismatch', 'duplicate', 'reversal'
] %}

with

statements as (

    select * from {{ ref('int_bank_statements_mapped') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('statement_date') }}
    {%- endif %}

),

trial_balance as (

    select * from {{ ref('fct_trial_balance_daily') }}
    {% if is_incremental() -%}
        where
            {{ in_partition_window('balance_date') }}
    {%- endif %}

),

breaks as (

    select * from {{ ref('fct_bank_reconciliation_breaks') }}
    {% if is_incremental() -%}
        where
            opened_date < cast('{{ var("max_date") }}' as date)
            and (cleared_date is null or cleared_date >= cast('{{ var("min_date") }}' as date))
    {%- endif %}

),

params as (

    select * from {{ ref('finance_recon_params') }}
    where parameter = 'balance_proof_tolerance'

),

open_items as (

    select
        statements.statement_id,
        {% for reason in break_reasons -%}
            coalesce(sum(breaks.break_amount) filter (where breaks.break_reason = '{{ reason }}'), 0)
                as {{ reason }}_amount,
        {% endfor -%}
        coalesce(sum(breaks.break_amount), 0) as open_items_amount,
        count(breaks.break_id) as open_item_count
    from statements
    left join breaks
        on
            statements.bank_account_id = breaks.bank_account_id
            and statements.currency = breaks.currency
            and statements.statement_date >= breaks.opened_date
            and (breaks.cleared_date is null or statements.statement_date < breaks.cleared_date)
    group by statements.statement_id

),

proof as (

    select
        statements.bank_account_id,
        statements.statement_id,
        statements.gl_code,
        statements.purpose,
        statements.currency,
        statements.opening_balance as bank_opening_balance,
        statements.closing_balance as bank_closing_balance,
        coalesce(trial_balance.net_debit_balance, 0) as ledger_balance,
        open_items.open_items_amount,
        open_items.timing_amount,
        open_items.bank_only_amount,
        open_items.ledger_only_amount,
        open_items.fee_variance_amount,
        open_items.amount_mismatch_amount,
        open_items.duplicate_amount,
        open_items.reversal_amount,
        params.value as residual_tolerance,
        open_items.open_item_count,
        statements.statement_date
    from statements
    inner join open_items
        on statements.statement_id = open_items.statement_id
    left join trial_balance
        on
            statements.gl_code = trial_balance.gl_code
            and statements.currency = trial_balance.currency
            and statements.statement_date = trial_balance.balance_date
    left join params
        on
            statements.statement_date >= params.effective_from
            and (params.effective_to is null or statements.statement_date < params.effective_to)

),

final as (

    select
        bank_account_id,
        statement_id,
        gl_code,
        purpose,
        currency,
        cast(bank_opening_balance as decimal(38, 2)) as bank_opening_balance,
        cast(bank_closing_balance as decimal(38, 2)) as bank_closing_balance,
        cast(ledger_balance as decimal(38, 2)) as ledger_balance,
        cast(bank_closing_balance - ledger_balance as decimal(38, 2)) as balance_difference,
        cast(open_items_amount as decimal(38, 2)) as open_items_amount,
        cast(timing_amount as decimal(38, 2)) as timing_amount,
        cast(bank_only_amount as decimal(38, 2)) as bank_only_amount,
        cast(ledger_only_amount as decimal(38, 2)) as ledger_only_amount,
        cast(fee_variance_amount as decimal(38, 2)) as fee_variance_amount,
        cast(amount_mismatch_amount as decimal(38, 2)) as amount_mismatch_amount,
        cast(duplicate_amount as decimal(38, 2)) as duplicate_amount,
        cast(reversal_amount as decimal(38, 2)) as reversal_amount,
        cast(bank_closing_balance - ledger_balance - open_items_amount as decimal(38, 2))
            as unexplained_residual,
        cast(residual_tolerance as decimal(18, 2)) as residual_tolerance,
        cast(open_item_count as integer) as open_item_count,
        coalesce(abs(bank_closing_balance - ledger_balance - open_items_amount) <= residual_tolerance, false)
            as is_explained,
        statement_date
    from proof

)

select * from final
