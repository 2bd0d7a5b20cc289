"""Row-level validation of a raw batch against its contract, in one vectorized DuckDB pass.

Input is an Arrow table whose columns are the contract's (as strings, as read from CSV; typed
values from a parser are turned into strings first, so every source is judged by the same rules)
plus `_source_file` and `_source_row`. Every row comes out exactly once: typed in `accepted`, or in
`quarantined` with every rule it broke, so rows_in = accepted + quarantined always holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from assets.common.contracts import Contract
from assets.common.duck import connect
from assets.common.lineage import LINEAGE_FIELDS, SOURCE_FILE, SOURCE_ROW
from assets.common.pii import tokenize_columns
from assets.common.validation_sql import ORD, LocalTimestamp, ValidationQuery

QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("table", pa.string(), nullable=False),
        pa.field("rule", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("raw_record", pa.string()),
        *LINEAGE_FIELDS,
    ]
)


@dataclass(frozen=True)
class ValidationResult:
    """Accepted rows (typed per contract, plus _source_file and _source_row) and quarantined rows."""

    accepted: pa.Table
    quarantined: pa.Table

    @property
    def rows_in(self) -> int:
        return self.accepted.num_rows + self.quarantined.num_rows


def accepted_schema(contract: Contract) -> pa.Schema:
    """The contract's typed columns followed by the row's origin."""
    schema = contract.arrow_schema()
    return pa.schema([*schema, *LINEAGE_FIELDS], metadata=schema.metadata)


def empty_result(contract: Contract) -> ValidationResult:
    return ValidationResult(accepted_schema(contract).empty_table(), QUARANTINE_SCHEMA.empty_table())


def _as_strings(raw: pa.Table, contract: Contract) -> pa.Table:
    """Contract columns as strings (missing ones as nulls), extra columns kept for the raw record."""
    columns, names = [], []
    for name in contract.column_names:
        if name in raw.column_names:
            col = raw.column(name)
            if not pa.types.is_string(col.type):
                col = pc.cast(col, pa.string())
        else:
            col = pa.nulls(raw.num_rows, pa.string())
        columns.append(col)
        names.append(name)
    for name in raw.column_names:
        if name not in names:
            columns.append(raw.column(name))
            names.append(name)
    table = pa.table(columns, names=names)
    return table.append_column(ORD, pa.array(np.arange(raw.num_rows, dtype=np.int64)))


def _dedupe_codes(codes: pa.Array) -> pa.Array:
    return pa.array([",".join(dict.fromkeys(c.split(","))) for c in codes.to_pylist()], pa.string())


def raw_records(raw: pa.Table, pii_columns: tuple[str, ...]) -> pa.Array:
    """One JSON object per row with the values as received; PII values replaced by their tokens."""
    table = tokenize_columns(raw, pii_columns)
    if table.num_rows == 0:
        return pa.array([], pa.string())
    con = connect()
    try:
        con.register("raw_rows", table)
        return con.execute("select to_json(r) from raw_rows r").to_arrow_table().column(0).combine_chunks()
    finally:
        con.close()


def quarantine_table(
    contract: Contract,
    rules: pa.Array | list[str],
    reasons: pa.Array | list[str],
    raw: pa.Table,
    source_files: pa.Array | list[str],
    source_rows: pa.Array | list[int],
) -> pa.Table:
    """Quarantine rows in the common layout, the raw record built from `raw` (one row per entry)."""
    n = len(reasons)
    return pa.table(
        {
            "source": pa.array([contract.source] * n, pa.string()),
            "table": pa.array([contract.table] * n, pa.string()),
            "rule": pa.array(rules, pa.string()),
            "reason": pa.array(reasons, pa.string()),
            "raw_record": raw_records(raw, contract.pii_columns),
            SOURCE_FILE: pa.array(source_files, pa.string()),
            SOURCE_ROW: pa.array(source_rows, pa.int64()),
        },
        schema=QUARANTINE_SCHEMA,
    )


def validate_batch(
    raw: pa.Table,
    contract: Contract,
    business_date: str | dt.date,
    *,
    earliest_date: str | dt.date | None = None,
    local_timestamps: Mapping[str, LocalTimestamp] | None = None,
) -> ValidationResult:
    """Split a raw batch into typed accepted rows and quarantined rows with their reasons.

    The business-date column must fall on `business_date` (exchange-local date for timestamps),
    or within [earliest_date, business_date] when a source delivers several calendar days in one
    business day. Duplicate keys are judged among rows that pass every other rule, so a broken row
    never displaces a good one: the first good row by position is kept, later ones quarantined.
    """
    for name in (SOURCE_FILE, SOURCE_ROW):
        if name not in raw.column_names:
            raise ValueError(f"A raw batch for {contract.key} must carry {name}; use with_lineage().")
    last = dt.date.fromisoformat(str(business_date))
    first = dt.date.fromisoformat(str(earliest_date)) if earliest_date is not None else last
    if raw.num_rows == 0:
        return empty_result(contract)
    batch = _as_strings(raw, contract)
    sql = ValidationQuery(contract, first, last, local_timestamps or {}).query()
    con = connect()
    try:
        con.register("batch", batch.select([ORD, SOURCE_FILE, SOURCE_ROW, *contract.column_names]))
        checked = con.execute(sql).to_arrow_table()
    finally:
        con.close()

    reason = checked.column("__reason")
    good = pc.equal(reason, "")
    accepted = checked.filter(good).select([*contract.column_names, SOURCE_FILE, SOURCE_ROW])
    accepted = accepted.cast(accepted_schema(contract))
    bad = checked.filter(pc.invert(good))
    raw_bad = batch.take(bad.column(ORD)).drop_columns([ORD, SOURCE_FILE, SOURCE_ROW])
    quarantined = quarantine_table(
        contract,
        _dedupe_codes(bad.column("__rule").combine_chunks()),
        bad.column("__reason"),
        raw_bad,
        bad.column(SOURCE_FILE),
        bad.column(SOURCE_ROW),
    )
    return ValidationResult(accepted, quarantined)


def move_to_quarantine(
    result: ValidationResult,
    contract: Contract,
    mask: pa.Array,
    rule: str,
    reasons: pa.Array,
) -> ValidationResult:
    """Move accepted rows flagged by `mask` to quarantine: a cross-row rule's verdict.

    `reasons` is aligned with `mask` (one per accepted row; only flagged rows' reasons are used).
    """
    mask = pc.fill_null(mask, False)
    if not pc.any(mask).as_py():
        return result
    moved = result.accepted.filter(mask)
    moved_reasons = pc.filter(reasons, mask)
    raw = moved.drop_columns([SOURCE_FILE, SOURCE_ROW])
    raw = pa.table([pc.cast(c, pa.string()) for c in raw.columns], names=raw.column_names)
    extra = quarantine_table(
        contract,
        [rule] * moved.num_rows,
        moved_reasons,
        raw,
        moved.column(SOURCE_FILE),
        moved.column(SOURCE_ROW),
    )
    return ValidationResult(
        result.accepted.filter(pc.invert(mask)),
        pa.concat_tables([result.quarantined, extra]),
    )
