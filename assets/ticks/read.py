"""Tick files in a vendor layout, reshaped into the contract's columns (still strings) under a profile."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from assets.common.lineage import SOURCE_FILE, SOURCE_ROW
from assets.common.validation_sql import LocalTimestamp
from assets.ticks.profiles import FileLayout, TickProfile


def unscale_prices(values: pa.ChunkedArray | pa.Array, scale: int) -> pa.ChunkedArray | pa.Array:
    """Integer prices in units of 10^-scale as decimal strings ("123456", 4 -> "12.3456"), exactly."""
    if scale == 0:
        return values
    text = pc.utf8_trim_whitespace(values)
    negative = pc.starts_with(text, "-")
    digits = pc.utf8_lpad(pc.if_else(negative, pc.utf8_slice_codeunits(text, 1), text), scale + 1, "0")
    joined = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(digits, 0, -scale), pc.utf8_slice_codeunits(digits, -scale), "."
    )
    return pc.if_else(negative, pc.binary_join_element_wise("-", joined, ""), joined)


def to_contract_layout(table: pa.Table, layout: FileLayout, profile: TickProfile) -> pa.Table:
    """Rename vendor columns to contract columns and apply the price scale.

    A derived date column is handed the local time text itself; the validator reads it as the
    exchange-local date of that time, in the same pass that converts the time to UTC.
    """
    columns = {contract: table.column(vendor) for vendor, contract in layout.columns.items()}
    for name in layout.price_columns:
        columns[name] = unscale_prices(columns[name], profile.price_scale)
    for date_column, time_column in layout.derived_dates.items():
        columns[date_column] = columns[time_column]
    columns[SOURCE_FILE] = table.column(SOURCE_FILE)
    columns[SOURCE_ROW] = table.column(SOURCE_ROW)
    return pa.table(columns)


def local_timestamps(layout: FileLayout, profile: TickProfile) -> dict[str, LocalTimestamp]:
    """How the validator reads this layout's exchange-local times and the dates derived from them."""
    local = LocalTimestamp(profile.timezone, profile.timestamp_format)
    return {name: local for name in (*layout.local_time_columns, *layout.derived_dates)}
