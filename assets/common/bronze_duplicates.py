"""Duplicate keys against what bronze already holds, for fact tables.

Row validation judges keys within a batch; this rule judges them against every other business
date in bronze. A fact (a trade, a fill, a posting) happens once, so a key that bronze already
holds under another date is a re-delivery and goes to quarantine, naming the date that holds it.
Reference tables (contract customProperty tableKind: reference) are exempt: a client or an account
is exported again, under its key, whenever it changes.

A fact table whose keys cannot recur beyond a window (customProperty duplicateWindowDays: a vendor's
trade ids carry the trade date, and prints later than the late-print window are refused anyway) is
compared with the business dates within that many days either side only, so the check reads a
bounded slice of bronze however long the history grows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from assets.common.bronze_writer import DATA_FILE, bronze_file
from assets.common.contracts import Contract
from assets.common.duck import connect
from assets.common.paths import LakePaths
from assets.common.pii import tokenize_columns
from assets.common.validate import ValidationResult, move_to_quarantine

DUPLICATE_IN_BRONZE = "duplicate_in_bronze"


def _key_holds_the_date(contract: Contract) -> bool:
    """A key that includes a date-typed business-date column cannot recur in another partition."""
    column = contract.business_date_column
    return column in contract.primary_key and contract.column(column).kind == "date"


def _within_window(data_file: Path, business_date: str, window_days: int | None) -> bool:
    """Whether a bronze partition's date is within `window_days` of `business_date` (None: always)."""
    if window_days is None:
        return True
    partition_date = dt.date.fromisoformat(data_file.parent.name.removeprefix("business_date="))
    return abs((partition_date - dt.date.fromisoformat(business_date)).days) <= window_days


def _shown_key(contract: Contract, values: dict[str, Any]) -> str:
    return ", ".join(
        f"{k} (PII value withheld)" if contract.column(k).pii else f"{k} '{values[k]}'"
        for k in contract.primary_key
    )


def bronze_duplicates(
    paths: LakePaths, contract: Contract, business_date: str, accepted: pa.Table
) -> tuple[pa.Array, pa.Array] | None:
    """Flag accepted rows whose key bronze already holds under another business date.

    Returns (mask, reasons) aligned with `accepted`, or None when nothing can repeat: a reference
    table, a table without a key, or a key that includes the business date itself.
    """
    key = list(contract.primary_key)
    if not contract.is_fact or not key or accepted.num_rows == 0 or _key_holds_the_date(contract):
        return None
    own = bronze_file(paths, contract, business_date).parent.name
    others = [
        p.as_posix()
        for p in sorted(
            (paths.bronze / contract.source / contract.table).glob(f"business_date=*/{DATA_FILE}")
        )
        if p.parent.name != own and _within_window(p, business_date, contract.duplicate_window_days)
    ]
    if not others:
        return None
    pii_keys = tuple(k for k in key if contract.column(k).pii)
    keys = tokenize_columns(accepted.select(key), pii_keys)  # bronze holds tokens, not raw values
    keys = keys.append_column("__ord", pa.array(np.arange(keys.num_rows, dtype=np.int64)))
    files = ", ".join("'" + f.replace("'", "''") + "'" for f in others)
    on = " and ".join(f'b."{k}" = h."{k}"' for k in key)
    con = connect()
    try:
        con.register("batch_keys", keys)
        found = con.execute(
            f"""
            select b.__ord, min(cast(h.business_date as varchar)) as first_date
            from batch_keys b
            join read_parquet([{files}], hive_partitioning = true, union_by_name = true) h on {on}
            group by b.__ord
            """
        ).fetchall()
    finally:
        con.close()
    if not found:
        return None
    ords = [row[0] for row in found]
    shown = keys.take(pa.array(ords, pa.int64())).to_pylist()
    reasons: list[str | None] = [None] * accepted.num_rows
    for (ord_, first_date), values in zip(found, shown, strict=True):
        where = f"duplicate of a row already in bronze (business_date={first_date})"
        reasons[ord_] = f"{where}: {_shown_key(contract, values)}"
    mask = pa.array([r is not None for r in reasons], pa.bool_())
    return mask, pa.array(reasons, pa.string())


def quarantine_bronze_duplicates(
    paths: LakePaths, contract: Contract, business_date: str, result: ValidationResult
) -> ValidationResult:
    """Move fact rows whose key bronze holds under another business date to quarantine."""
    verdict = bronze_duplicates(paths, contract, business_date, result.accepted)
    if verdict is None:
        return result
    return move_to_quarantine(result, contract, verdict[0], DUPLICATE_IN_BRONZE, verdict[1])
