"""Ingest one business date of bank statement files: statements and their lines, proven to add up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa

from assets.common.balance_rules import apply_statement_balance
from assets.common.contracts import Contract, load_contract
from assets.common.ingest import DayIngest, IngestReport
from assets.common.lineage import SOURCE_FILE, SOURCE_ROW
from assets.common.paths import LakePaths
from assets.common.validate import validate_batch

SOURCE = "bank_statements"
LANDING_FOLDER = "bank"
STATEMENTS = "bank_statements"
LINES = "bank_statement_lines"

ParserApi = tuple[Callable[[Path], Any], type[Exception]]


def statement_parser() -> ParserApi:
    """The statement-file parser and the error it raises for a file it cannot read.

    Imported on first use, here and only here, so ingest does not load XML tooling at import time.
    """
    from assets.bank_statements.model import StatementFileError
    from assets.bank_statements.parse_statement_file import parse_statement_file

    return parse_statement_file, StatementFileError


def as_text(value: Any) -> str | None:
    """A parsed value as the text the contract validator reads (exact for Decimal, ISO for dates)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def rows_to_table(rows: list[dict[str, Any]], contract: Contract, source_file: str) -> pa.Table:
    """Parser dicts as a raw batch: contract columns as text, any extra keys kept for the raw record."""
    names = list(contract.column_names)
    names += sorted({k for row in rows for k in row if k not in names and not k.startswith("_")})
    columns = {name: pa.array([as_text(row.get(name)) for row in rows], pa.string()) for name in names}
    columns[SOURCE_FILE] = pa.array([source_file] * len(rows), pa.string())
    columns[SOURCE_ROW] = pa.array([row.get(SOURCE_ROW) or i for i, row in enumerate(rows, 1)], pa.int64())
    return pa.table(columns)


def _landing_files(folder: Path) -> Iterable[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def ingest_bank_statements_day(
    paths: LakePaths,
    business_date: str,
    *,
    batch_id: str | None = None,
    parser: ParserApi | None = None,
) -> IngestReport:
    """Parse every file in landing/bank/<date>/, validate statements and lines, prove each
    statement's balances, and write bronze and quarantine.

    A file the parser rejects is listed as unreadable, copied to quarantine/_files/ with its
    reason, and does not stop the other files.
    """
    parse, file_error = parser or statement_parser()
    day = DayIngest(paths, SOURCE, business_date, batch_id)
    statements_contract, lines_contract = load_contract(SOURCE, STATEMENTS), load_contract(SOURCE, LINES)
    folder = paths.landing / LANDING_FOLDER / business_date
    statement_batches, line_batches, files = [], [], []
    for path in _landing_files(folder):
        rel = day.register_file(path)
        try:
            parsed = parse(path)
        except file_error as exc:
            day.unreadable(path, f"{rel}: {exc}" if path.name not in str(exc) else str(exc))
            continue
        files.append(rel)
        day.report.notes.extend(f"{rel}: {note}" for note in parsed.notes)
        statement_batches.append(rows_to_table(parsed.statements, statements_contract, rel))
        line_batches.append(rows_to_table(parsed.lines, lines_contract, rel))
    if not files and not day.report.unreadable_files:
        day.note(
            f"No statement files under {day.rel(folder)}; bank tables are written empty for {business_date}."
        )

    statements_raw = _concat(statement_batches, statements_contract)
    lines_raw = _concat(line_batches, lines_contract)
    statements = validate_batch(statements_raw, statements_contract, business_date)
    lines = validate_batch(lines_raw, lines_contract, business_date)
    statements, lines = apply_statement_balance(statements, lines, statements_contract, lines_contract)
    day.publish(statements_contract, statements, files, statements_raw.num_rows)
    day.publish(lines_contract, lines, files, lines_raw.num_rows)
    return day.finish()


def _concat(batches: list[pa.Table], contract: Contract) -> pa.Table:
    if not batches:
        return rows_to_table([], contract, "")
    return pa.concat_tables(batches, promote_options="permissive")
