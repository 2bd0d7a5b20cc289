"""Late prints: rows delivered on business date D whose exchange-local trade date is an earlier D'.

A late print belongs in partition D', not D. The day-D ingest does not append to D' (an append
would be lost the next time D' is ingested from its own landing folder, and would mix two batches
in one partition, which the bronze checks reject). Instead it stages the validated late rows,
keyed by trade date and delivery date:

    bronze/ticks/_late_prints/<table>/business_date=<D'>/delivered_on=<D>.parquet

and the ingest of any partition D' reads its own landing files plus every staged file for D'. So a
partition is always a pure function of its inputs: re-running D or D', in any order and any number
of times, gives the same rows. After staging, the day-D ingest rebuilds D' (a full ingest of D',
one batch, one manifest) unless D' already reflects exactly the staged files: the D' manifest
records each staged file's SHA-256 among the files it read. The staging folder sits beside the
table folders, so readers of bronze/<source>/<table>/ never see it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from assets.common.bronze_writer import write_parquet_atomic
from assets.common.calendar import previous_trading_day
from assets.common.ingest import file_sha256, read_manifest, relative_to_home
from assets.common.paths import LakePaths

SOURCE = "ticks"
LATE_DIR = "_late_prints"
# Late prints are accepted for this many trading days before the business date that delivers them.
LATE_WINDOW_TRADING_DAYS = 5


def window_start(business_date: str) -> dt.date:
    """The earliest trade date a delivery of `business_date` may carry."""
    day = dt.date.fromisoformat(business_date)
    for _ in range(LATE_WINDOW_TRADING_DAYS):
        earlier = previous_trading_day(day)
        if earlier is None:
            break
        day = earlier
    return day


def staging_folder(paths: LakePaths, table: str, trade_date: str) -> Path:
    return paths.bronze / SOURCE / LATE_DIR / table / f"business_date={trade_date}"


def staged_file(paths: LakePaths, table: str, trade_date: str, delivered_on: str) -> Path:
    return staging_folder(paths, table, trade_date) / f"delivered_on={delivered_on}.parquet"


def staged_inputs(paths: LakePaths, table: str, trade_date: str) -> list[Path]:
    """Staged late rows for a partition, oldest delivery first."""
    folder = staging_folder(paths, table, trade_date)
    return sorted(folder.glob("delivered_on=*.parquet")) if folder.is_dir() else []


def _trade_date_of(path: Path) -> str:
    return path.parent.name.removeprefix("business_date=")


def stage(paths: LakePaths, table: str, delivered_on: str, late: Mapping[str, pa.Table]) -> list[str]:
    """Write this delivery's late rows per trade date and drop its files for dates it no longer feeds.

    A file whose rows are unchanged is left as it is. Returns every trade date this delivery feeds
    now or fed before, oldest first: the partitions whose inputs may have changed.
    """
    root = paths.bronze / SOURCE / LATE_DIR / table
    before = (
        sorted(root.glob(f"business_date=*/delivered_on={delivered_on}.parquet")) if root.is_dir() else []
    )
    touched = {_trade_date_of(p) for p in before}
    for trade_date, rows in late.items():
        path = staged_file(paths, table, trade_date, delivered_on)
        touched.add(trade_date)
        if path.is_file() and pq.read_table(path).equals(rows):
            continue
        write_parquet_atomic(rows, path)
    for path in before:
        if _trade_date_of(path) not in late:
            path.unlink(missing_ok=True)
    return sorted(touched)


def is_current(paths: LakePaths, table: str, trade_date: str) -> bool:
    """Whether partition `trade_date` was built from exactly the staged files there are now."""
    manifest = read_manifest(paths, SOURCE, trade_date)
    if manifest is None:
        return False
    prefix = relative_to_home(paths, staging_folder(paths, table, trade_date)) + "/"
    recorded = {k: v for k, v in manifest.file_sha256.items() if k.startswith(prefix)}
    present = {relative_to_home(paths, p): file_sha256(p) for p in staged_inputs(paths, table, trade_date)}
    return recorded == present
