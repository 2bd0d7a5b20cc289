"""Ingest one business date of the platform tables, with the ledger balance rule.

The rows come from the daily export files by default, or straight from the platform's PostgreSQL
database when one is configured; validation, the balance rule, PII tokenization and writing are
the same for both.
"""

from __future__ import annotations

from assets.common.balance_rules import apply_ledger_balance
from assets.common.contracts import contracts_for
from assets.common.ingest import DayIngest, IngestReport
from assets.common.landing_csv import LoadedTable, load_csv_table
from assets.common.paths import LakePaths
from assets.platform.postgres_source import (
    advance_watermarks,
    configured_database_uri,
    load_database_tables,
    read_platform_day,
)

SOURCE = "platform"


def ingest_platform_day(
    paths: LakePaths,
    business_date: str,
    *,
    batch_id: str | None = None,
    database_uri: str | None = None,
) -> IngestReport:
    """Read every platform table for the date, validate, and write.

    Source: the PostgreSQL database at `database_uri`, or at MARGINLAKE_PLATFORM_DB_URI when the
    argument is None; with neither, landing/platform/<date>/<table>.csv. Exports carry the
    contract's columns as text (empty = null); narratives may span lines inside quotes. The
    database is read in one snapshot and everything is read before anything is written, so an
    unreachable database fails the run and leaves bronze as it was; its rows carry
    `postgresql:platform.<table>` in _source_file and their position in the day ordered by
    (recorded_at, key) in _source_row, and each table's watermark advances afterwards. Ledger
    postings and headers are written only after the balance rule: a transaction whose debits and
    credits differ in any currency is quarantined whole.
    """
    uri = configured_database_uri() if database_uri is None else database_uri
    snapshot = read_platform_day(uri, business_date) if uri else None
    day = DayIngest(paths, SOURCE, business_date, batch_id)
    if snapshot is not None:
        loaded = load_database_tables(day, snapshot)
    else:
        folder = paths.landing_day(SOURCE, business_date)
        loaded = {
            contract.table: load_csv_table(
                day, contract, folder / f"{contract.table}.csv", newlines_in_values=True
            )
            for contract in contracts_for(SOURCE)
        }
    postings, headers = loaded["ledger_postings"], loaded["ledger_transactions"]
    posting_result, header_result = apply_ledger_balance(
        postings.result, headers.result, postings.contract, headers.contract
    )
    loaded["ledger_postings"] = LoadedTable(
        postings.contract, posting_result, postings.files, postings.rows_in
    )
    loaded["ledger_transactions"] = LoadedTable(
        headers.contract, header_result, headers.files, headers.rows_in
    )
    for table in loaded.values():
        table.publish(day)
    report = day.finish()
    if snapshot is not None:
        advance_watermarks(paths, snapshot, report.batch_id)
    return report
