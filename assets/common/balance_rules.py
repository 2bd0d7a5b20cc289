"""Cross-row rules: a ledger transaction balances, a bank statement adds up.

They run on rows that passed row validation and quarantine whole groups: half a journal or half
a statement in bronze would be worse than none, because every mart downstream sums them.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from assets.common.contracts import Contract
from assets.common.duck import connect
from assets.common.lineage import SOURCE_FILE, SOURCE_ROW
from assets.common.validate import ValidationResult, move_to_quarantine

_ORD = "__ord"


def _with_ord(table: pa.Table) -> pa.Table:
    return table.drop_columns([SOURCE_FILE, SOURCE_ROW]).append_column(
        _ORD, pa.array(np.arange(table.num_rows, dtype=np.int64))
    )


def _verdicts(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[pa.Array, pa.Array]:
    """Run a query returning one (ord, reason) per input row, in order; reason NULL = keep."""
    result = con.execute(sql).to_arrow_table()
    reasons = result.column("reason").combine_chunks()
    return reasons.is_valid(), reasons


def apply_ledger_balance(
    postings: ValidationResult,
    transactions: ValidationResult,
    postings_contract: Contract,
    transactions_contract: Contract,
) -> tuple[ValidationResult, ValidationResult]:
    """Quarantine every posting and the header of each transaction whose debits and credits differ
    in some currency (rule `balanced`), judged on the postings accepted so far."""
    con = connect()
    try:
        con.register("p", _with_ord(postings.accepted))
        con.register("t", _with_ord(transactions.accepted))
        con.execute(
            """
            create temp table unbalanced as
            with sums as (
                select txn_id, currency,
                       sum(case when direction = 'D' then amount else 0 end) as debits,
                       sum(case when direction = 'C' then amount else 0 end) as credits
                from p group by txn_id, currency
            )
            select txn_id,
                   'transaction ' || txn_id || ' does not balance (' ||
                   string_agg(currency || ' debits ' || cast(debits as varchar) || ' vs credits ' ||
                              cast(credits as varchar), ', ' order by currency) ||
                   '); all its postings and its header are quarantined' as reason
            from sums where debits <> credits group by txn_id
            """
        )
        verdict = "select x.__ord, u.reason from {} x left join unbalanced u using (txn_id) order by x.__ord"
        p_mask, p_reasons = _verdicts(con, verdict.format("p"))
        t_mask, t_reasons = _verdicts(con, verdict.format("t"))
    finally:
        con.close()
    return (
        move_to_quarantine(postings, postings_contract, p_mask, "balanced", p_reasons),
        move_to_quarantine(transactions, transactions_contract, t_mask, "balanced", t_reasons),
    )


def apply_statement_balance(
    statements: ValidationResult,
    lines: ValidationResult,
    statements_contract: Contract,
    lines_contract: Contract,
) -> tuple[ValidationResult, ValidationResult]:
    """Quarantine a statement whose opening balance plus its accepted lines is not its closing
    balance (or whose line count is not entry_count), with all its lines (rule `balance_proof`);
    lines whose statement was not accepted go with it."""
    con = connect()
    try:
        con.register("s", _with_ord(statements.accepted))
        con.register("l", _with_ord(lines.accepted))
        con.execute(
            """
            create temp table broken as
            with sums as (
                select statement_id, sum(amount) as total, count(*) as n from l group by statement_id
            ), proof as (
                select s.statement_id, s.opening_balance, s.closing_balance, s.entry_count,
                       coalesce(sums.total, 0) as total, coalesce(sums.n, 0) as n
                from s left join sums using (statement_id)
            )
            select statement_id,
                   'statement ' || statement_id || ' does not add up: ' || concat_ws('; ',
                       case when opening_balance + total <> closing_balance then
                           'opening ' || cast(opening_balance as varchar) ||
                           ' + lines ' || cast(total as varchar) ||
                           ' = ' || cast(opening_balance + total as varchar) ||
                           ', but closing is ' || cast(closing_balance as varchar) end,
                       case when n <> entry_count then
                           cast(n as varchar) || ' lines accepted but entry_count is ' ||
                           cast(entry_count as varchar)
                       end) || '; the statement and all its lines are quarantined' as reason
            from proof
            where opening_balance + total <> closing_balance or n <> entry_count
            """
        )
        s_mask, s_reasons = _verdicts(
            con, "select s.__ord, b.reason from s left join broken b using (statement_id) order by s.__ord"
        )
        l_mask, l_reasons = _verdicts(
            con,
            """
            select l.__ord,
                   case when b.reason is not null then b.reason
                        when s.statement_id is null then
                            'statement ' || l.statement_id || ' of this line was not accepted, '
                            || 'so the line cannot be proven against its balances'
                   end as reason
            from l
            left join broken b using (statement_id)
            left join (select distinct statement_id from s) s using (statement_id)
            order by l.__ord
            """,
        )
    finally:
        con.close()
    return (
        move_to_quarantine(statements, statements_contract, s_mask, "balance_proof", s_reasons),
        move_to_quarantine(lines, lines_contract, l_mask, "balance_proof", l_reasons),
    )
