"""Read-only access to the warehouse the marts live in, and fingerprints of what a model read."""

from __future__ import annotations

from pathlib import Path

import duckdb


def connect_read_only(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection (dbt is the only writer); timestamps in UTC."""
    if not Path(warehouse).is_file():
        raise FileNotFoundError(f"No warehouse at {warehouse}: build the marts first (marginlake build).")
    con = duckdb.connect(str(warehouse), read_only=True)
    con.execute("set TimeZone = 'UTC'")
    con.execute("set threads = 2")
    return con


def relation_exists(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    schema, name = relation.split(".")
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    return bool(row and row[0])


def relation_fingerprint(
    con: duckdb.DuckDBPyConnection, relation: str, date_column: str | None = None
) -> dict[str, object]:
    """Row count, date range and an order-independent content hash of a table: its lineage record."""
    dates = (
        f", cast(min({date_column}) as varchar), cast(max({date_column}) as varchar)" if date_column else ""
    )
    row = con.execute(
        f"select count(*), cast(coalesce(sum(cast(hash(t) as hugeint)), 0) as varchar){dates} from "
        f"{relation} as t"
    ).fetchone()
    assert row is not None
    out: dict[str, object] = {"rows": int(row[0]), "content_hash": row[1]}
    if date_column:
        out["min_date"], out["max_date"] = row[2], row[3]
    return out
