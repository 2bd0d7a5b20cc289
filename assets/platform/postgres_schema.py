"""The platform's PostgreSQL tables, generated from the contracts, and a loader for the daily exports.

The DDL is derived from `data_contracts/platform/*.odcs.yaml` so the database, the export files
and bronze can never describe a table differently: decimal(p,s) becomes numeric(p,s), timestamp
timestamptz, varchar text; required columns are NOT NULL.

The platform keeps one row per recorded version (a reference row is recorded again when it
changes), so a table's primary key is the contract's key plus `recorded_at`. Whether a key repeats
within a day or against bronze is the contract's rule, judged at ingest like for the files. Each
table also has an index on (recorded_at, key), the order incremental reads and the watermark use.

`load_exports_into_postgres` fills these tables from the simulator's daily export CSVs, typed per
contract and written with ADBC bulk ingest, so every amount arrives exact (never through float).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from assets.common.contracts import Column, Contract, contracts_for
from assets.common.csv_reader import UnreadableFileError, read_csv_strings
from assets.common.lineage import SOURCE_FILE, SOURCE_ROW
from assets.platform.postgres_connection import (
    PlatformDatabaseError,
    connect,
    database_error,
    quote_identifier,
)

SOURCE = "platform"
DEFAULT_SCHEMA = "platform"
_DECIMAL = re.compile(r"decimal\((\d+),\s*(\d+)\)")
_POSTGRES_TYPES = {
    "varchar": "text",
    "bigint": "bigint",
    "integer": "integer",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamptz",
}


def postgres_type(column: Column) -> str:
    """The PostgreSQL type of a contract column: decimal(p,s) keeps its precision and scale."""
    match = _DECIMAL.fullmatch(column.physical_type)
    if match:
        return f"numeric({match.group(1)},{match.group(2)})"
    try:
        return _POSTGRES_TYPES[column.physical_type]
    except KeyError:
        raise PlatformDatabaseError(
            f"Contract column {column.name} has physicalType {column.physical_type!r}, "
            "which has no PostgreSQL mapping."
        ) from None


def version_key(contract: Contract) -> tuple[str, ...]:
    """The columns identifying one recorded version of a row: the contract's key, then recorded_at."""
    recorded = contract.business_date_column
    return (*contract.primary_key, *([] if recorded in contract.primary_key else [recorded]))


def qualified_name(contract: Contract, schema: str = DEFAULT_SCHEMA) -> str:
    return f"{quote_identifier(schema)}.{quote_identifier(contract.table)}"


def _text_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ordering_column(contract: Contract, name: str) -> str:
    """A key column as sorted by reads and the watermark: text in byte order (COLLATE "C")."""
    quoted = quote_identifier(name)
    return f'{quoted} COLLATE "C"' if contract.column(name).kind == "varchar" else quoted


def table_ddl(contract: Contract, schema: str = DEFAULT_SCHEMA) -> list[str]:
    """CREATE TABLE, its (recorded_at, key) index and column comments for one contract."""
    if not contract.primary_key:
        raise PlatformDatabaseError(
            f"Contract {contract.key} has no primary key; a platform table needs one."
        )
    name = qualified_name(contract, schema)
    lines = [
        f"    {quote_identifier(c.name)} {postgres_type(c)}{' NOT NULL' if c.required else ''}"
        for c in contract.columns
    ]
    key = ", ".join(quote_identifier(k) for k in version_key(contract))
    lines.append(f"    CONSTRAINT {quote_identifier(contract.table + '_pkey')} PRIMARY KEY ({key})")
    recorded = contract.business_date_column
    ordered = ", ".join(
        [quote_identifier(recorded), *(_ordering_column(contract, k) for k in contract.primary_key)]
    )
    index = quote_identifier(f"{contract.table}_{recorded}_key_idx")
    statements = [
        f"CREATE TABLE IF NOT EXISTS {name} (\n" + ",\n".join(lines) + "\n)",
        f"CREATE INDEX IF NOT EXISTS {index} ON {name} ({ordered})",
        f"COMMENT ON TABLE {name} IS {_text_literal(contract.description)}",
    ]
    statements += [
        f"COMMENT ON COLUMN {name}.{quote_identifier(c.name)} IS {_text_literal(c.description)}"
        for c in contract.columns
        if c.description
    ]
    return statements


def platform_ddl(schema: str = DEFAULT_SCHEMA) -> list[str]:
    """Every statement that creates the platform schema and its tables, one statement per item."""
    statements = [f"CREATE SCHEMA IF NOT EXISTS {quote_identifier(schema)}"]
    for contract in contracts_for(SOURCE):
        statements += table_ddl(contract, schema)
    return statements


