"""Small builders shared by the database-path tests."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from assets.common.bronze_writer import bronze_file, quarantine_file
from assets.common.contracts import load_contract
from assets.common.paths import LakePaths
from assets.platform.postgres_connection import connect
from assets.platform.postgres_schema import insert_rows, typed_rows

TEST_PII_KEY = "test-key-for-postgres-tests"
SAMPLE = {"clients": 20, "instruments": 5, "days": 4, "trades_per_day": 20, "seed": 7, "quiet": True}


def insert(uri: str, table: str, rows: list[dict[str, str | None]]) -> None:
    """Insert rows given as export text into platform.<table>, typed per contract, in one transaction."""
    contract = load_contract("platform", table)
    raw = pa.table({c: pa.array([r.get(c) for r in rows], pa.string()) for c in contract.column_names})
    with connect(uri) as conn:
        insert_rows(conn, contract, typed_rows(contract, raw))
        conn.commit()


def run(uri: str, *statements: str) -> None:
    """Run statements in one committed transaction."""
    with connect(uri) as conn:
        with conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
        conn.commit()


def query(uri: str, sql: str) -> list[tuple]:
    with connect(uri, autocommit=True) as conn, conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def read_bronze(paths: LakePaths, table: str, day: str) -> pa.Table:
    return pq.read_table(bronze_file(paths, load_contract("platform", table), day))


def read_quarantine(paths: LakePaths, table: str, day: str) -> pa.Table:
    return pq.read_table(quarantine_file(paths, load_contract("platform", table), day))


def write_export(landing: Path, day: str, table: str, rows: list[dict[str, str | None]]) -> Path:
    """landing/platform/<day>/<table>.csv with the contract's header, as the platform exports it."""
    contract = load_contract("platform", table)
    path = landing / "platform" / day / f"{table}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(contract.column_names)
        writer.writerows([[r.get(c) or "" for c in contract.column_names] for r in rows])
    return path
