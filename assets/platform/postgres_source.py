"""The platform tables read straight from PostgreSQL, as the same raw rows the export files carry.

A business date's rows are those whose `recorded_at` falls on that date in exchange-local time
(Asia/Shanghai), exactly what the daily export of that date holds. They are read with ADBC, all
tables in one read-only snapshot, streamed batch by batch, and turned into the export's text:
numerics from PostgreSQL's own text (never through float), timestamps as
`2026-03-02T01:31:05.123456Z`, dates `YYYY-MM-DD`, booleans `true`/`false`, null for NULL. From
there both paths share validation, the ledger balance rule, PII tokenization and the bronze
writer, so they produce identical bronze.

Lineage: a database row has no file, so `_source_file` holds the table as
`postgresql:<schema>.<table>` and `_source_row` the row's 1-based position in that day's read,
ordered by (recorded_at, key), the order the exports are written in too.

Incremental reads: each table has a watermark, the (recorded_at, key) of the last row ingested,
stored next to bronze in `bronze/platform/_watermarks/<table>.json`. `new_business_dates` lists
the dates that have rows beyond it, so a sensor runs only days with new rows. A run always
re-reads its whole day and replaces the partition, which is what makes re-runs idempotent; the
watermark only decides which days are worth running. Because `recorded_at` is set when a row is
written but the row becomes visible only when its transaction commits, rows younger than a safety
lag are never counted as read: the watermark stops short of them and their day is listed again
once they have aged, when any row that committed late is visible too.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from assets.common.bronze_writer import write_text_atomic
from assets.common.calendar import EXCHANGE_TZ
from assets.common.contracts import Contract, contracts_for
from assets.common.ingest import DayIngest
from assets.common.landing_csv import LoadedTable
from assets.common.lineage import LINEAGE_FIELDS
from assets.common.paths import LakePaths
from assets.common.validate import validate_batch
from assets.platform.postgres_connection import (
    PlatformDatabaseError,
    connect,
    database_error,
    describe_uri,
    quote_identifier,
)
from assets.platform.postgres_schema import DEFAULT_SCHEMA, SOURCE, qualified_name

PLATFORM_DB_URI_ENV = "MARGINLAKE_PLATFORM_DB_URI"
DEFAULT_SAFETY_LAG = dt.timedelta(minutes=5)
WATERMARKS_DIR = "_watermarks"
EXPORT_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # %S carries the microseconds of a timestamp[us]
_FLOAT_TYPES = frozenset({"real", "double precision", "money"})
_TIMESTAMPTZ = "timestamp with time zone"


def configured_database_uri() -> str:
    """The platform database URI from MARGINLAKE_PLATFORM_DB_URI; empty means "use the export files"."""
    return os.environ.get(PLATFORM_DB_URI_ENV, "").strip()


def source_name(contract: Contract, schema: str = DEFAULT_SCHEMA) -> str:
    """What a database row carries in `_source_file`: `postgresql:<schema>.<table>`."""
    return f"postgresql:{schema}.{contract.table}"


def day_window(business_date: str | dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) in UTC of a business date's exchange-local (Asia/Shanghai) calendar day."""
    day = dt.date.fromisoformat(str(business_date))
    start = dt.datetime.combine(day, dt.time(), tzinfo=EXCHANGE_TZ)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=EXCHANGE_TZ)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _format_utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _uuid_text(values: pa.Array) -> pa.Array:
    return pa.array(
        [None if v is None else str(uuid.UUID(bytes=v)) for v in values.storage.to_pylist()], pa.string()
    )


def export_text(values: pa.Array | pa.ChunkedArray, where: str) -> pa.Array | pa.ChunkedArray:
    """One column as the export files write it, from the Arrow type ADBC delivers.

    numeric arrives as `arrow.opaque[numeric]` whose storage is PostgreSQL's exact text (`'NaN'`
    stays text and is judged by the contract); timestamptz as timestamp[us, UTC]; everything else
    through Arrow's own text rendering, which matches the exports for dates, integers and booleans.
    """
    kind = values.type
    if isinstance(kind, pa.ExtensionType):
        if kind.extension_name == "arrow.uuid":
            chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
            return pa.chunked_array([_uuid_text(c) for c in chunks], pa.string())
        values = (
            values.storage
            if isinstance(values, pa.Array)
            else pa.chunked_array([c.storage for c in values.chunks], kind.storage_type)
        )
        kind = values.type
    if pa.types.is_string(kind):
        return values
    if pa.types.is_timestamp(kind):
        if kind.tz is None:
            raise PlatformDatabaseError(f"{where} is a timestamp without time zone; the contract needs UTC.")
        return pc.strftime(pc.cast(values, pa.timestamp("us", tz="UTC")), format=EXPORT_TIMESTAMP_FORMAT)
    if pa.types.is_floating(kind):
        raise PlatformDatabaseError(f"{where} is a floating-point column; amounts must be exact numeric.")
    return pc.cast(values, pa.string())