def create_platform_tables(uri: str, schema: str = DEFAULT_SCHEMA) -> None:
    """Create the platform schema and tables where missing (existing tables are left as they are)."""
    import adbc_driver_manager

    with connect(uri) as conn:
        try:
            with conn.cursor() as cur:
                for statement in platform_ddl(schema):
                    cur.execute(statement)
            conn.commit()
        except adbc_driver_manager.Error as exc:
            raise database_error(uri, f"creating the {schema} tables", exc) from None


def typed_rows(contract: Contract, raw: pa.Table, where: str = "") -> pa.Table:
    """Export strings (empty = null) as the contract's Arrow types, exactly: decimals are parsed from
    their text, never through float; a value that does not fit names its column and row."""
    columns = []
    for column in contract.columns:
        values = raw.column(column.name) if column.name in raw.column_names else None
        if values is None:
            values = pa.nulls(raw.num_rows, pa.string())
        if column.kind != "varchar":
            try:
                values = pc.cast(values, column.arrow_type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise PlatformDatabaseError(
                    f"{where or contract.key}: {_first_bad_value(values, column)} ({exc})"
                ) from None
        columns.append(values)
    schema = pa.schema([pa.field(c.name, c.arrow_type) for c in contract.columns])
    return pa.Table.from_arrays(columns, schema=schema)


def _first_bad_value(values: pa.ChunkedArray | pa.Array, column: Column) -> str:
    for row, value in enumerate(values.to_pylist(), start=1):
        if value is None:
            continue
        try:
            pc.cast(pa.array([value], pa.string()), column.arrow_type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return f"row {row} has {column.name} {value!r}, which is not a {column.physical_type}"
    return f"column {column.name} cannot be read as {column.physical_type}"


def insert_rows(conn: Any, contract: Contract, rows: pa.Table, schema: str = DEFAULT_SCHEMA) -> int:
    """Append typed rows (contract columns) to the table with ADBC bulk ingest, in the caller's
    transaction; returns the number of rows written."""
    if rows.num_rows == 0:
        return 0
    with conn.cursor() as cur:
        cur.adbc_ingest(
            contract.table, rows.select(contract.column_names), mode="append", db_schema_name=schema
        )
    return rows.num_rows


def export_days(landing_root: Path) -> list[str]:
    """The business dates that have a platform export folder under landing_root/platform, oldest first."""
    folder = Path(landing_root) / SOURCE
    return sorted(p.name for p in folder.glob("????-??-??") if p.is_dir())


def load_exports_into_postgres(
    uri: str,
    landing_root: Path | str,
    *,
    days: Iterable[str] | None = None,
    replace: bool = True,
    schema: str = DEFAULT_SCHEMA,
) -> dict[str, int]:
    """Load landing_root/platform/<date>/<table>.csv into the platform tables; rows loaded per table.

    `landing_root` is the lake's landing/ folder. The tables are created where missing; with
    `replace` they are emptied first, so they hold exactly the exports (a snapshot), otherwise the
    days are appended (e.g. one new day, to show an incremental read). Everything is one
    transaction: a file that cannot be loaded leaves the database as it was.
    """
    import adbc_driver_manager

    landing_root = Path(landing_root)
    wanted = list(days) if days is not None else export_days(landing_root)
    create_platform_tables(uri, schema)
    counts = {c.table: 0 for c in contracts_for(SOURCE)}
    with connect(uri) as conn:
        try:
            if replace:
                with conn.cursor() as cur:
                    tables = ", ".join(qualified_name(c, schema) for c in contracts_for(SOURCE))
                    cur.execute(f"TRUNCATE {tables}")
            for day in wanted:
                for contract in contracts_for(SOURCE):
                    path = landing_root / SOURCE / day / f"{contract.table}.csv"
                    if path.is_file():
                        counts[contract.table] += insert_rows(
                            conn, contract, _read_export(contract, path), schema
                        )
            conn.commit()
        except adbc_driver_manager.Error as exc:
            raise database_error(
                uri, f"loading the exports under {landing_root} into {schema}", exc
            ) from None
    return counts


def _read_export(contract: Contract, path: Path) -> pa.Table:
    try:
        read = read_csv_strings(
            path, str(path), required_columns=contract.column_names, newlines_in_values=True
        )
    except UnreadableFileError as exc:
        raise PlatformDatabaseError(f"Cannot load {exc}") from None
    if read.malformed:
        first = read.malformed[0]
        raise PlatformDatabaseError(f"Cannot load {path}: {first.message}.")
    return typed_rows(contract, read.table.drop_columns([SOURCE_FILE, SOURCE_ROW]), str(path))
