"""Ingest one business date of the platform's daily exports, with the ledger balance rule."""

from __future__ import annotations

from assets.common.balance_rules import apply_ledger_balance
from assets.common.contracts import contracts_for
from assets.common.ingest import DayIngest, IngestReport
from assets.common.landing_csv import LoadedTable, load_csv_table
from assets.common.paths import LakePaths

SOURCE = "platform"


def ingest_platform_day(paths: LakePaths, business_date: str, *, batch_id: str | None = None) -> IngestReport:
    """Read landing/platform/<date>/<table>.csv for every platform table, validate, and write.

    Exports carry the contract's columns as text (empty = null); narratives may span lines inside
    quotes. Ledger postings and headers are written only after the balance rule: a transaction
    whose debits and credits differ in any currency is quarantined whole.
    """
    day = DayIngest(paths, SOURCE, business_date, batch_id)
    folder = paths.landing_day(SOURCE, business_date)
    loaded: dict[str, LoadedTable] = {
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
    return day.finish()