def as_export_strings(batch: pa.RecordBatch | pa.Table, contract: Contract, where: str = "") -> pa.Table:
    """The contract's columns as export text, in contract order (a missing column is all null)."""
    columns = []
    for name in contract.column_names:
        if name in batch.schema.names:
            columns.append(export_text(batch.column(name), f"{where or contract.key} column {name}"))
        else:
            columns.append(pa.nulls(batch.num_rows, pa.string()))
    return pa.Table.from_arrays(columns, names=contract.column_names)


# -- watermarks -----------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Watermark:
    """The (recorded_at, key) of the last row of a table counted as ingested; ordered like the reads.

    Keys compare as text in byte order, as PostgreSQL's COLLATE "C" does, so Python and SQL agree
    on which side of the watermark a row falls.
    """

    recorded_at: dt.datetime
    key: tuple[str, ...]
    table: str = field(default="", compare=False)
    database: str = field(default="", compare=False)
    business_date: str = field(default="", compare=False)
    batch_id: str = field(default="", compare=False)

    def to_json(self, key_names: tuple[str, ...]) -> str:
        return json.dumps(
            {
                "table": self.table,
                "database": self.database,
                "recorded_at": _format_utc(self.recorded_at),
                "key": dict(zip(key_names, self.key, strict=True)),
                "business_date": self.business_date,
                "batch_id": self.batch_id,
                "updated_at": _format_utc(dt.datetime.now(dt.UTC)),
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> Watermark:
        doc = json.loads(text)
        return cls(
            recorded_at=dt.datetime.fromisoformat(doc["recorded_at"]),
            key=tuple(str(v) for v in doc["key"].values()),
            table=doc.get("table", ""),
            database=doc.get("database", ""),
            business_date=doc.get("business_date", ""),
            batch_id=doc.get("batch_id", ""),
        )


def watermark_path(paths: LakePaths, table: str) -> Path:
    """bronze/platform/_watermarks/<table>.json."""
    return paths.bronze / SOURCE / WATERMARKS_DIR / f"{table}.json"


def read_watermark(paths: LakePaths, table: str) -> Watermark | None:
    """The table's stored watermark, or None before its first database ingest."""
    path = watermark_path(paths, table)
    if not path.is_file():
        return None
    try:
        return Watermark.from_json(path.read_text(encoding="utf-8"))
    except (ValueError, KeyError, TypeError) as exc:
        raise PlatformDatabaseError(
            f"Watermark file {path} is unreadable ({exc}); delete it to re-list all days."
        ) from None


def _database_id(uri: str, schema: str) -> str:
    """Which database and schema a watermark belongs to (no user or password)."""
    return f"{describe_uri(uri).split('@', 1)[-1]}#{schema}"


# -- reading a day --------------------------------------------------------------------------------


@dataclass
class TableRead:
    """One table's rows for the day as export text with lineage, and the last row older than the lag."""

    contract: Contract
    raw: pa.Table
    last_settled: Watermark | None


@dataclass
class DatabaseDay:
    """Every platform table's rows of one business date, read in one snapshot."""

    uri: str
    schema: str
    business_date: str
    horizon: dt.datetime
    tables: dict[str, TableRead]

    @property
    def database(self) -> str:
        return _database_id(self.uri, self.schema)


def _order_by(contract: Contract) -> str:
    return ", ".join(
        [
            quote_identifier(contract.business_date_column),
            *(_key_sql(contract, k) for k in contract.primary_key),
        ]
    )


def _key_sql(contract: Contract, name: str) -> str:
    """A key column in the read order: text in byte order; other types as their text."""
    quoted = quote_identifier(name)
    if contract.column(name).kind == "varchar":
        return f'{quoted} COLLATE "C"'
    return f'CAST({quoted} AS text) COLLATE "C"'


def check_tables(cur: Any, uri: str, schema: str, contracts: Iterable[Contract]) -> None:
    """Every contract table and column exists with a type that converts exactly; else one error
    listing every problem, so a schema drift is fixed in one go."""
    cur.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = $1",
        parameters=(schema,),
    )
    found: dict[str, dict[str, str]] = {}
    for table, column, data_type in cur.fetchall():
        found.setdefault(table, {})[column] = data_type
    problems = []
    for contract in contracts:
        columns = found.get(contract.table)
        if columns is None:
            problems.append(f"table {schema}.{contract.table} does not exist")
            continue
        missing = [c for c in contract.column_names if c not in columns]
        if missing:
            problems.append(f"{schema}.{contract.table} lacks column(s) {', '.join(missing)}")
        for col in contract.columns:
            actual = columns.get(col.name)
            if actual is None:
                continue
            if col.kind == "decimal" and actual in _FLOAT_TYPES:
                problems.append(f"{schema}.{contract.table}.{col.name} is {actual}; money must be numeric")
            if col.kind == "timestamp" and actual != _TIMESTAMPTZ:
                problems.append(
                    f"{schema}.{contract.table}.{col.name} is {actual}; the contract needs timestamptz"
                )
    if problems:
        raise PlatformDatabaseError(
            f"The platform database at {describe_uri(uri)} does not match the contracts in "
            f"data_contracts/{SOURCE}/: " + "; ".join(problems) + "."
        )


def _settled_position(batch: pa.RecordBatch, contract: Contract, horizon: dt.datetime) -> Watermark | None:
    """The greatest (recorded_at, key) among the batch's rows recorded at or before the horizon."""
    recorded = batch.column(contract.business_date_column)
    mask = pc.less_equal(recorded, pa.scalar(horizon, recorded.type))
    settled = batch.filter(pc.fill_null(mask, False))
    if settled.num_rows == 0:
        return None
    newest = pc.max(settled.column(contract.business_date_column))
    latest = settled.filter(pc.equal(settled.column(contract.business_date_column), newest))
    keys = zip(
        *(pc.cast(latest.column(k), pa.string()).to_pylist() for k in contract.primary_key), strict=True
    )
    return Watermark(newest.as_py(), max(tuple(k) for k in keys), table=contract.table)


def _read_table(
    cur: Any, contract: Contract, schema: str, business_date: str, horizon: dt.datetime
) -> TableRead:
    start, end = day_window(business_date)
    recorded = quote_identifier(contract.business_date_column)
    columns = ", ".join(quote_identifier(c) for c in contract.column_names)
    cur.execute(
        f"SELECT {columns} FROM {qualified_name(contract, schema)} "
        f"WHERE {recorded} >= $1 AND {recorded} < $2 ORDER BY {_order_by(contract)}",
        parameters=(start, end),
    )
    where = f"{schema}.{contract.table}"
    parts: list[pa.Table] = []
    last: Watermark | None = None
    for batch in cur.fetch_record_batch():
        parts.append(as_export_strings(batch, contract, where))
        position = _settled_position(batch, contract, horizon)
        last = position if last is None or (position is not None and position > last) else last
    raw = pa.concat_tables(parts) if parts else as_export_strings(pa.table({}), contract, where)
    n = raw.num_rows
    raw = raw.append_column(LINEAGE_FIELDS[0], pa.repeat(pa.scalar(source_name(contract, schema)), n))
    raw = raw.append_column(LINEAGE_FIELDS[1], pa.array(range(1, n + 1), pa.int64()))
    return TableRead(contract, raw, last)


def read_platform_day(
    uri: str,
    business_date: str,
    *,
    schema: str = DEFAULT_SCHEMA,
    safety_lag: dt.timedelta = DEFAULT_SAFETY_LAG,
) -> DatabaseDay:
    """Every platform table's rows recorded on `business_date` (exchange-local), in one read-only
    snapshot so a journal's header and postings are seen together.

    The horizon, the database clock at the snapshot minus `safety_lag`, marks which rows are old
    enough to count towards the watermark; all of the day's rows are read regardless.
    """
    import adbc_driver_manager

    contracts = contracts_for(SOURCE)
    tables: dict[str, TableRead] = {}
    with connect(uri, autocommit=True) as conn, conn.cursor() as cur:
        doing = f"reading {schema} for {business_date}"
        try:
            cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                cur.execute("SELECT clock_timestamp()")
                (now,) = cur.fetchone()
                horizon = now - safety_lag
                check_tables(cur, uri, schema, contracts)
                for contract in contracts:
                    doing = f"reading {schema}.{contract.table} for {business_date}"
                    tables[contract.table] = _read_table(cur, contract, schema, business_date, horizon)
            finally:
                cur.execute("ROLLBACK")
        except adbc_driver_manager.Error as exc:
            raise database_error(uri, doing, exc) from None
    return DatabaseDay(uri, schema, str(business_date), horizon, tables)


def load_database_tables(day: DayIngest, snapshot: DatabaseDay) -> dict[str, LoadedTable]:
    """Validate each table's rows of the snapshot exactly as export rows are validated."""
    start, end = day_window(snapshot.business_date)
    day.note(
        f"{SOURCE} read from PostgreSQL at {describe_uri(snapshot.uri)} (schema {snapshot.schema}): rows "
        f"recorded in [{_format_utc(start)}, {_format_utc(end)}), the business date in {EXCHANGE_TZ.key}, "
        "in one snapshot."
    )
    loaded = {}
    for table, read in snapshot.tables.items():
        result = validate_batch(read.raw, read.contract, snapshot.business_date)
        loaded[table] = LoadedTable(
            read.contract, result, [source_name(read.contract, snapshot.schema)], read.raw.num_rows
        )
    return loaded


def advance_watermarks(paths: LakePaths, snapshot: DatabaseDay, batch_id: str = "") -> dict[str, Watermark]:
    """Move each table's watermark forward to the last settled row of the day, never back.

    Called after the day's partition is written. Two runs racing can at worst leave the smaller of
    their positions, which lists a day again (a harmless re-run), never skips one.
    """
    result: dict[str, Watermark] = {}
    for table, read in snapshot.tables.items():
        current = read_watermark(paths, table)
        if current is not None and current.database != snapshot.database:
            current = None
        candidate = read.last_settled
        if candidate is None or (current is not None and candidate <= current):
            if current is not None:
                result[table] = current
            continue
        mark = Watermark(
            candidate.recorded_at,
            candidate.key,
            table=table,
            database=snapshot.database,
            business_date=snapshot.business_date,
            batch_id=batch_id,
        )
        write_text_atomic(mark.to_json(read.contract.primary_key), watermark_path(paths, table))
        result[table] = mark
    return result


def new_business_dates(
    uri: str,
    paths: LakePaths,
    *,
    schema: str = DEFAULT_SCHEMA,
    safety_lag: dt.timedelta = DEFAULT_SAFETY_LAG,
    tables: Iterable[str] | None = None,
) -> list[str]:
    """Business dates (exchange-local, oldest first) with rows beyond a table's watermark.

    Only rows older than `safety_lag` on the database clock count, so a transaction still
    committing cannot be overtaken. A table without a watermark (or with one from another
    database) lists every date it has. Dates are calendar dates: a row recorded on a day the
    exchange is closed belongs to no trading-day partition and is the caller's to report.
    """
    import adbc_driver_manager

    wanted = set(tables) if tables is not None else None
    contracts = [c for c in contracts_for(SOURCE) if wanted is None or c.table in wanted]
    dates: set[dt.date] = set()
    with connect(uri, autocommit=True) as conn, conn.cursor() as cur:
        try:
            check_tables(cur, uri, schema, contracts)
            cur.execute("SELECT clock_timestamp()")
            (now,) = cur.fetchone()
            horizon = now - safety_lag
            for contract in contracts:
                recorded = quote_identifier(contract.business_date_column)
                mark = read_watermark(paths, contract.table)
                if mark is not None and mark.database != _database_id(uri, schema):
                    mark = None
                sql = (
                    f"SELECT DISTINCT CAST(timezone('{EXCHANGE_TZ.key}', {recorded}) AS date) "
                    f"FROM {qualified_name(contract, schema)} WHERE {recorded} <= $1"
                )
                params: list[Any] = [horizon]
                if mark is not None:
                    keys = ", ".join(_key_sql(contract, k) for k in contract.primary_key)
                    slots = ", ".join(f"${i}" for i in range(3, 3 + len(mark.key)))
                    sql += f" AND ({recorded}, {keys}) > ($2, {slots})"
                    params += [mark.recorded_at, *mark.key]
                cur.execute(sql, parameters=tuple(params))
                dates |= {row[0] for row in cur.fetchall()}
        except adbc_driver_manager.Error as exc:
            raise database_error(uri, f"listing new rows in {schema}", exc) from None
    return [d.isoformat() for d in sorted(dates)]
